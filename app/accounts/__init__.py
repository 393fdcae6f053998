"""Users, passwords, tokens, API keys and who is acting."""
