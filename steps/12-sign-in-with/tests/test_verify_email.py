"""Registering mails a link; login waits until it is followed (POST /auth/verify-email)."""
import threading
import time

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from authapp import verification
from authapp.extensions import db
from authapp.models import User
from authapp.tokens import make_verify_token
from conftest import PASSWORD

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
DAY = 24 * 3600


@pytest.fixture
def waiting(plain_client):
    """Alice has registered and not followed the link yet."""
    assert plain_client.post("/auth/register", json=ALICE).status_code == 201


def mailed_token(inbox, to="alice@example.com", kind="verify-email"):
    bodies = [message.get_content() for message in reversed(inbox.messages) if message["To"] == to]
    body = next(body for body in bodies if f"/{kind}?token=" in body)
    return body.split(f"/{kind}?token=")[1].split()[0]


def verify(browser, token, password=PASSWORD):
    return browser.post("/auth/verify-email", json={"token": token, "password": password})


def login(browser, password=PASSWORD, username="alice"):
    return browser.post("/auth/login", json={"username": username, "password": password})


def token_signed_ago(app, seconds, monkeypatch):
    with app.app_context():
        user = db.session.scalar(db.select(User))
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        token = make_verify_token(user)
        monkeypatch.undo()
    return token


def test_registering_mails_a_link_to_the_front_end_not_the_host_header(app, plain_client, inbox):
    app.config["FRONTEND_URL"] = "https://app.example.com/"
    response = plain_client.post("/auth/register", json=ALICE, headers={"Host": "evil.example"})
    assert response.status_code == 201
    assert response.get_json()["user"]["email_verified"] is False
    (message,) = inbox.messages
    assert message["To"] == "alice@example.com" and message["Subject"] == "Confirm your email address"
    body = message.get_content()
    assert "https://app.example.com/verify-email?token=" in body and "evil.example" not in body
    assert mailed_token(inbox) not in response.get_data(as_text=True)


def test_only_the_right_password_learns_that_the_address_is_unverified(plain_client, waiting):
    # A wrong password gets the answer it always got: nobody learns anything
    # about the account without its password.
    wrong = login(plain_client, "not the right password")
    unknown = login(plain_client, "not the right password", username="mallory")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json() == {"error": "invalid credentials"}
    right = login(plain_client)
    assert right.status_code == 403
    assert right.get_json() == {"error": "email not verified"}
    assert right.headers.getlist("Set-Cookie") == []  # no session, no known-browser cookie
    assert plain_client.get("/auth/me").status_code == 401


def test_the_mailed_link_verifies_the_address_and_then_login_works(plain_client, waiting, inbox):
    response = verify(plain_client, mailed_token(inbox))
    assert response.status_code == 200
    assert response.get_json()["user"] == {"id": 1, "username": "alice", "email": "alice@example.com",
                                            "email_verified": True, "roles": []}
    assert plain_client.get("/auth/me").status_code == 401  # the link proves a mailbox; it is no login
    assert login(plain_client).status_code == 200


def test_a_link_works_only_once(plain_client, waiting, inbox):
    token = mailed_token(inbox)
    assert verify(plain_client, token).status_code == 200
    again = verify(plain_client, token)
    assert again.status_code == 400
    assert again.get_json()["fields"] == {"token": "is invalid, expired or already used"}


def a_fresh_link(app, inbox, purpose):
    """The token of a link nobody has followed yet: a new account's, or a change of address's."""
    browser = FlaskClient(app, app.response_class) if purpose == "new account" else app.test_client()
    browser.post("/auth/register", json=ALICE)
    if purpose == "new address":
        browser.post("/auth/login", json={"username": "alice", "password": PASSWORD})
        browser.post("/auth/change-email", json={"password": PASSWORD, "new_email": "alice@new.example"})
        return mailed_token(inbox, to="alice@new.example")
    return mailed_token(inbox)


@pytest.mark.parametrize("purpose", ["new account", "new address"])
def test_one_link_used_twice_at_the_same_instant_works_once(app, inbox, monkeypatch, purpose):
    # Hold both requests after the token check, just before the UPDATE: both
    # have read the account as the link expects it, only the database can pick one.
    token = a_fresh_link(app, inbox, purpose)
    both_checked = threading.Barrier(2, timeout=10)
    read = verification.read_verify_token

    def read_then_wait(*args):
        found = read(*args)
        both_checked.wait()
        return found

    monkeypatch.setattr(verification, "read_verify_token", read_then_wait)
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(verify(app.test_client(), token).status_code))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 400]


def test_a_link_lasts_24_hours(app, plain_client, waiting, monkeypatch):
    assert app.config["VERIFY_TOKEN_MAX_AGE"] == DAY
    assert verify(plain_client, token_signed_ago(app, DAY + 1, monkeypatch)).status_code == 400
    assert verify(plain_client, token_signed_ago(app, DAY - 60, monkeypatch)).status_code == 200


