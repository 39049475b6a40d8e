"""Deny by default: every view declares who may call it; one that declares
nothing is refused. And function-level checks on every admin route."""
import pytest

from authapp import create_app
from authapp.access import access_rule

ADMIN_ROUTES = [("GET", "/admin/users"), ("POST", "/admin/users/1/disable"), ("POST", "/admin/users/1/enable"),
                ("DELETE", "/admin/users/1/sessions")]


def test_a_view_that_declares_no_rule_is_refused(app, client, caplog):
    """Someone adds a route and forgets the decorator: it fails closed."""
    app.add_url_rule("/forgotten", view_func=lambda: {"secret": "everyone's data"}, endpoint="forgotten")
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert "deny by default" in response.get_json()["error"]
    assert "the view forgotten declares no access rule" in caplog.text


def test_every_route_of_the_app_declares_a_rule():
    """The same walk as the repository's check (tests/ at the top), inside the step."""
    app = create_app("testing")
    undeclared = [rule.rule for rule in app.url_map.iter_rules()
                  if access_rule(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


@pytest.mark.contract
@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_forced_browsing_to_an_admin_route_without_a_login_is_401(client, admin, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


@pytest.mark.contract
@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_forced_browsing_to_an_admin_route_as_a_plain_user_is_403(bob, admin, method, path):
    """Bob knows the URLs (they are in the browser client's code): knowing is not being allowed."""
    response = bob.open(path, method=method)
    assert response.status_code == 403
    assert response.get_json() == {"error": "you don't have permission to do this"}
    assert bob.get("/auth/me").status_code == 200  # and nothing happened to anyone
    assert admin.get("/auth/me").status_code == 200
