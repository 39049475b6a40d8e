"""Fixtures in the style of the Flask docs: app, client, runner."""
import socket
import sqlite3
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
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
def alice(client):
    """A user registered through the API (not logged in), whose password is PASSWORD."""
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Inbox:
    """An aiosmtpd handler: keeps every message a real SMTP conversation delivers."""

    def __init__(self):
        self.messages = []
        self.envelopes = []  # the recipients each SMTP conversation named (RCPT TO)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope.rcpt_tos)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    """A real SMTP server on loopback, with the app configured to use it."""
    handler = Inbox()
    server = Controller(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False)
    yield handler
    server.stop()
