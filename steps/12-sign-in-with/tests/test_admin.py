"""Admin routes: a permission, a second factor on the admin's account, a
proof of identity younger than 10 minutes, and an audit line for each action.
A disabled account is logged out at once and can't log in again."""
import logging
import threading
from datetime import timedelta

import pytest

from authapp import auth
from authapp.extensions import db
from authapp.models import User, UserSession, utcnow
from conftest import PASSWORD, add_passkey, sign_in, user_id

LISTED = {"id", "username", "email", "email_verified", "created_at", "disabled", "two_factor_enabled", "roles"}


def log_in(browser, username="bob", password=PASSWORD):
    return browser.post("/auth/login", json={"username": username, "password": password})


@pytest.mark.contract
def test_an_admin_lists_users_with_allowed_fields_only(admin, bob):
    """A list of fields allowed, so no hash, secret or token can slip in."""
    response = admin.get("/admin/users")
    assert response.status_code == 200
    users = sorted(response.get_json()["users"], key=lambda user: user["username"])
    assert [user["username"] for user in users] == ["bob", "root"]
    assert all(set(user) == LISTED for user in users)
    assert [user["roles"] for user in users] == [[], ["admin"]]
    assert "$" not in response.get_data(as_text=True)  # no password hash (scrypt:...$salt$hash)


@pytest.mark.contract
def test_admin_routes_need_a_second_factor_on_the_admins_account(bob, runner, app, authenticator):
    """A password alone, guessed or phished, must not open the admin routes."""
    runner.invoke(args=["grant-role", "bob", "admin"])
    refused = bob.get("/admin/users")
    assert refused.status_code == 403
    assert "second factor" in refused.get_json()["error"]
    # A passkey is a second factor too (step 08: it proves two at once).
    assert add_passkey(bob, authenticator).status_code == 201
    assert bob.get("/admin/users").status_code == 200


def age_every_proof(app, minutes):
    with app.app_context():
        db.session.execute(db.update(UserSession).values(proved_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def test_admin_routes_need_a_proof_younger_than_10_minutes(app, admin, clock):
    """Sudo mode: an admin's session left open for 11 minutes (or stolen) can't use her powers."""
    age_every_proof(app, 9)
    assert admin.get("/admin/users").status_code == 200
    age_every_proof(app, 11)
    refused = admin.get("/admin/users")
    assert refused.status_code == 403
    assert "/auth/reauthenticate" in refused.get_json()["error"]
    proof = admin.post("/auth/reauthenticate", json={"password": PASSWORD, "code": clock.code(admin.secret)})
    assert proof.status_code == 200
    assert admin.get("/admin/users").status_code == 200


@pytest.mark.contract
def test_reauthenticating_takes_the_password_and_with_two_factor_a_code(app, admin, clock):
    assert app.test_client().post("/auth/reauthenticate", json={"password": PASSWORD}).status_code == 401
    no_code = admin.post("/auth/reauthenticate", json={"password": PASSWORD})
    assert no_code.status_code == 400 and "code" in no_code.get_json()["fields"]
    wrong = admin.post("/auth/reauthenticate", json={"password": "not it at all, sorry", "code": "000000"})
    assert wrong.status_code == 403
    assert admin.post("/auth/reauthenticate", json={"password": PASSWORD,
                                                     "code": clock.code(admin.secret)}).status_code == 200


@pytest.mark.contract
@pytest.mark.parametrize("body, content_type, status", [
    ("password=x", "application/x-www-form-urlencoded", 415), ('["password"]', "application/json", 400),
    ('{"password": 7}', "application/json", 400), ('{"password": "a\\u0000"}', "application/json", 400),
    ("[" * 3000, "application/json", 400)], ids=["form", "array", "number", "NUL", "deeply nested"])
def test_hostile_bodies_on_reauthenticate_get_a_json_error(bob, body, content_type, status):
    response = bob.post("/auth/reauthenticate", data=body, content_type=content_type)
    assert response.status_code == status
    assert "error" in response.get_json()


@pytest.mark.contract
def test_a_form_posted_to_an_admin_route_is_refused(admin, bob):
    """A page on another site can post a form without a preflight: 415, nothing disabled."""
    response = admin.post(f"/admin/users/{user_id(bob)}/disable", data="x=1",
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert bob.get("/auth/me").status_code == 200


@pytest.mark.contract
def test_a_disabled_account_is_logged_out_at_once_and_cannot_log_in(admin, bob, app):
    bobs_id = user_id(bob)
    disabled = admin.post(f"/admin/users/{bobs_id}/disable")
    assert disabled.status_code == 200 and disabled.get_json()["user"]["disabled"] is True
    assert bob.get("/auth/me").status_code == 401  # his open session ended with it
    right = log_in(app.test_client())
    assert right.status_code == 403 and right.get_json() == {"error": "account disabled"}
    wrong = log_in(app.test_client(), password="not the password at all")
    assert wrong.status_code == 401 and wrong.get_json() == {"error": "invalid credentials"}
    assert admin.post(f"/admin/users/{bobs_id}/enable").get_json()["user"]["disabled"] is False
    assert log_in(bob).status_code == 200


def test_a_session_row_that_survives_the_disable_is_still_refused(admin, bob, app):
    """Belt and braces: even if a session row escaped the DELETE (a backup
    restored, a bug elsewhere), a disabled account's session lets nobody in."""
    with app.app_context():
        db.session.execute(db.update(User).where(User.username == "bob").values(disabled_at=utcnow()))
        db.session.commit()
    assert bob.get("/auth/me").status_code == 401


def test_a_login_racing_the_disable_gets_no_session(admin, app, monkeypatch):
    """Bob's password is checked (slow on purpose) before the admin's disable
    commits, and his session is written after it: held at a barrier there, the
    login must not leave a session behind."""
    bob = app.test_client()
    bob.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    checked, disabled = threading.Event(), threading.Event()
    real = auth.password_matches

    def check_then_wait(*args):
        matches = real(*args)
        checked.set()
        assert disabled.wait(timeout=10), "the disable never came"
        return matches

    monkeypatch.setattr(auth, "password_matches", check_then_wait)
    answers = []
    login = threading.Thread(target=lambda: answers.append(log_in(bob)))
    login.start()
    assert checked.wait(timeout=10)
    monkeypatch.setattr(auth, "password_matches", real)  # only bob's login waits
    assert admin.post(f"/admin/users/{bob_id(app)}/disable").status_code == 200
    disabled.set()
    login.join()
    assert answers[0].status_code != 200
    assert bob.get("/auth/me").status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == bob_id(app))) == 0


def bob_id(app):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == "bob"))


