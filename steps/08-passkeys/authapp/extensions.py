"""Extensions are created here, unbound, and attached to an app in create_app()."""
import sqlite3

from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Engine, MetaData, event
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


@event.listens_for(Engine, "connect")
def enforce_foreign_keys(dbapi_connection, connection_record):
    """SQLite checks FOREIGN KEY rules, ON DELETE CASCADE included, only on a
    connection that asks for it. Without this, deleting a user would leave
    their sessions behind."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
cors = CORS()
