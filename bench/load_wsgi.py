"""bench/load.py's WSGI entry: the app from the environment with the per-IP rate limits off (every
request of the load generator comes from 127.0.0.1)."""
from app import create_app

app = create_app({"RATELIMIT_ENABLED": False})
