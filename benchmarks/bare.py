"""The yardstick for GET /auth/me: a bare Flask app that returns the same JSON
with nothing in between (no session lookup, no database, no limiter, no
headers). Served by gunicorn exactly like step 05: gunicorn 'bare:create_app()'."""
from flask import Flask

USER = {"user": {"id": 1, "username": "bench", "email": "bench@example.com"}}


def status():
    return {"status": "ok"}


def me():
    return USER


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/", view_func=status)
    app.add_url_rule("/auth/me", view_func=me)
    return app
