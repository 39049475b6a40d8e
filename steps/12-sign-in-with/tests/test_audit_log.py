"""Auth events are logged with a user id or a keyed hash, never a password or token."""
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import authapp
from authapp.audit import pseudonym
from conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="authapp.audit")
    return caplog


def audit_lines(events):
    return [record.getMessage() for record in events.records if record.name == "authapp.audit"]


def test_building_the_app_turns_the_audit_lines_on_and_an_import_changes_nothing():
    """create_app() sets the audit logger to INFO; importing authapp.audit alone
    leaves every logger as it was (no process-wide side effect at import)."""
    code = ("import logging, authapp.audit; before = logging.getLogger('authapp.audit').level; "
            "from authapp import create_app; create_app('testing'); "
            "print(before, logging.getLogger('authapp.audit').level)")
    step = Path(authapp.__file__).resolve().parent.parent  # the app's folder, wherever the tests run from
    run = subprocess.run([sys.executable, "-c", code], cwd=step, capture_output=True, text=True, check=True)
    assert run.stdout.split() == [str(logging.NOTSET), str(logging.INFO)]


def test_the_whole_journey_is_logged_without_secrets(app, client, events, inbox):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    client.post("/auth/login", json={"username": "alice", "password": "wrong password, again"})
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    client.post("/auth/change-password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    client.post("/auth/logout")
    client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    # The reset link, by its subject: the notice of the change is in the inbox too.
    (reset_mail,) = [message for message in inbox.messages if message["Subject"] == "Reset your password"]
    token = reset_mail.get_content().split("token=")[1].split()[0]
    client.post("/auth/reset-password", json={"token": token, "password": "yet another passphrase"})

    lines = audit_lines(events)
    assert [line.split()[0] for line in lines] == [
        "registered", "email_verified", "login_failed", "login_succeeded", "password_changed", "logout",
        "reset_requested", "reset_completed"]
    assert all("address=127.0.0.1" in line for line in lines)
    assert "user=1" in lines[3]
    everything = events.text
    for secret in (PASSWORD, NEW_PASSWORD, "yet another passphrase", token):
        assert secret not in everything


def test_a_failed_login_names_a_keyed_hash_not_the_username(app, client, events):
    client.post("/auth/login", json={"username": "Mallory", "password": "x" * 20})
    (line,) = audit_lines(events)
    with app.app_context():
        assert f"who={pseudonym('mallory')}" in line
    assert "mallory" not in line.lower()


def test_the_pseudonym_depends_on_the_secret_key(app):
    with app.app_context():
        first = pseudonym("alice@example.com")
        app.config["SECRET_KEY"] = "another key"
        assert pseudonym("alice@example.com") != first


def test_a_rate_limit_hit_is_logged_with_the_name_it_was_for(app, client, events):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    for _ in range(6):
        client.post("/auth/login", json={"username": "alice", "password": "x" * 20})
    (hit,) = [line for line in audit_lines(events) if line.startswith("rate_limited")]
    assert "auth.login" in hit
    with app.app_context():
        assert f"who={pseudonym('alice')}" in hit


def test_verification_and_email_changes_are_logged_without_tokens_or_addresses(client, plain_client, events, inbox):
    plain_client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    plain_client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    plain_client.post("/auth/resend-verification", json={"email": "alice@example.com"})
    tokens = [message.get_content().split("token=")[1].split()[0] for message in inbox.messages]
    plain_client.post("/auth/verify-email", json={"token": tokens[-1], "password": PASSWORD})
    plain_client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    plain_client.post("/auth/change-email", json={"password": PASSWORD, "new_email": "alice@new.example"})
    (confirmation,) = [message for message in inbox.messages if message["To"] == "alice@new.example"]
    tokens.append(confirmation.get_content().split("token=")[1].split()[0])
    plain_client.post("/auth/verify-email", json={"token": tokens[-1], "password": PASSWORD})

    lines = audit_lines(events)
    assert [line.split()[0] for line in lines] == [
        "registered", "login_unverified", "verification_requested", "email_verified", "login_succeeded",
        "email_change_requested", "email_changed"]
    for secret in (*tokens, "alice@", "new.example"):
        assert secret not in events.text


def test_two_factor_is_logged_without_secrets_or_codes(client, events, clock):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    secret = client.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    recovery_codes = client.post("/auth/2fa/confirm", json={"code": clock.code(secret)}).get_json()["recovery_codes"]
    client.post("/auth/logout")
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    client.post("/auth/login/2fa", json={"code": clock.code(secret)})  # used already
    client.post("/auth/login/2fa", json={"recovery_code": recovery_codes[0]})
    client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": clock.code(secret, 1)})

    lines = audit_lines(events)
    assert [line.split()[0] for line in lines] == [
        "registered", "email_verified", "login_succeeded", "two_factor_enabled", "logout",
        "login_needs_second_factor", "login_code_failed", "login_succeeded", "two_factor_disabled"]
    assert "second_factor='recovery_code'" in lines[-2]
    for secret_or_code in (secret, clock.code(secret), clock.code(secret, 1), *recovery_codes):
        assert secret_or_code not in events.text
