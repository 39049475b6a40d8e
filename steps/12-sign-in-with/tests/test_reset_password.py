"""POST /auth/reset-password: signed, timed, single-use tokens."""
import threading
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from authapp import passwords
from authapp.extensions import db
from authapp.models import User
from authapp.tokens import make_reset_token
from conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def mailed_token(client, inbox):
    client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    return inbox.messages[-1].get_content().split("token=")[1].split()[0]


def reset(client, token, password=NEW_PASSWORD):
    return client.post("/auth/reset-password", json={"token": token, "password": password})


def login(client, password):
    return client.post("/auth/login", json={"username": "alice", "password": password})


def test_reset_with_the_mailed_link_changes_the_password(client, alice, inbox):
    response = reset(client, mailed_token(client, inbox))
    assert response.status_code == 200
    assert login(client, NEW_PASSWORD).status_code == 200
    assert login(client, PASSWORD).status_code == 401


def test_reset_does_not_log_you_in(client, alice, inbox):
    assert reset(client, mailed_token(client, inbox)).status_code == 200  # a reset that failed would prove nothing
    assert client.get("/auth/me").status_code == 401


def test_a_token_works_only_once(client, alice, inbox):
    token = mailed_token(client, inbox)
    assert reset(client, token).status_code == 200
    again = reset(client, token, "yet another new passphrase")
    assert again.status_code == 400
    assert again.get_json()["fields"] == {"token": "is invalid, expired or already used"}


def test_every_outstanding_token_dies_when_the_password_changes(client, alice, inbox):
    first, second = mailed_token(client, inbox), mailed_token(client, inbox)
    assert reset(client, second).status_code == 200
    assert reset(client, first).status_code == 400


def test_a_plain_timed_token_could_be_replayed(app):
    # The myth: "it expires in an hour, so it's safe". Until then it works
    # again and again; only our password fingerprint makes it single-use.
    plain = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="password-reset")
    token = plain.dumps({"user": 1})
    assert plain.loads(token, max_age=3600) == plain.loads(token, max_age=3600) == {"user": 1}


def test_an_expired_token_is_refused(app, client, alice, monkeypatch):
    with app.app_context():
        user = db.session.scalar(db.select(User))
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3601)
        token = make_reset_token(user)
        monkeypatch.undo()
    assert reset(client, token).status_code == 400


def test_the_lifetime_is_configurable(app, client, alice, monkeypatch):
    app.config["RESET_TOKEN_MAX_AGE"] = 7200
    with app.app_context():
        user = db.session.scalar(db.select(User))
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3601)
        token = make_reset_token(user)
        monkeypatch.undo()
    assert reset(client, token).status_code == 200


@pytest.mark.contract
@pytest.mark.parametrize("token", ["", "garbage", "eyJ1c2VyIjoxfQ.AAAAAA.forged"])
def test_forged_tokens_are_refused(client, alice, token):
    response = reset(client, token)
    assert response.status_code == 400


def test_a_token_signed_for_another_purpose_is_refused(app, client, alice):
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="email-confirmation")
    with app.app_context():
        user = db.session.scalar(db.select(User))
        from authapp.tokens import password_fingerprint
        token = other.dumps({"user": user.id, "password": password_fingerprint(user)})
    assert reset(client, token).status_code == 400


def test_a_weak_new_password_is_refused_and_the_token_still_works(client, alice, inbox):
    token = mailed_token(client, inbox)
    response = reset(client, token, "short")
    assert response.status_code == 400
    assert "password" in response.get_json()["fields"]
    assert reset(client, token).status_code == 200


def test_reset_logs_out_every_session(app, client, alice, inbox):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, PASSWORD), login(phone, PASSWORD)
    reset(client, mailed_token(client, inbox))
    assert laptop.get("/auth/me").status_code == 401
    assert phone.get("/auth/me").status_code == 401


def test_a_notice_is_mailed_after_a_reset(client, alice, inbox):
    reset(client, mailed_token(client, inbox))
    assert inbox.messages[-1]["Subject"] == "Your password was changed"
    assert "token" not in inbox.messages[-1].get_content()


@pytest.mark.contract
def test_missing_fields_are_400(client):
    response = client.post("/auth/reset-password", json={"token": "x"})
    assert response.get_json()["fields"] == {"password": "is required"}


def test_one_token_used_twice_at_the_same_instant_works_once(app, client, alice, inbox, monkeypatch):
    # Hold both requests after the token check, just before the password is
    # saved: both have seen a valid token, only the database can pick one.
    token = mailed_token(client, inbox)
    both_checked = threading.Barrier(2, timeout=10)
    check = passwords.require_good_password

    def check_then_wait(*args):
        check(*args)
        both_checked.wait()

    monkeypatch.setattr(passwords, "require_good_password", check_then_wait)
    statuses = []
    threads = [threading.Thread(target=lambda password=password: statuses.append(
        reset(app.test_client(), token, password).status_code))
        for password in (NEW_PASSWORD, "another new passphrase")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 400]
