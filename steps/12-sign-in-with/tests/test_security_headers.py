"""Security headers on every response, for a JSON API."""
import pytest

from authapp import create_app
from conftest import PRODUCTION

EXPECTED = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def responses(client):
    yield client.get("/")
    yield client.get("/no-such-page")
    yield client.post("/auth/login", json={"username": "nobody", "password": "x" * 20})
    yield client.post("/auth/login", data="x", content_type="text/plain")
    yield client.options("/auth/login", headers={"Origin": "http://localhost:3000",
                                                 "Access-Control-Request-Method": "POST"})


@pytest.mark.contract
def test_every_response_carries_the_headers(client):
    for response in responses(client):
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (response.request.path, name)


@pytest.mark.contract
def test_x_xss_protection_is_switched_off_not_on(client):
    # "1; mode=block" is the myth: the filter it enables could itself be abused.
    for response in responses(client):
        assert response.headers["X-XSS-Protection"] == "0"


@pytest.mark.contract
def test_auth_answers_are_never_cached(client):
    assert client.post("/auth/login", json={}).headers["Cache-Control"] == "no-store"
    assert client.get("/auth/me").headers["Cache-Control"] == "no-store"


def test_rate_limited_answers_carry_the_headers_too(app, client):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    for _ in range(6):
        response = client.post("/auth/login", json={"username": "nobody", "password": "x" * 20})
    assert response.status_code == 429
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.contract
def test_no_hsts_over_plain_http_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production():
    app = create_app("production", **PRODUCTION)
    hsts = app.test_client().get("/").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=")
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000  # at least a year
