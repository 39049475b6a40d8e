"""Fixtures in the style of the Flask docs: app, client, runner. And, from
step 08, a passkey authenticator in software; from step 11, a command-line
app that signs in with the device flow (at the end)."""
import base64
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import struct
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from functools import partial
from pathlib import Path

import cbor2
import pyotp
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
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
# a key for the two-factor secrets, the passkeys' domain and the front end's
# origin, and the key that signs access tokens.
PRODUCTION = {"SECRET_KEY": "4f1c9a0e7b2d6c8e3a5f9b1d7e2c4a6f8b0d2e4c6a8f0b1d3e5c7a9f1b3d5e7c",
              "MAIL_SERVER": "smtp.example.com", "TOTP_ENCRYPTION_KEY": "yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4=",
              "WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_ORIGIN": "https://app.example.com",
              "ACCESS_TOKEN_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\n"
              "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghERieDAYf2Rp5+yN\n"
              "0yy2LswuhJ4C70X1Vpu+7jmLNrWhRANCAATpD4KW0dPJzrTiDhn+YWRFp8fJgapI\n"
              "PrTaYjud78S8d1SiLVzaadbNZJgNbeCsp3XCK0tM7XQmvmh0d+04q9zr\n-----END PRIVATE KEY-----\n"}


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
    """The server's clock for TOTP codes (authapp/two_factor/totp.py's now()),
    stopped in the middle of a 30-second step near the real time. Tests move
    it with tick(): none of them waits for a code to change."""

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
    from authapp.two_factor import totp  # only the steps that have two-factor have it
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


def also_held_at_the_barrier(monkeypatch, owner, name):
    """owner.name waits at the meeting point of held_at_a_barrier(), called
    before: so that calls of two different functions meet there."""
    meeting = MEETING["point"]
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


# --- Passkeys (step 08) ---------------------------------------------------------
# A passkey authenticator in software: what a phone or a password manager does,
# and what the browser adds. It makes EC P-256 key pairs (cryptography), writes
# its data in CBOR (cbor2) as the WebAuthn spec lays it out, and answers the
# server's options in the JSON form that the browser's credential.toJSON()
# gives. So the tests run the real py_webauthn checks on real signatures,
# without a browser. Keyword arguments let a test play an attacker: another
# origin, another RP ID, no user verification, another key, flags or counts.

@pytest.fixture
def authenticator():
    """A passkey authenticator in software (SoftwareAuthenticator, below)."""
    return SoftwareAuthenticator()


ORIGIN = "http://localhost:3000"  # the steps' WEBAUTHN_ORIGIN and RP ID by default
RP_ID = "localhost"
# Authenticator data flags (WebAuthn, section 6.1): user present, user
# verified, backup eligible, backed up, attested credential data included.
UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
AAGUID = bytes(16)  # "no particular model", as with attestation "none"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


class SoftwareAuthenticator:
    """counting=True: every signature counts up, as security keys do; False:
    the count stays 0, as synced passkeys do. backup_eligible and backed_up:
    the BE and BS flags it reports."""

    def __init__(self, counting=True, backup_eligible=False, backed_up=False):
        self.counting, self.backup_eligible, self.backed_up = counting, backup_eligible, backed_up
        self.credentials = []

    def flags(self, user_verified):
        return (UP | (UV if user_verified else 0) | (BE if self.backup_eligible else 0)
                | (BS if self.backed_up else 0))

    def create(self, options, origin=ORIGIN, rp_id=None, user_verified=True, credential_id=None, flags=None,
               fmt="none", statement=None, cross_origin=False):
        """navigator.credentials.create(): a new key pair for the options'
        RP and user; the answer as JSON (attestation "none", unless `fmt`)."""
        rp_id = rp_id or options["rp"]["id"]
        credential = Credential(credential_id or secrets.token_bytes(16), ec.generate_private_key(ec.SECP256R1()),
                                rp_id, unb64url(options["user"]["id"]))
        numbers = credential.key.public_key().public_numbers()
        # The public key as a COSE_Key (RFC 9052): EC2, ES256, P-256, x, y.
        cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                -3: numbers.y.to_bytes(32, "big")})
        attested = AAGUID + struct.pack(">H", len(credential.id)) + credential.id + cose_key
        auth_data = self.auth_data(rp_id, AT | (self.flags(user_verified) if flags is None else flags),
                                   credential.sign_count) + attested
        client_data = client_data_json("webauthn.create", options["challenge"], origin, cross_origin)
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement or {}, "authData": auth_data})
        self.credentials.append(credential)
        return {"id": b64url(credential.id), "rawId": b64url(credential.id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options, credential=None, origin=ORIGIN, rp_id=None, user_verified=True, flags=None,
            sign_count=None, key=None, user_handle=None, cross_origin=False):
        """navigator.credentials.get(): a signature over the options'
        challenge, by the last credential made (or `credential`)."""
        credential = credential or self.credentials[-1]
        if self.counting:
            credential.sign_count += 1
        auth_data = self.auth_data(rp_id or options["rpId"], self.flags(user_verified) if flags is None else flags,
                                   credential.sign_count if sign_count is None else sign_count)
        client_data = client_data_json("webauthn.get", options["challenge"], origin, cross_origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = (key or credential.key).sign(signed, ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(credential.id), "rawId": b64url(credential.id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature),
                             "userHandle": b64url(user_handle or credential.user_handle)}}

    @staticmethod
    def auth_data(rp_id, flags, sign_count):
        """SHA-256 of the RP ID, the flags, the count (WebAuthn, section 6.1)."""
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)


