"""Roles: rows of user_roles, granted and revoked only from the terminal,
read from the database on every request."""
import pytest

from conftest import PASSWORD

SNEAKY = {"roles": ["admin"], "is_admin": True, "role": "admin"}


def roles(browser):
    return browser.get("/auth/me").get_json()["user"]["roles"]


@pytest.mark.contract
def test_grant_role_makes_an_admin_and_the_user_object_says_so(bob, runner):
    assert roles(bob) == []
    granted = runner.invoke(args=["grant-role", "bob", "admin"])
    assert granted.exit_code == 0 and "bob has the role admin" in granted.output
    assert roles(bob) == ["admin"]  # the next request, no new login: read from the database
    assert runner.invoke(args=["grant-role", "bob@example.com", "admin"]).exit_code == 0  # twice is once
    assert roles(bob) == ["admin"]


@pytest.mark.contract
def test_grant_role_refuses_an_unknown_user_or_role(bob, runner):
    unknown_user = runner.invoke(args=["grant-role", "nobody", "admin"])
    assert unknown_user.exit_code != 0 and "no user called 'nobody'" in unknown_user.output
    unknown_role = runner.invoke(args=["grant-role", "bob", "superuser"])
    assert unknown_role.exit_code != 0 and "the roles are admin" in unknown_role.output
    assert roles(bob) == []


@pytest.mark.contract
def test_the_last_admin_cannot_be_removed(admin, bob, runner):
    last = runner.invoke(args=["revoke-role", "root", "admin"])
    assert last.exit_code != 0 and "root is the last admin" in last.output
    assert roles(admin) == ["admin"]
    runner.invoke(args=["grant-role", "bob", "admin"])
    assert runner.invoke(args=["revoke-role", "root", "admin"]).exit_code == 0
    assert roles(admin) == []
    assert runner.invoke(args=["revoke-role", "bob", "admin"]).exit_code != 0  # now bob is the last
    assert roles(bob) == ["admin"]


@pytest.mark.contract
def test_a_demoted_admin_is_refused_on_her_very_next_request(admin, bob, runner):
    """Roles are not in the cookie: the session that was an admin's a moment
    ago gets a 403 as soon as the row is gone, with no logout needed."""
    assert admin.get("/admin/users").status_code == 200
    runner.invoke(args=["grant-role", "bob", "admin"])
    assert runner.invoke(args=["revoke-role", "root", "admin"]).exit_code == 0
    refused = admin.get("/admin/users")
    assert refused.status_code == 403
    assert refused.get_json() == {"error": "you don't have permission to do this"}


@pytest.mark.contract
def test_registering_cannot_set_a_role(client, runner):
    """Mass assignment: extra fields in the body are never copied onto the user."""
    body = {"username": "mallory", "email": "mallory@example.com", "password": PASSWORD, **SNEAKY}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201
    assert response.get_json()["user"]["roles"] == []
    client.post("/auth/login", json={"username": "mallory", "password": PASSWORD})
    assert roles(client) == []
    assert client.get("/admin/users").status_code == 403


@pytest.mark.contract
def test_changing_the_email_cannot_set_a_role(bob):
    response = bob.post("/auth/change-email", json={"password": PASSWORD, "new_email": "bob2@example.com", **SNEAKY})
    assert response.status_code == 202
    assert roles(bob) == []
    assert bob.get("/admin/users").status_code == 403