def test_the_lifetime_is_configurable(app, plain_client, waiting, monkeypatch):
    app.config["VERIFY_TOKEN_MAX_AGE"] = 2 * DAY
    assert verify(plain_client, token_signed_ago(app, DAY + 1, monkeypatch)).status_code == 200


@pytest.mark.parametrize("token", ["garbage", "eyJ1c2VyIjoxfQ.AAAAAA.forged"])
def test_forged_links_are_refused(plain_client, waiting, token):
    response = verify(plain_client, token)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"token": "is invalid, expired or already used"}


def test_a_reset_link_is_no_verification_link_and_the_other_way_round(plain_client, waiting, inbox):
    # A salt per purpose: each token is signed for one job only.
    verify_token = mailed_token(inbox)
    plain_client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset_token = mailed_token(inbox, kind="reset-password")
    assert verify(plain_client, reset_token).status_code == 400
    response = plain_client.post("/auth/reset-password", json={"token": verify_token,
                                                                "password": "a brand new passphrase"})
    assert response.status_code == 400


def test_a_completed_password_reset_proves_the_mailbox(plain_client, waiting, inbox):
    # The reset link reached the address as surely as the verification link would have.
    verify_token = mailed_token(inbox)
    plain_client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset = plain_client.post("/auth/reset-password", json={"token": mailed_token(inbox, kind="reset-password"),
                                                             "password": "a brand new passphrase"})
    assert reset.status_code == 200
    assert login(plain_client, "a brand new passphrase").status_code == 200
    assert verify(plain_client, verify_token).status_code == 400  # nothing left to verify


def test_the_owner_of_a_squatted_address_takes_the_account_back(app, plain_client, inbox):
    # Mallory registers with Alice's address. The link goes to Alice, so
    # Mallory can't log in, and Alice can't register with her own address...
    squat = {"username": "mallory", "email": "alice@example.com", "password": "tangerine bicycle umbrella"}
    assert plain_client.post("/auth/register", json=squat).status_code == 201
    assert login(plain_client, squat["password"], username="mallory").status_code == 403
    alice = app.test_client()
    assert alice.post("/auth/register", json=ALICE).status_code == 409
    # ...but the reset link reaches her too, and a completed reset proves the mailbox.
    alice.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset = alice.post("/auth/reset-password", json={"token": mailed_token(inbox, kind="reset-password"),
                                                      "password": "a brand new passphrase"})
    assert reset.status_code == 200
    assert login(alice, "a brand new passphrase", username="alice@example.com").status_code == 200
    assert login(plain_client, squat["password"], username="mallory").status_code == 401


SQUAT = {"username": "mallory", "email": "alice@example.com", "password": "tangerine bicycle umbrella"}


@pytest.mark.contract
def test_a_link_needs_the_password_of_the_account_it_verifies(plain_client, waiting, inbox):
    token = mailed_token(inbox)
    wrong = verify(plain_client, token, password="whoever reads the mail")
    assert wrong.status_code == 403
    assert wrong.get_json()["fields"] == {"password": "is not the password of this account"}
    assert login(plain_client).status_code == 403  # still waiting
    assert verify(plain_client, token).status_code == 200  # a wrong password doesn't use the link up


@pytest.mark.contract
def test_the_owner_of_a_squatted_address_never_verifies_the_squatters_account(app, plain_client, inbox):
    # Mallory registers with Alice's address; Alice can't register, asks for a
    # new link as the client offers, and follows it with what she knows.
    assert plain_client.post("/auth/register", json=SQUAT).status_code == 201
    alice = app.test_client()
    assert alice.post("/auth/register", json=ALICE).status_code == 409
    assert alice.post("/auth/resend-verification", json={"email": "alice@example.com"}).status_code == 202
    assert verify(alice, mailed_token(inbox), password=PASSWORD).status_code == 403
    newest = inbox.messages[-1].get_content()
    assert "the account mallory" in newest and "'forgot password'" in newest  # says whose, and how to take it
    # So Mallory still can't log in: no session, nothing added to the account.
    assert login(plain_client, SQUAT["password"], username="mallory").status_code == 403
    # Alice does what the mail says, and the account is hers alone.
    alice.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset = alice.post("/auth/reset-password", json={"token": mailed_token(inbox, kind="reset-password"),
                                                      "password": "a brand new passphrase"})
    assert reset.status_code == 200
    assert login(alice, "a brand new passphrase", username="alice@example.com").status_code == 200
    assert login(plain_client, SQUAT["password"], username="mallory").status_code == 401


def test_without_a_mail_server_the_link_is_printed_for_the_learner(app, plain_client, capsys):
    app.config.update(MAIL_SERVER=None)
    plain_client.post("/auth/register", json=ALICE)
    link = next(line for line in capsys.readouterr().out.splitlines() if "verify-email?token=" in line)
    assert link.startswith("http://localhost:3000/verify-email?token=")
    assert verify(plain_client, link.split("token=")[1]).status_code == 200
