"""Fixtures in the style of the Flask docs: app, client, runner."""
import os
import socket
import sqlite3
import threading
import time
from email import message_from_bytes, policy
from functools import partial

import pyotp
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
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


# What a deployment sets in the environment: a long random key, a mail server,
# a key for the two-factor secrets.
PRODUCTION = {"SECRET_KEY": "4f1c9a0e7b2d6c8e3a5f9b1d7e2c4a6f8b0d2e4c6a8f0b1d3e5c7a9f1b3d5e7c",
              "MAIL_SERVER": "smtp.example.com", "TOTP_ENCRYPTION_KEY": "yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4="}


# Every test user's password: long and unguessable enough for every step's
# password rules, so that a test fails only for what it is about.
PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(tmp_path, mail_server, inbox):
    # A fresh SQLite file per test: real SQL, nothing shared between tests.
    # TEST_DATABASE_URL runs the same tests on another engine (PostgreSQL in
    # `make test-production`); its tables are dropped after each test.
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"
    # Mail goes to the real SMTP server below, so a test can read it.
    app = ready(create_app("testing", SQLALCHEMY_DATABASE_URI=url, **mail_settings(mail_server)), inbox)
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()  # one app per test: don't leave its connections open


@pytest.fixture
def production_app(tmp_path, mail_server, inbox):
    """ProductionConfig, with cheap hashing, a throwaway database and the loopback mail server."""
    return ready(create_app("production", **{**PRODUCTION, **mail_settings(mail_server)},
                            PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}"), inbox)


def ready(app, inbox):
    """The app with its tables. Its test_client() makes a VerifyingClient (below):
    the earlier steps' tests open their second browsers with app.test_client()."""
    app.test_client_class = partial(VerifyingClient, inbox=inbox)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def verified_client(app, inbox):
    """A browser whose user follows the verification link as soon as she has
    registered: a 201 from /auth/register is followed by a POST of the mailed
    token to /auth/verify-email (VerifyingClient, below)."""
    return VerifyingClient(app, app.response_class, use_cookies=True, inbox=inbox)


@pytest.fixture
def client(verified_client):
    """From this step on, `client` is verified_client: the earlier steps'
    tests, which must keep passing here (tests/test_promises.py), register and
    log in at once. A test of what happens before the click asks for plain_client."""
    return verified_client


@pytest.fixture
def alice(client):
    """A user registered through the API and verified (client follows the
    link), not logged in, whose password is PASSWORD."""
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})


@pytest.fixture
def plain_client(app):
    """A browser whose user has not followed the verification link (yet)."""
    return FlaskClient(app, app.response_class, use_cookies=True)


class VerifyingClient(FlaskClient):
    """A browser whose user follows the link in the verification mail the
    moment it arrives. From this step on, an account can't log in before
    that; the tests of earlier steps, which must keep passing here
    (tests/test_promises.py), register and log in at once. So
    verified_client, `client` and app.test_client() behave like that user:
    after a 201 from /auth/register, they read the mail the app really sent
    (and take it out of the inbox, so tests about other mails see only those),
    then post its token to /auth/verify-email with the password just
    registered. The tests of what happens before the click use `plain_client`."""

    def __init__(self, *args, inbox, **kwargs):
        super().__init__(*args, **kwargs)
        self.inbox = inbox

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.request.path == "/auth/register" and response.status_code == 201:
            self.follow_verification_link(response.get_json()["user"]["email"], kwargs["json"]["password"])
        return response

    def follow_verification_link(self, email, password):
        found = [index for index, message in enumerate(self.inbox.messages)
                 if message["To"] == email and "/verify-email?token=" in message.get_content()]
        assert found, f"no verification mail reached {email}"
        message = self.inbox.messages.pop(found[-1])
        self.inbox.envelopes.pop(found[-1])
        token = message.get_content().split("token=")[1].split()[0]
        response = self.post("/auth/verify-email", json={"token": token, "password": password})
        assert response.status_code == 200, response.get_json()
        # Said out loud: a failing test's report shows its printed output, so whoever
        # debugs a registration sees that this client also verified the address.
        print(f"(conftest.py: VerifyingClient followed the verification link mailed to {email})")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clock:
    """The server's clock for TOTP codes (authapp/totp.py's now()), stopped in
    the middle of a 30-second step near the real time. Tests move it with
    tick(): none of them waits for a code to change."""

    def __init__(self):
        self.time = int(time.time()) // 30 * 30 + 15

    def read(self):
        return self.time

    def tick(self, steps=1):
        self.time += 30 * steps

    def code(self, secret, steps=0):
        """What an authenticator app shows `steps` steps from the server's now."""
        return pyotp.TOTP(secret).at(self.time + 30 * steps)


@pytest.fixture
def clock(monkeypatch):
    from authapp import totp  # only the steps that have two-factor have it
    stopped = Clock()
    monkeypatch.setattr(totp, "now", stopped.read)
    return stopped


def held_at_a_barrier(monkeypatch, owner, name, parties):
    """Make owner.name wait until `parties` calls are inside it, or until every
    request of all_at_once() is inside it or answered (a limit turned the rest
    away before they got there), or 2 s have passed: so that simultaneous
    requests really meet there, and a test whose limit works waits for nothing."""
    meeting = MeetingPoint(parties)
    monkeypatch.setitem(MEETING, "point", meeting)  # all_at_once() tells it of each answer
    real = getattr(owner, name)

    def wait_then_call(*args):
        meeting.enter()
        return real(*args)

    monkeypatch.setattr(owner, name, wait_then_call)


MEETING = {}  # the meeting point of the running test's held_at_a_barrier(), if any


class MeetingPoint:
    def __init__(self, parties):
        self.parties = parties
        self.requests = None  # how many requests all_at_once() sends, once it starts them
        self.inside = self.answered_outside = 0
        self.this_thread = threading.local()
        self.changed = threading.Condition()

    def everyone_is_here(self):
        return self.inside >= self.parties or (
            self.requests is not None and self.inside + self.answered_outside >= self.requests)

    def enter(self):
        self.this_thread.came_inside = True
        with self.changed:
            self.inside += 1
            self.changed.notify_all()
            self.changed.wait_for(self.everyone_is_here, timeout=2)

    def answered(self):
        if not getattr(self.this_thread, "came_inside", False):
            with self.changed:
                self.answered_outside += 1
                self.changed.notify_all()


def all_at_once(*calls):
    """Run each call in its own thread; the status codes of their answers."""
    statuses = []
    meeting = MEETING.get("point")
    if meeting:
        meeting.requests = len(calls)

    def send(call):
        try:
            statuses.append(call().status_code)
        finally:
            if meeting:
                meeting.answered()

    threads = [threading.Thread(target=send, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


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


@pytest.fixture(scope="session")
def mail_server():
    """A real SMTP server on loopback, one for the whole run (each test gets an inbox of its own)."""
    server = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def inbox(mail_server):
    """What the app mails during this test, as the SMTP server received it."""
    mail_server.handler = Inbox()  # the server hands each new connection to its current handler
    return mail_server.handler


def mail_settings(server):
    """The loopback SMTP server, reached before the answer whatever the config
    (production sends from a thread): so a test reads its mail at once."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_USE_TLS": False, "MAIL_IN_BACKGROUND": False}
