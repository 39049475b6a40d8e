"""The application factory: every app (dev server, tests, CLI) is built here."""
from pathlib import Path

from flask import Flask

from . import admin, auth, notes, passwords, sudo, token_endpoint, verification
from .access import init_access, public
from .access_tokens import views as jwks
from .access_tokens.keys import init_keys
from .access_tokens.kind import JwtAccessTokens
from .api_tokens import views as api_tokens
from .api_tokens.kind import PersonalAccessTokens
from .audit import init_audit
from .bearer import register_token_kind
from .cli import register_commands
from .config import allowed_origins, load_config
from .device_flow import views as device
from .errors import register_error_handlers
from .extensions import cors, db, enforce_foreign_keys, migrate
from .limits import init_limits
from .oauth import init_oauth
from .oidc import views as oidc
from .oidc.client import init_client as init_oidc_client
from .passkeys import views as passkeys
from .security import init_security
from .two_factor import views as two_factor

# The step's folder name ("01-models"), so GET / tells you which step is running.
STEP = Path(__file__).resolve().parent.parent.name


def create_app(config=None, **overrides):
    """Build the app. `config` is a name ("development", "testing",
    "production") or a config class; None means $APP_CONFIG, default
    "development". Keyword arguments override single settings (tests use this)."""
    # No static folder: a JSON API serves no files, and a route it doesn't need
    # would be one more to declare a rule for (access.py).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    load_config(app, config, overrides)

    db.init_app(app)
    enforce_foreign_keys(app)
    migrate.init_app(app, db, render_as_batch=True)  # batch mode: SQLite can't ALTER most things
    # An explicit list: with credentials and no list, Flask-CORS would echo back any
    # origin. always_send=False: a request without an Origin header gets no CORS headers.
    cors.init_app(app, origins=allowed_origins(app.config), supports_credentials=True, always_send=False)
    init_security(app)
    init_limits(app)
    init_audit(app)
    init_access(app)
    register_token_kind(app, PersonalAccessTokens())  # Authorization: Bearer fat_... (bearer.py)
    init_keys(app)
    register_token_kind(app, JwtAccessTokens())  # Authorization: Bearer eyJ... (access_tokens/)
    init_oidc_client(app)

    register_error_handlers(app)
    init_oauth(app)
    register_commands(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(verification.bp)
    app.register_blueprint(two_factor.bp)
    app.register_blueprint(passkeys.bp)
    app.register_blueprint(sudo.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api_tokens.bp)
    app.register_blueprint(device.bp)
    app.register_blueprint(token_endpoint.bp)
    app.register_blueprint(jwks.bp)
    app.register_blueprint(oidc.bp)
    app.add_url_rule("/", view_func=status)
    return app


@public
def status():
    return {"status": "ok", "step": STEP}
