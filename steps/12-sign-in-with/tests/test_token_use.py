"""A token in use: its use written down at most once a minute, revocations
racing a use, and a password reset that revokes every token."""
import logging
from datetime import datetime, timedelta

import pytest

from authapp.api_tokens import kind, views
from authapp.models import utcnow
from conftest import (
    PASSWORD,
    all_at_once,
    also_held_at_the_barrier,
    bearer,
    held_at_a_barrier,
    new_api_token,
    user_id,
)
from test_bearer import QueryCounter

NEW_PASSWORD = "a brand new passphrase for bob"


@pytest.fixture
def token(bob):
    """A token of bob's with every scope."""
    return new_api_token(bob)


def token_id(browser):
    return browser.get("/auth/tokens").get_json()["tokens"][0]["id"]


def reset_password(client, inbox, email="bob@example.com"):
    assert client.post("/auth/forgot-password", json={"email": email}).status_code == 202
    mailed = [message.get_content() for message in inbox.messages if message["Subject"] == "Reset your password"]
    reset_token = mailed[-1].split("token=")[1].split()[0]
    assert client.post("/auth/reset-password", json={"token": reset_token, "password": NEW_PASSWORD}).status_code == 200


@pytest.mark.contract
def test_a_password_reset_revokes_every_token(client, bob, script, inbox):
    """A reset says "I may have lost my password": whoever had it could have made tokens."""
    tokens = [new_api_token(bob), new_api_token(bob, scopes=["notes:read"])]
    reset_password(client, inbox)
    for token in tokens:
        response = script.get("/auth/me", headers=bearer(token))
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


class StoppedClock:
    def __init__(self):
        self.now = utcnow()

    def read(self):
        return self.now


@pytest.fixture
def stopped(monkeypatch):
    """The clock kind.py reads for a token's use, stopped: tests move it."""
    clock = StoppedClock()
    monkeypatch.setattr(kind, "utcnow", clock.read)
    return clock


def last_used(browser):
    return browser.get("/auth/tokens").get_json()["tokens"][0]["last_used_at"]


def test_last_used_at_is_written_at_most_once_a_minute(app, bob, script, token, stopped):
    """last_used_at is written at the first use, not again within a minute, then again (stopped clock)."""
    first = stopped.now
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200
    assert last_used(bob) == first.isoformat(timespec="seconds") + "Z"
    stopped.now = first + timedelta(seconds=59)
    with QueryCounter(app) as queries:
        assert script.get("/auth/me", headers=bearer(token)).status_code == 200
    writes = queries.count
    assert last_used(bob) == first.isoformat(timespec="seconds") + "Z"  # not written again
    stopped.now = first + timedelta(seconds=61)
    with QueryCounter(app) as queries:
        assert script.get("/auth/me", headers=bearer(token)).status_code == 200
    assert queries.count > writes  # the UPDATE
    assert datetime.fromisoformat(last_used(bob).rstrip("Z")) == stopped.now.replace(microsecond=0)


def test_two_revocations_and_a_use_at_once(app, bob, script, token, monkeypatch, inbox, caplog):
    """Both revocations have read the row, and the use has found the token,
    before any of them goes on: the row is deleted once, one revocation is a
    204 and the other a 404, one audit line and one mail; the use that was
    under way finishes (200) or is refused (401), never a 500; afterwards the
    token is refused."""
    caplog.set_level(logging.INFO)
    held_at_a_barrier(monkeypatch, views, "delete_once", 3)
    also_held_at_the_barrier(monkeypatch, kind, "record_use")
    number = token_id(bob)
    second_browser = app.test_client()
    second_browser.post("/auth/login", json={"username": "bob", "password": PASSWORD})
    statuses = all_at_once(lambda: bob.delete(f"/auth/tokens/{number}"),
                           lambda: second_browser.delete(f"/auth/tokens/{number}"),
                           lambda: script.get("/notes", headers=bearer(token)))
    assert sorted(statuses) in ([200, 204, 404], [204, 401, 404])
    assert caplog.text.count("api_token_revoked") == 1
    assert [message["Subject"] for message in inbox.messages].count("An API token was revoked") == 1
    assert script.get("/notes", headers=bearer(token)).status_code == 401


@pytest.mark.contract
def test_a_disabled_owners_tokens_stop_at_once_and_come_back_with_the_account(admin, bob, script, token):
    """An admin disables bob: his tokens are 401 at the next use; enabled again, they work again."""
    bobs_id = user_id(bob)
    assert admin.post(f"/admin/users/{bobs_id}/disable").status_code == 200
    refused = script.get("/auth/me", headers=bearer(token))
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert admin.post(f"/admin/users/{bobs_id}/enable").status_code == 200
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200
