"""POST /auth/change-password: needs the current password; other sessions end."""
import threading

import pytest

from authapp import auth
from conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def alice(client):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com",
                                        "password": PASSWORD})
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})


def change(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post("/auth/change-password", json={"current_password": current, "new_password": new})


def test_change_needs_a_login(app):
    assert change(app.test_client()).status_code == 401


def test_change_with_the_right_current_password(app, client, alice):
    assert change(client).status_code == 200
    fresh = app.test_client()
    assert fresh.post("/auth/login", json={"username": "alice", "password": NEW_PASSWORD}).status_code == 200
    assert fresh.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 401


def test_wrong_current_password_is_403_and_changes_nothing(app, client, alice):
    response = change(client, current="not my password at all")
    assert response.status_code == 403
    assert "current_password" in response.get_json()["fields"]
    fresh = app.test_client()
    assert fresh.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200


@pytest.mark.contract
def test_new_password_follows_the_same_rules(client, alice):
    response = change(client, new="short")
    assert response.status_code == 400
    assert "at least 15" in response.get_json()["fields"]["new_password"]


def test_this_session_stays_and_every_other_one_ends(app, client, alice):
    other = app.test_client()
    other.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    change(client)
    assert client.get("/auth/me").status_code == 200
    assert other.get("/auth/me").status_code == 401


def test_a_notice_is_mailed(client, alice, inbox):
    change(client)
    assert inbox.messages[-1]["Subject"] == "Your password was changed"
    assert inbox.messages[-1]["To"] == "alice@example.com"


def test_a_password_change_gives_this_browser_a_new_session_id(app, client, alice):
    # ASVS 5.0 V7.2.4: a new session token on re-authentication. A copy of the
    # old cookie, taken before the change, no longer works.
    before = client.get_cookie("session").value
    assert change(client).status_code == 200
    after = client.get_cookie("session").value
    assert after != before
    assert client.get("/auth/me").status_code == 200
    stale = app.test_client()
    stale.set_cookie("session", before)
    assert stale.get("/auth/me").status_code == 401


def test_a_login_that_checked_the_old_password_during_a_change_gets_no_session(app, client, alice, monkeypatch):
    """The thief's login checks the old password; while its slow hash runs, the
    owner changes the password. The change wins: the login is a 401, no session."""
    checked, changed = threading.Event(), threading.Event()
    check = auth.password_matches

    def check_then_wait_for_the_change(*args):
        matched = check(*args)
        checked.set()
        changed.wait(timeout=10)
        return matched

    monkeypatch.setattr(auth, "password_matches", check_then_wait_for_the_change)
    thief, answers = app.test_client(), []
    login = threading.Thread(target=lambda: answers.append(
        thief.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code))
    login.start()
    assert checked.wait(timeout=10)
    assert change(client).status_code == 200
    changed.set()
    login.join()
    assert answers == [401]
    assert thief.get("/auth/me").status_code == 401
