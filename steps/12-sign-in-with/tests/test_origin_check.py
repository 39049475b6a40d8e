"""State-changing requests from a page on an unknown origin are refused."""
import pytest

from authapp.extensions import db
from authapp.models import User

ACCOUNT = {"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple"}


@pytest.mark.parametrize("origin", [
    "http://evil.example",
    "http://localhost:8080",   # same site as localhost:3000, but another origin
    "null",                    # sandboxed iframes and file:// pages
])
def test_an_unknown_origin_cannot_change_anything(app, client, origin):
    response = client.post("/auth/register", json=ACCOUNT, headers={"Origin": origin})
    assert response.status_code == 403
    assert response.get_json() == {"error": "this origin may not make changes here"}
    with app.app_context():
        assert db.session.scalar(db.select(User)) is None


@pytest.mark.contract
def test_a_listed_origin_can(client):
    response = client.post("/auth/register", json=ACCOUNT, headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 201


@pytest.mark.contract
def test_no_origin_header_is_not_a_browser_and_is_let_through(client):
    # curl and server-to-server calls send no Origin; they also carry no victim's cookie.
    assert client.post("/auth/register", json=ACCOUNT).status_code == 201


@pytest.mark.contract
def test_reading_is_not_blocked_but_gets_no_cors_headers(client):
    response = client.get("/auth/me", headers={"Origin": "http://evil.example"})
    assert response.status_code == 401
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.contract
def test_logout_is_protected_too(client):
    assert client.post("/auth/logout", headers={"Origin": "http://evil.example"}).status_code == 403
