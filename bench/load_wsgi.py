"""bench/load.py's WSGI entry: the app from the environment with the per-IP rate limits off (every
request of the load generator comes from 127.0.0.1)."""
from app import create_app
from app.heap import freeze_startup_heap

app = create_app({"RATELIMIT_ENABLED": False})
freeze_startup_heap()  # as wsgi.py