@pytest.mark.contract
def test_a_disabled_account_cannot_log_in_with_a_passkey_either(admin, bob, app, authenticator):
    assert add_passkey(bob, authenticator).status_code == 201
    admin.post(f"/admin/users/{user_id(bob)}/disable")
    stranger = app.test_client()
    refused = sign_in(stranger, authenticator)
    assert refused.status_code == 403 and refused.get_json() == {"error": "account disabled"}
    assert stranger.get("/auth/me").status_code == 401


@pytest.mark.contract
def test_an_admin_cannot_disable_herself(admin):
    response = admin.post(f"/admin/users/{user_id(admin)}/disable")
    assert response.status_code == 409
    assert admin.get("/auth/me").status_code == 200


@pytest.mark.contract
def test_an_admin_ends_every_session_of_a_user(admin, bob, app):
    second = app.test_client()
    assert log_in(second).status_code == 200
    assert admin.delete(f"/admin/users/{user_id(bob)}/sessions").status_code == 204
    assert bob.get("/auth/me").status_code == 401 and second.get("/auth/me").status_code == 401
    assert log_in(bob).status_code == 200  # not disabled: he may log in again
    assert admin.get("/auth/me").status_code == 200


@pytest.mark.contract
@pytest.mark.parametrize("method, path", [("POST", "/admin/users/999/disable"), ("POST", "/admin/users/999/enable"),
                                          ("DELETE", "/admin/users/999/sessions"),
                                          ("POST", "/admin/users/99999999999999/disable")])
def test_an_unknown_user_is_a_404(admin, method, path):
    response = admin.open(path, method=method)
    assert response.status_code == 404
    if "99999999999999" not in path:  # that one never reaches the view: the route's converter caps the id
        assert response.get_json() == {"error": "no user has this id"}


@pytest.mark.contract
def test_an_admin_deletes_anyones_note_and_a_plain_user_cannot(admin, bob, app):
    note = bob.post("/notes", json={"text": "spam spam spam"}).get_json()["note"]["id"]
    mallory = app.test_client()
    mallory.post("/auth/register", json={"username": "mallory", "email": "m@example.com", "password": PASSWORD})
    log_in(mallory, "mallory")
    assert mallory.delete(f"/notes/{note}").status_code == 404
    assert admin.get(f"/notes/{note}").status_code == 404  # reading it is no admin power
    assert admin.delete(f"/notes/{note}").status_code == 204
    assert bob.get("/notes").get_json() == {"notes": []}


def test_an_admin_deletes_anyones_note_only_in_sudo_mode(admin, bob, app):
    note = bob.post("/notes", json={"text": "spam"}).get_json()["note"]["id"]
    age_every_proof(app, 11)
    assert admin.delete(f"/notes/{note}").status_code == 403
    assert len(bob.get("/notes").get_json()["notes"]) == 1


def test_every_admin_action_is_in_the_audit_log_with_actor_and_target(admin, bob, caplog):
    caplog.set_level(logging.INFO, logger="authapp.audit")
    root, target = user_id(admin), user_id(bob)
    note = bob.post("/notes", json={"text": "spam"}).get_json()["note"]["id"]
    admin.delete(f"/notes/{note}")
    admin.delete(f"/admin/users/{target}/sessions")
    admin.post(f"/admin/users/{target}/disable")
    admin.post(f"/admin/users/{target}/enable")
    lines = [record.getMessage() for record in caplog.records if record.name == "authapp.audit"]
    for event in ("note_deleted_by_admin", "sessions_revoked", "user_disabled", "user_enabled"):
        assert any(line.startswith(f"{event} user={root} ") and f"target={target}" in line for line in lines), event
