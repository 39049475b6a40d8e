"""Settings. Defaults live in the classes; the environment overrides them."""
import os
from datetime import timedelta


class Config:
    # Signs the session cookie. Fine for your laptop, never for a server:
    # set SECRET_KEY in the environment (python -c "import secrets; print(secrets.token_hex(32))").
    SECRET_KEY = "dev-only-not-secret"
    # A relative SQLite path lives in the instance/ folder (Flask-SQLAlchemy 3).
    SQLALCHEMY_DATABASE_URI = "sqlite:///authapp.sqlite"
    # Werkzeug's default password hash: scrypt with its default cost.
    PASSWORD_HASH_METHOD = "scrypt"
    # The largest request body we read: a registration is far smaller. A bigger
    # one gets a 413 before anything parses it, let alone hashes it.
    MAX_CONTENT_LENGTH = 4 * 1024

    # Sessions end on the server after this long without a request, or this
    # long after login, whichever comes first. OWASP Session Management Cheat
    # Sheet: idle timeouts of 15-30 minutes for low-risk applications, absolute
    # timeouts of 4-8 hours (an office day).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    # The cookie: JavaScript can't read it, and other sites' forms don't send it.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # The front ends allowed to call this API with cookies (comma-separated).
    CORS_ORIGINS = "http://localhost:3000,http://127.0.0.1:3000"


class DevelopmentConfig(Config):
    CONFIG_NAME = "development"


class TestingConfig(Config):
    CONFIG_NAME = "testing"
    TESTING = True
    # Real scrypt, tiny cost: the tests check behaviour, not hashing speed.
    PASSWORD_HASH_METHOD = "scrypt:256:8:1"


class ProductionConfig(Config):
    CONFIG_NAME = "production"
    SESSION_COOKIE_SECURE = True  # only ever sent over HTTPS


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


# The environment variables a deployment can set, and the setting each one fills.
ENVIRONMENT = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "CORS_ORIGINS": "CORS_ORIGINS",
}


def from_environment():
    """The settings that environment variables provide, when they are set."""
    return {setting: os.environ[name] for name, setting in ENVIRONMENT.items() if os.environ.get(name)}


def load_config(app, config, overrides):
    """Class defaults, then the environment, then explicit overrides."""
    if config is None:
        config = os.environ.get("APP_CONFIG", "development")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise ValueError(f"unknown config {config!r}: use one of {', '.join(CONFIGS)}")
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(from_environment())
    app.config.update(overrides)
