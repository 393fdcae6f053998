"""Demo data for development and black-box tests (refused in production)."""
