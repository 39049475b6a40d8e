"""Turning two-factor on (setup, then confirm with a code) and off (disable)."""
import base64
import io
import re
import time

import pyotp
import pytest
import segno

from authapp.extensions import db
from authapp.models import User
from authapp.two_factor import totp
from conftest import PASSWORD, all_at_once, held_at_a_barrier

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def code(secret, steps=0):
    """What alice's authenticator app shows, `steps` steps of 30 seconds from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def not_a_code(secret):
    """Six digits that are none of the codes from two steps before now to two after."""
    near = {code(secret, steps) for steps in range(-2, 3)}
    return next(digits for digits in ("000000", "111111", "222222", "333333", "444444", "555555") if digits not in near)


def setup(browser, password=PASSWORD):
    return browser.post("/auth/2fa/setup", json={"password": password})


def confirm(browser, digits):
    return browser.post("/auth/2fa/confirm", json={"code": digits})


def status(browser):
    return browser.get("/auth/2fa").get_json()


@pytest.fixture
def alice(client):
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})


@pytest.mark.contract
def test_setup_asks_for_the_password_again(client, alice):
    # A session left open on a shared computer must not be enough to change how you log in.
    response = setup(client, "not my password at all")
    assert response.status_code == 403
    assert response.get_json()["fields"] == {"password": "is not your password"}
    assert "secret" not in response.get_json()


@pytest.mark.contract
def test_setup_needs_a_login(client):
    assert setup(client).status_code == 401
    assert client.get("/auth/2fa").status_code == 401


@pytest.mark.contract
def test_setup_answers_the_secret_as_text_uri_and_qr_code_and_changes_nothing_yet(client, alice):
    response = setup(client)
    assert response.status_code == 200
    answer = response.get_json()
    assert set(answer) == {"secret", "otpauth_uri", "qr_svg"}
    assert len(base64.b32decode(answer["secret"])) * 8 == 160  # RFC 4226's recommended length
    assert answer["otpauth_uri"] == (f"otpauth://totp/Flask%20Auth:alice?secret={answer['secret']}"
                                     "&issuer=Flask%20Auth")
    # The QR code is that URI, drawn as SVG (what the phone's camera reads).
    drawn = io.BytesIO()
    segno.make_qr(answer["otpauth_uri"]).save(drawn, kind="svg", xmldecl=False, scale=4)
    assert answer["qr_svg"] == drawn.getvalue().decode() and answer["qr_svg"].startswith("<svg")
    # Until a code confirms it, two-factor stays off: the password alone still logs in.
    assert status(client) == {"enabled": False, "recovery_codes_left": 0}
    login = client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert "user" in login.get_json()


@pytest.mark.contract
def test_confirming_with_the_apps_code_turns_it_on_and_shows_ten_recovery_codes_once(client, alice):
    secret = setup(client).get_json()["secret"]
    response = confirm(client, code(secret))
    assert response.status_code == 200
    codes = response.get_json()["recovery_codes"]
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}", one) for one in codes)
    # Shown once: nothing ever answers them again.
    assert status(client) == {"enabled": True, "recovery_codes_left": 10}
    assert client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).get_json() == {
        "two_factor_required": True}


@pytest.mark.contract
def test_a_wrong_code_turns_nothing_on(client, alice):
    # Proof that the app has the secret: without it, the owner would lock herself out.
    secret = setup(client).get_json()["secret"]
    response = confirm(client, not_a_code(secret))
    assert response.status_code == 400
    assert "code" in response.get_json()["fields"]
    assert status(client)["enabled"] is False
    assert confirm(client, code(secret)).status_code == 200  # the setup waits for the right one


@pytest.mark.contract
def test_confirm_without_a_setup_is_a_400(client, alice):
    response = confirm(client, "123456")
    assert response.status_code == 400
    assert "setup" in response.get_json()["error"]


def test_a_setup_waits_ten_minutes_at_most(app, client, alice):
    assert app.config["TWO_FACTOR_SETUP_MAX_AGE"] == 600
    secret = setup(client).get_json()["secret"]
    app.config["TWO_FACTOR_SETUP_MAX_AGE"] = -1  # every setup is now too old
    assert confirm(client, code(secret)).status_code == 400


@pytest.mark.contract
def test_setup_while_it_is_on_is_a_409(client, alice):
    confirm(client, code(setup(client).get_json()["secret"]))
    response = setup(client)
    assert response.status_code == 409
    assert "secret" not in response.get_json()


def test_two_confirmations_at_the_same_instant_turn_it_on_once(app, client, alice, monkeypatch):
    # Two browsers, two secrets: only one may be stored, or one of the two apps
    # would show codes that never work.
    other = app.test_client()
    other.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    secrets = [setup(browser).get_json()["secret"] for browser in (client, other)]
    held_at_a_barrier(monkeypatch, totp, "turn_on", 2)
    statuses = all_at_once(lambda: confirm(client, code(secrets[0])), lambda: confirm(other, code(secrets[1])))
    assert sorted(statuses) == [200, 409]


def test_turning_it_on_is_mailed_to_the_owner(client, alice, inbox):
    confirm(client, code(setup(client).get_json()["secret"]))
    (mail,) = [message for message in inbox.messages if message["To"] == "alice@example.com"]
    assert mail["Subject"] == "Two-factor authentication is on"


@pytest.fixture
def secret(client, alice):
    """Alice has two-factor on, confirmed with the current code, and is still logged in."""
    secret = setup(client).get_json()["secret"]
    confirm(client, code(secret))
    return secret


def disable(browser, digits, password=PASSWORD):
    return browser.post("/auth/2fa/disable", json={"password": password, "code": digits})


@pytest.mark.contract
def test_turning_it_off_takes_the_password_and_a_fresh_code(client, secret):
    assert disable(client, code(secret, 1), "not my password at all").status_code == 403
    wrong = disable(client, not_a_code(secret))
    assert wrong.status_code == 403
    assert wrong.get_json()["fields"] == {"code": "is not a valid code"}
    assert disable(client, code(secret)).status_code == 403  # the code that turned it on is used
    response = disable(client, code(secret, 1))
    assert response.status_code == 200
    assert status(client) == {"enabled": False, "recovery_codes_left": 0}
    client.post("/auth/logout")
    login = client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert login.get_json()["user"]["username"] == "alice"


def test_turning_it_off_is_mailed_to_the_owner(client, secret, inbox):
    # If it wasn't her, she hears of it at once.
    disable(client, code(secret, 1))
    assert [message["Subject"] for message in inbox.messages if message["To"] == "alice@example.com"] == [
        "Two-factor authentication is on", "Two-factor authentication is off"]


@pytest.mark.contract
def test_turning_it_off_when_it_is_off_is_a_409(client, alice):
    assert disable(client, "123456").status_code == 409


@pytest.mark.contract
def test_turning_it_off_needs_a_login(client):
    assert disable(client, "123456").status_code == 401


def test_the_secret_is_stored_encrypted_with_the_configured_key(app, client, secret):
    # A stolen copy of the database (a backup, an SQL injection) holds no secret:
    # the key lives in the environment. Fernet also notices any change to it.
    with app.app_context():
        stored = db.session.scalar(db.select(User.totp_secret))
        assert secret not in stored and base64.b32decode(secret) not in base64.urlsafe_b64decode(stored)
        assert totp.decrypt(stored) == secret
        app.config["TOTP_ENCRYPTION_KEY"] = "yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4="
        assert totp.decrypt(stored) is None


def test_a_new_key_goes_in_front_and_the_old_one_still_decrypts(app, client, secret):
    old = app.config["TOTP_ENCRYPTION_KEY"]
    app.config["TOTP_ENCRYPTION_KEY"] = f"yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4=, {old}"
    client.post("/auth/logout")
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert client.post("/auth/login/2fa", json={"code": code(secret, 1)}).status_code == 200
