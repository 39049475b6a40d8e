"""Recovery codes: the way back in when the phone is lost. Each works once,
and the database holds only their SHA-256."""
import hashlib
import time

import pyotp
import pytest

from authapp.extensions import db
from authapp.two_factor import recovery_codes
from authapp.two_factor.models import RecoveryCode
from conftest import PASSWORD, all_at_once, held_at_a_barrier

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def code(secret, steps=0):
    """What alice's authenticator app shows, `steps` steps of 30 seconds from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def log_in(browser):
    return browser.post("/auth/login", json={"username": "alice", "password": PASSWORD})


def with_recovery_code(browser, recovery_code):
    log_in(browser)
    return browser.post("/auth/login/2fa", json={"recovery_code": recovery_code})


def turn_on(browser):
    """Turn two-factor on for the logged-in alice: (secret, recovery codes)."""
    secret = browser.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    codes = browser.post("/auth/2fa/confirm", json={"code": code(secret)}).get_json()["recovery_codes"]
    return secret, codes


@pytest.fixture
def codes(client):
    """Alice has two-factor on and has logged out; her ten recovery codes."""
    client.post("/auth/register", json=ALICE)
    log_in(client)
    _, codes = turn_on(client)
    client.post("/auth/logout")
    return codes


@pytest.mark.contract
def test_a_recovery_code_logs_in_once(client, codes):
    response = with_recovery_code(client, codes[0])
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "alice"
    assert client.get("/auth/2fa").get_json()["recovery_codes_left"] == 9
    client.post("/auth/logout")
    again = with_recovery_code(client, codes[0])
    assert again.status_code == 401
    assert again.get_json() == {"error": "invalid code"}
    assert with_recovery_code(client, codes[1]).status_code == 200


def test_a_recovery_code_sent_twice_at_the_same_instant_works_once(app, codes, monkeypatch):
    # Both requests pass the password and the format check, then meet before
    # the DELETE that uses the code up: only the database can pick one.
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        log_in(browser)
    held_at_a_barrier(monkeypatch, recovery_codes, "digest", 2)
    statuses = all_at_once(*[lambda browser=browser: browser.post("/auth/login/2fa", json={"recovery_code": codes[0]})
                             for browser in browsers])
    assert sorted(statuses) == [200, 401]


def test_the_database_keeps_only_a_sha256_of_each_code(app, codes):
    # 120 random bits each: a fast hash is as safe as a slow one here (NIST SP
    # 800-63B-4 and ASVS 5.0 V6.5.2 ask for a slow, salted one below 112 bits).
    with app.app_context():
        stored = set(db.session.scalars(db.select(RecoveryCode.code_hash)))
    assert stored == {hashlib.sha256(one.replace("-", "").encode()).hexdigest() for one in codes}


def test_each_code_has_120_random_bits(codes):
    alphabet = set(recovery_codes.ALPHABET)
    assert len(alphabet) == 32  # 5 bits a character
    assert all(len(one.replace("-", "")) * 5 == 120 and set(one.replace("-", "")) <= alphabet for one in codes)


@pytest.mark.contract
@pytest.mark.parametrize("typed", [lambda c: c.lower(), lambda c: c.replace("-", " "), lambda c: c.replace("-", "")],
                         ids=["lower case", "spaces", "no dashes"])
def test_a_code_is_read_as_it_was_meant(client, codes, typed):
    assert with_recovery_code(client, typed(codes[0])).status_code == 200


@pytest.mark.contract
def test_a_misread_letter_still_works(client, codes):
    # Crockford's alphabet has no O, I or L: typed for 0 and 1, they are read as such.
    misread = codes[0].replace("0", "O").replace("1", "l")
    assert with_recovery_code(client, misread).status_code == 200


@pytest.mark.contract
@pytest.mark.parametrize("typed", ["ABCD-EFGH", "UUUU-UUUU-UUUU-UUUU-UUUU-UUUU", "123456"])
def test_something_that_cannot_be_a_recovery_code_is_a_400(client, codes, typed):
    response = with_recovery_code(client, typed)
    assert response.status_code == 400
    assert "recovery_code" in response.get_json()["fields"]


def test_a_login_with_a_recovery_code_is_mailed_with_what_is_left(client, codes, inbox):
    # A code used by somebody else (a stolen printout) shows up in the mailbox.
    with_recovery_code(client, codes[0])
    mail = inbox.messages[-1]
    assert mail["Subject"] == "A recovery code was used"
    assert "Recovery codes left: 9" in mail.get_content() and codes[0] not in mail.get_content()


@pytest.mark.contract
def test_the_owner_who_lost_the_phone_gets_back_in(client, codes):
    # A recovery code logs her in, another turns two-factor off (a code from the
    # lost app can't), and the new phone starts again with new recovery codes.
    assert with_recovery_code(client, codes[0]).status_code == 200
    off = client.post("/auth/2fa/disable", json={"password": PASSWORD, "recovery_code": codes[1]})
    assert off.status_code == 200
    new_secret, new_codes = turn_on(client)
    assert set(new_codes).isdisjoint(codes)
    client.post("/auth/logout")
    assert with_recovery_code(client, codes[2]).status_code == 401  # the old list died with the old setup
    assert with_recovery_code(client, new_codes[0]).status_code == 200


@pytest.mark.contract
def test_a_code_and_a_recovery_code_together_is_a_400(client, codes):
    log_in(client)
    response = client.post("/auth/login/2fa", json={"code": "123456", "recovery_code": codes[0]})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"code": "send a code or a recovery_code, not both"}
