"""Logging in with two-factor on: the right password starts no session, only a
pending login in this browser; a code from the app (or a recovery code)
turns it into a session. Every code works once."""
import threading
import time
from datetime import timedelta

import pyotp
import pytest

from authapp import auth
from authapp.extensions import db
from authapp.models import UserSession, utcnow
from authapp.two_factor import totp
from authapp.two_factor.models import PendingLogin
from conftest import PASSWORD, all_at_once, held_at_a_barrier

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def code(secret, steps=0):
    """What alice's authenticator app shows, `steps` steps of 30 seconds from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def log_in(browser, password=PASSWORD):
    return browser.post("/auth/login", json={"username": "alice", "password": password})


def second_step(browser, **factor):
    return browser.post("/auth/login/2fa", json=factor)


def turn_on(browser, clock=None):
    """Turn two-factor on for the logged-in alice: (secret, recovery codes)."""
    secret = browser.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    first = clock.code(secret) if clock else code(secret)
    codes = browser.post("/auth/2fa/confirm", json={"code": first}).get_json()["recovery_codes"]
    return secret, codes


@pytest.fixture
def secret(client):
    """Alice has turned two-factor on with her app's current code, and logged out."""
    client.post("/auth/register", json=ALICE)
    log_in(client)
    secret, _ = turn_on(client)
    client.post("/auth/logout")
    return secret


@pytest.fixture
def stopped_secret(client, clock):
    """The same, on the stopped clock (conftest.py): the tests move time themselves."""
    client.post("/auth/register", json=ALICE)
    log_in(client)
    secret, _ = turn_on(client, clock)
    client.post("/auth/logout")
    return secret


@pytest.mark.contract
def test_the_right_password_alone_starts_no_session(client, secret):
    response = log_in(client)
    assert response.status_code == 200
    assert response.get_json() == {"two_factor_required": True}  # no user, no token
    assert client.get("/auth/me").status_code == 401
    assert not any(cookie.startswith("known_browser=") for cookie in response.headers.getlist("Set-Cookie"))


@pytest.mark.contract
def test_a_wrong_password_gets_the_401_it_always_got(client, secret):
    # Only someone who knows the password learns that two-factor is on.
    response = log_in(client, "not the right password")
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid credentials"}


def test_no_session_row_exists_before_the_second_factor(app, client, secret):
    log_in(client)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(PendingLogin)) == 1


@pytest.mark.contract
def test_the_code_finishes_the_login_with_a_new_session_id(client, secret):
    log_in(client)
    waiting = client.get_cookie("session").value
    response = second_step(client, code=code(secret, 1))  # the confirmation used the current code
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "alice"
    assert client.get("/auth/me").status_code == 200
    assert client.get_cookie("session").value != waiting
    # Known for this account from now on (the rate limits), and only now.
    assert any(cookie.startswith("known_browser=") for cookie in response.headers.getlist("Set-Cookie"))


@pytest.mark.contract
def test_each_code_works_once(client, stopped_secret, clock):
    # The code that confirmed the setup has been used: it can't log anybody in.
    # (On the stopped clock: on the real one, a 30-second step could end between
    # the setup and the login, and the "used" code would be another one.)
    log_in(client)
    assert second_step(client, code=clock.code(stopped_secret)).status_code == 401
    assert second_step(client, code=clock.code(stopped_secret, 1)).status_code == 200
    client.post("/auth/logout")
    log_in(client)
    replayed = second_step(client, code=clock.code(stopped_secret, 1))
    assert replayed.status_code == 401
    assert replayed.get_json() == {"error": "invalid code"}


def test_one_code_sent_by_two_logins_at_the_same_instant_works_once(app, stopped_secret, clock, monkeypatch):
    # Two browsers past the password, one code (seen over a shoulder, or phished),
    # both held after reading the account and before the UPDATE: only the
    # database can pick one.
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        log_in(browser)
    held_at_a_barrier(monkeypatch, totp, "matching_step", 2)
    used = clock.code(stopped_secret, 1)
    statuses = all_at_once(*[lambda browser=browser: second_step(browser, code=used) for browser in browsers])
    assert sorted(statuses) == [200, 401]


@pytest.mark.parametrize("steps, status", [(-2, 401), (-1, 200), (0, 200), (1, 200), (2, 401)])
def test_codes_pass_from_one_step_before_to_one_step_after_now(client, stopped_secret, clock, steps, status):
    clock.tick(3)  # the confirmation's code is long past
    log_in(client)
    assert second_step(client, code=clock.code(stopped_secret, steps)).status_code == status


def test_after_a_code_no_earlier_one_passes(client, stopped_secret, clock):
    clock.tick(3)
    log_in(client)
    assert second_step(client, code=clock.code(stopped_secret, 1)).status_code == 200
    client.post("/auth/logout")
    log_in(client)
    assert second_step(client, code=clock.code(stopped_secret, 0)).status_code == 401


