"""The application factory: every app (dev server, tests, CLI) is built here."""
from pathlib import Path

from flask import Flask

from . import auth
from .cli import register_commands
from .config import load_config
from .errors import register_error_handlers
from .extensions import cors, db, enforce_foreign_keys, migrate

# The step's folder name ("01-models"), so GET / tells you which step is running.
STEP = Path(__file__).resolve().parent.parent.name


def create_app(config=None, **overrides):
    """Build the app. `config` is a name ("development", "testing",
    "production") or a config class; None means $APP_CONFIG, default
    "development". Keyword arguments override single settings (tests use this)."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config, overrides)

    db.init_app(app)
    enforce_foreign_keys(app)
    migrate.init_app(app, db, render_as_batch=True)  # batch mode: SQLite can't ALTER most things
    # An explicit list: with credentials and no list, Flask-CORS would echo back any
    # origin. always_send=False: a request without an Origin header gets no CORS headers.
    origins = [origin.strip() for origin in app.config["CORS_ORIGINS"].split(",")]
    cors.init_app(app, origins=origins, supports_credentials=True, always_send=False)

    register_error_handlers(app)
    register_commands(app)
    app.register_blueprint(auth.bp)
    app.add_url_rule("/", view_func=status)
    return app


def status():
    return {"status": "ok", "step": STEP}
