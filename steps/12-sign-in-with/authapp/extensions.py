"""Extensions are created here, unbound, and attached to an app in create_app()."""
import sqlite3

from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so that migrations can refer to (and drop) them later.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
cors = CORS()


def enforce_foreign_keys(app):
    """SQLite checks FOREIGN KEY rules, ON DELETE CASCADE included, only on a
    connection that asks for it. Without this, deleting a user would leave
    their sessions behind. Only this app's engine listens: other programs in
    the same process keep SQLite's own default."""
    with app.app_context():
        event.listen(db.engine, "connect", switch_foreign_keys_on)


def switch_foreign_keys_on(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):  # PostgreSQL always enforces them
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
