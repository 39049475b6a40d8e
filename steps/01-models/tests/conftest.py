"""Fixtures in the style of the Flask docs: app, client, runner."""
import sqlite3

import pytest
from sqlalchemy import Engine, event

from authapp import create_app
from authapp.extensions import db


@event.listens_for(Engine, "connect")
def skip_waiting_for_the_disk(dbapi_connection, connection_record):
    """A test's database is thrown away, so SQLite needn't wait for each write
    to reach the disk (fsync), nor keep its rollback journal in a file: on a
    busy machine, that waiting was most of a test's time. Transactions and
    locks work as before."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA journal_mode = MEMORY")


# Every test user's password: long and unguessable enough for every step's
# password rules, so that a test fails only for what it is about.
PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(tmp_path):
    # A fresh SQLite file per test: real SQL, nothing shared between tests.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}")
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