def client_data_json(kind, challenge, origin, cross_origin=False):
    """What the browser writes and the authenticator signs a hash of: which
    ceremony, the server's challenge, the page's origin, and whether that page
    was in a frame on another site's page."""
    return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": cross_origin}).encode()


# What the browser client does (client/passkeys.js), as test-client requests.
def add_passkey(browser, authenticator, password=PASSWORD, name="laptop", **answer):
    """Ask for options, let the authenticator make a passkey, send its answer.
    The answer to that (201 with the passkey, or a refusal)."""
    options = browser.post("/auth/passkeys/register/options", json={"password": password, "name": name})
    assert options.status_code == 200, options.get_json()
    return browser.post("/auth/passkeys/register/verify", json=authenticator.create(options.get_json(), **answer))


def sign_in(browser, authenticator, **answer):
    """Ask for login options, let the authenticator sign, send its answer."""
    options = browser.post("/auth/passkeys/login/options")
    assert options.status_code == 200, options.get_json()
    return browser.post("/auth/passkeys/login/verify", json=authenticator.get(options.get_json(), **answer))


# --- Roles (step 09) --------------------------------------------------------------

@pytest.fixture
def admin(app, runner, clock):
    """A browser of its own, logged in as "root": an admin (granted from the
    terminal, the only way) with two-factor on, who has just proved who she
    is, so the admin routes let her in (sudo mode). `admin.secret` is her
    authenticator app's secret."""
    browser = app.test_client()
    root = {"username": "root", "email": "root@example.com", "password": PASSWORD}
    assert browser.post("/auth/register", json=root).status_code == 201
    assert browser.post("/auth/login", json={"username": "root", "password": PASSWORD}).status_code == 200
    browser.secret = browser.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    assert browser.post("/auth/2fa/confirm", json={"code": clock.code(browser.secret)}).status_code == 200
    clock.tick()  # the code that turned it on is used: the next step's is fresh
    granted = runner.invoke(args=["grant-role", "root", "admin"])
    assert granted.exit_code == 0, granted.output
    return browser


@pytest.fixture
def bob(app):
    """Another user's browser, logged in as "bob" (verified, no second factor)."""
    browser = app.test_client()
    assert browser.post("/auth/register", json={"username": "bob", "email": "bob@example.com",
                                                "password": PASSWORD}).status_code == 201
    assert browser.post("/auth/login", json={"username": "bob", "password": PASSWORD}).status_code == 200
    return browser


def user_id(browser):
    return browser.get("/auth/me").get_json()["user"]["id"]


# --- API tokens (step 10) ---------------------------------------------------------

EVERY_SCOPE = ["account:read", "notes:read", "notes:write"]


def new_api_token(browser, scopes=EVERY_SCOPE, password=PASSWORD, **fields):
    """What a user does on her tokens page: a new token, in the answer once."""
    response = browser.post("/auth/tokens", json={"name": "backup script", "scopes": scopes,
                                                  "password": password, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def script(app):
    """A program calling the API: no cookies, only what it puts in each request."""
    return FlaskClient(app, app.response_class, use_cookies=False)


@pytest.fixture
def admins_token(admin, clock):
    """A token with every scope, of an admin with two-factor on (so a code too)."""
    token = new_api_token(admin, code=clock.code(admin.secret))
    clock.tick()  # that code is used: the next step's is fresh
    return token
# --- Apps that aren't browsers (step 11) --------------------------------------------
# A command-line app signs in with the device flow: it asks for a code, a
# logged-in browser approves it, the app collects its tokens. The token code
# reads the time from authapp/clock.py: a test stops that clock and moves it.

CLIENT_ID = "flask-auth-cli"  # TestingConfig's DEVICE_CLIENTS
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class StoppedTime:
    """The token code's clock, stopped at a whole second near now; advance() moves it."""

    def __init__(self):
        self.moment = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)

    def now(self):
        return self.moment

    def advance(self, **how_long):
        self.moment += timedelta(**how_long)


@pytest.fixture
def stopped_time(monkeypatch):
    from authapp import clock as token_clock  # only the steps with tokens that expire have it
    stopped = StoppedTime()
    monkeypatch.setattr(token_clock, "now", stopped.now)
    return stopped


@pytest.fixture
def native_app(app):
    """The command-line app: a client that keeps no cookies, as a program that
    only sends the tokens it was given."""
    return FlaskClient(app, app.response_class, use_cookies=False)


def start_device_flow(native_app, **asked):
    response = native_app.post("/auth/device", data={"client_id": CLIENT_ID, **asked})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def poll(native_app, device_code, client_id=CLIENT_ID):
    return native_app.post("/auth/token", data={"grant_type": DEVICE_CODE_GRANT, "device_code": device_code,
                                                "client_id": client_id})


def refresh(native_app, refresh_token, client_id=CLIENT_ID):
    return native_app.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                                "client_id": client_id})


