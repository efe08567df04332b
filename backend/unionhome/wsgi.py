"""WSGI entry point for gunicorn: `gunicorn unionhome.wsgi:app`."""

from . import create_app

app = create_app()
