"""WSGI entry point: ``gunicorn wsgi:app``. Never starts a scheduler (that is ``flask scheduler run``)."""
from app import create_app

app = create_app()