def test_the_pending_login_stays_in_the_browser_that_typed_the_password(app, client, secret):
    # The code alone is worth nothing elsewhere: another browser has no pending
    # login to finish, and can't name one (there is nothing in the answer to copy).
    log_in(client)
    other = app.test_client()
    refused = second_step(other, code=code(secret, 1))
    assert refused.status_code == 401
    assert refused.get_json() == {"error": "no login is waiting for a code here: log in with your password first"}
    assert other.get("/auth/me").status_code == 401
    assert second_step(client, code=code(secret, 1)).status_code == 200


@pytest.mark.parametrize("age, status", [(timedelta(minutes=4, seconds=50), 200),
                                         (timedelta(minutes=5, seconds=1), 401)])
def test_a_pending_login_lasts_five_minutes(app, client, stopped_secret, clock, age, status):
    assert app.config["TWO_FACTOR_LOGIN_MAX_AGE"] == timedelta(minutes=5)
    log_in(client)
    with app.app_context():
        pending = db.session.scalars(db.select(PendingLogin)).one()
        pending.created_at = utcnow() - age
        db.session.commit()
    assert second_step(client, code=clock.code(stopped_secret, 1)).status_code == status


def test_a_finished_pending_login_cannot_be_finished_again(app, client, stopped_secret, clock):
    # A copy of the cookie from before the code: its pending login is used up.
    log_in(client)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert second_step(client, code=clock.code(stopped_secret, 1)).status_code == 200
    clock.tick()
    assert second_step(copy, code=clock.code(stopped_secret, 1)).status_code == 401


def test_logging_out_ends_a_pending_login_on_the_server(app, client, stopped_secret, clock):
    # As for sessions (step 03): a copy of the cookie is worth nothing after logout.
    log_in(client)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert client.post("/auth/logout").status_code == 204
    assert second_step(copy, code=clock.code(stopped_secret, 1)).status_code == 401


@pytest.mark.contract
def test_a_known_browser_still_needs_the_code(client, secret):
    # The known-browser cookie (step 05) only sets this browser's rate limits:
    # it is no second factor, so it never skips the code.
    log_in(client)
    second_step(client, code=code(secret, 1))
    client.post("/auth/logout")
    assert log_in(client).get_json() == {"two_factor_required": True}
    assert client.get("/auth/me").status_code == 401


def mailed_reset_token(inbox):
    return inbox.messages[-1].get_content().split("reset-password?token=")[1].split()[0]


def test_a_password_reset_keeps_two_factor_and_ends_pending_logins(app, client, stopped_secret, clock, inbox):
    # The mailbox alone must not open the account: the reset changes the
    # password, never the second factor. A login left half-done with the old
    # password ends, like every session.
    log_in(client)
    stranger = app.test_client()
    stranger.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset = stranger.post("/auth/reset-password", json={"token": mailed_reset_token(inbox),
                                                         "password": "a brand new passphrase"})
    assert reset.status_code == 200
    assert second_step(client, code=clock.code(stopped_secret, 1)).status_code == 401
    assert log_in(stranger, "a brand new passphrase").get_json() == {"two_factor_required": True}
    assert stranger.get("/auth/me").status_code == 401
    assert second_step(stranger, code=clock.code(stopped_secret, 1)).status_code == 200


def test_turning_it_on_ends_every_session_the_password_alone_started(app, client):
    # A session that proved only the password would outlive the new rule.
    other = app.test_client()
    client.post("/auth/register", json=ALICE)
    log_in(client)
    log_in(other)
    before = client.get_cookie("session").value
    turn_on(client)
    assert other.get("/auth/me").status_code == 401
    assert client.get("/auth/me").status_code == 200  # this one proved the password and a code...
    assert client.get_cookie("session").value != before  # ...and has a new session id


def test_a_password_login_in_flight_while_it_is_turned_on_gets_no_session(app, client, monkeypatch):
    """The thief's password login checks the password; while its slow hash runs,
    the owner turns two-factor on. The login ends at two_factor_required, with
    no session: the second factor wins."""
    client.post("/auth/register", json=ALICE)
    log_in(client)
    checked, turned_on = threading.Event(), threading.Event()
    check = auth.password_matches

    def check_then_wait(*args):
        matched = check(*args)
        checked.set()
        turned_on.wait(timeout=10)
        return matched

    monkeypatch.setattr(auth, "password_matches", check_then_wait)
    thief, answers = app.test_client(), []
    login = threading.Thread(target=lambda: answers.append(log_in(thief).get_json()))
    login.start()
    assert checked.wait(timeout=10)
    turn_on(client)
    turned_on.set()
    login.join()
    assert answers == [{"two_factor_required": True}]
    assert thief.get("/auth/me").status_code == 401
