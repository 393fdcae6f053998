"""WSGI entry point: ``gunicorn wsgi:app``. Never starts a scheduler (that is ``flask scheduler run``)."""
from app import create_app
from app.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()  # app/heap.py: full collections no longer walk the start-up objects
