"""Cookie flags, CORS for the listed origins only, and JSON-only state changes."""
import pytest

from authapp import create_app
from conftest import PASSWORD

FRONT_END = "http://localhost:3000"


def login(client, **kwargs):
    return client.post("/auth/login", json={"username": "alice", "password": PASSWORD}, **kwargs)


@pytest.mark.contract
def test_session_cookie_is_httponly_and_samesite_lax(client, alice):
    cookie = login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http://127.0.0.1 in development


def test_production_cookie_is_also_secure(production_app):
    client = production_app.test_client()
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com",
                                        "password": PASSWORD})
    cookie = login(client).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.contract
def test_listed_origin_gets_cors_with_credentials(client, alice):
    response = login(client, headers={"Origin": FRONT_END})
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.contract
def test_preflight_from_listed_origin_is_allowed(client):
    response = client.options("/auth/login", headers={
        "Origin": FRONT_END, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.contract
@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:3001", "null"])
def test_unlisted_origin_gets_no_cors_headers(client, alice, origin):
    response = login(client, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/auth/me", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


@pytest.mark.contract
def test_a_request_without_origin_gets_no_cors_headers(client):
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_cors_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example.com, https://admin.example.com")
    app = create_app("testing")
    response = app.test_client().get("/", headers={"Origin": "https://admin.example.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://admin.example.com"
    response = app.test_client().get("/", headers={"Origin": FRONT_END})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_flask_cors_without_an_origin_list_trusts_everyone():
    # The myth-buster: credentials and no list make Flask-CORS echo any origin.
    from flask import Flask
    from flask_cors import CORS
    naive = Flask("naive")
    CORS(naive, supports_credentials=True)
    naive.get("/")(lambda: "ok")
    response = naive.test_client().get("/", headers={"Origin": "http://evil.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://evil.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.contract
def test_a_text_plain_login_is_415_and_sets_no_cookie(client, alice):
    # A cross-site HTML form can send text/plain without a CORS preflight;
    # refusing anything but JSON closes that door.
    response = client.post("/auth/login", content_type="text/plain",
                           data='{"username": "alice", "password": "%s"}' % PASSWORD)
    assert response.status_code == 415
    assert "Set-Cookie" not in response.headers
    assert client.get("/auth/me").status_code == 401


@pytest.mark.contract
@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", ""), ("text/plain", "bye"), ("multipart/form-data; boundary=x", "--x--"),
])
def test_a_form_posted_to_logout_is_415_and_logs_nobody_out(client, alice, content_type, body):
    # Any page, even on another port of localhost (the same site), can submit a
    # form here without JavaScript, and SameSite=Lax lets the cookie ride along.
    assert login(client).status_code == 200
    response = client.post("/auth/logout", content_type=content_type, data=body)
    assert response.status_code == 415
    assert client.get("/auth/me").status_code == 200
