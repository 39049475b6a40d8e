"""Settings. Defaults live in the classes; the environment overrides them."""
import os


class Config:
    # Signs the session cookie. Fine for your laptop, never for a server:
    # set SECRET_KEY in the environment (python -c "import secrets; print(secrets.token_hex(32))").
    SECRET_KEY = "dev-only-not-secret"
    # A relative SQLite path lives in the instance/ folder (Flask-SQLAlchemy 3).
    SQLALCHEMY_DATABASE_URI = "sqlite:///authapp.sqlite"
    # Werkzeug's default password hash: scrypt with its default cost.
    PASSWORD_HASH_METHOD = "scrypt"


class DevelopmentConfig(Config):
    CONFIG_NAME = "development"


class TestingConfig(Config):
    CONFIG_NAME = "testing"
    TESTING = True
    # Real scrypt, tiny cost: the tests check behaviour, not hashing speed.
    PASSWORD_HASH_METHOD = "scrypt:256:8:1"


class ProductionConfig(Config):
    CONFIG_NAME = "production"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


# The environment variables a deployment can set, and the setting each one fills.
ENVIRONMENT = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
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