def device_sign_in(native_app, browser, **asked):
    """The whole device flow: the app starts, `browser` (logged in) approves,
    the app polls once. The token answer, as JSON."""
    started = start_device_flow(native_app, **asked)
    approved = browser.post("/auth/device/approve", json={"user_code": started["user_code"]})
    assert approved.status_code == 200, approved.get_json()
    tokens = poll(native_app, started["device_code"])
    assert tokens.status_code == 200, tokens.get_json()
    return tokens.get_json()


# --- Sign in with a provider (step 12) -------------------------------------------
# A real OpenID provider (panva's oidc-provider, OpenID Certified) on loopback:
# the repository's oidc-provider/ folder, started with Node. Without Node these
# tests are skipped with the reason on a laptop, and fail in CI (provider_process.py).
# Two processes for the whole run: ours, and a second one with another issuer
# that plays the attacker's provider in the mix-up test.

def provider_folder():
    """oidc-provider/ at the repository's root, or where $OIDC_PROVIDER_DIR says
    (`make check` copies these tests to a temporary folder)."""
    if os.environ.get("OIDC_PROVIDER_DIR"):
        return Path(os.environ["OIDC_PROVIDER_DIR"])
    for folder in Path(__file__).resolve().parents:
        if (folder / "oidc-provider" / "provider_process.py").exists():
            return folder / "oidc-provider"
    pytest.skip("no oidc-provider/ folder: set OIDC_PROVIDER_DIR to the repository's oidc-provider/")


def provider_process_module():
    sys.path.insert(0, str(provider_folder()))
    import provider_process  # noqa: PLC0415  (found only once its folder is on the path)
    return provider_process


OIDC_CLIENT = {"client_id": "flask-auth", "client_secret": "a-test-secret-" + "x" * 24,
               # What url_for(_external=True) gives in Flask's test client.
               "redirect_uris": ["http://localhost/auth/oidc/callback"]}
# The provider's people. Each test starts from these (the `provider` fixture).
PROVIDER_ACCOUNTS = [
    {"sub": "carol-at-provider", "email": "carol@example.com", "email_verified": True},
    # Someone who typed alice's address at the provider and never proved it.
    {"sub": "mallory-unverified", "email": "alice@example.com", "email_verified": False},
    # Someone the provider says owns alice's address: a later owner, or a provider that is wrong.
    {"sub": "alice-lookalike", "email": "alice@example.com", "email_verified": True},
    {"sub": "alice-at-provider", "email": "alice@provider.example", "email_verified": True},
    {"sub": "liar", "email": "liar@example.com", "email_verified": True, "userinfo_sub": "carol-at-provider"},
]


@pytest.fixture(scope="session")
def provider_processes(tmp_path_factory):
    """(ours, the attacker's): two running providers for the whole run."""
    module = provider_process_module()
    module.require_provider()
    fixture = {"clients": [OIDC_CLIENT], "accounts": PROVIDER_ACCOUNTS}
    ours = module.ProviderProcess.start(fixture, tmp_path_factory.mktemp("provider"))
    try:
        theirs = module.ProviderProcess.start(fixture, tmp_path_factory.mktemp("second-provider"))
    except BaseException:
        ours.stop()
        raise
    yield ours, theirs
    ours.stop()
    theirs.stop()


@pytest.fixture
def provider(provider_processes):
    """Our provider, its accounts as PROVIDER_ACCOUNTS says (a test may change them)."""
    ours, _ = provider_processes
    ours.set_accounts(PROVIDER_ACCOUNTS)
    return ours


@pytest.fixture
def second_provider(provider_processes):
    return provider_processes[1]


def oidc_settings(provider):
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": OIDC_CLIENT["client_id"],
            "OIDC_CLIENT_SECRET": OIDC_CLIENT["client_secret"]}
