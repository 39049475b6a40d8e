"""One credential per request, in one place: never a cookie and a token
together, never a token in a URL; and refused tokens limited per address."""
import pytest

from authapp.api_tokens.format import new_token
from conftest import bearer, new_api_token


@pytest.fixture
def token(bob):
    """A token of bob's with every scope."""
    return new_api_token(bob)


@pytest.mark.contract
def test_a_session_cookie_and_a_token_together_are_400(bob, token):
    """Which one speaks? Neither: RFC 6750 section 3.1 calls more than one method invalid_request."""
    response = bob.get("/auth/me", headers=bearer(token))
    assert response.status_code == 400
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_request"'
    assert "not both" in response.get_json()["error"]


@pytest.mark.contract
@pytest.mark.parametrize("path", ["/auth/me", "/notes", "/"])
def test_a_token_in_the_url_is_refused(script, token, path):
    """URLs are written into logs, browser history and Referer headers: a
    token there is leaked. RFC 6750 section 2.3 allows it; we never do."""
    response = script.get(f"{path}?access_token={token}")
    assert response.status_code == 400
    assert "Authorization header" in response.get_json()["error"]


def bad_token(script, address):
    return script.get("/auth/me", headers=bearer(new_token()), environ_base={"REMOTE_ADDR": address})


def test_refused_tokens_are_limited_per_address(app, script, token):
    """Refused tokens from one address, on every token route together, end in a 429; another address is not slowed."""
    app.config["BEARER_FAILURES_LIMIT_PER_ADDRESS"] = "3 per minute"
    statuses = [bad_token(script, "203.0.113.5").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = script.get("/notes", headers=bearer(new_token()), environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert limited.status_code == 429  # one count for every route that takes a token
    assert "Retry-After" in limited.headers and "error" in limited.get_json()
    assert bad_token(script, "198.51.100.8").status_code == 401  # another address has its own count


def test_a_good_token_uses_none_of_the_allowance(app, script, token):
    """Only refused tokens count: a script with a good token is never limited,
    and its requests leave the allowance for refused ones untouched."""
    app.config["BEARER_FAILURES_LIMIT_PER_ADDRESS"] = "3 per minute"
    assert [script.get("/auth/me", headers=bearer(token)).status_code for _ in range(6)] == [200] * 6
    assert [bad_token(script, "127.0.0.1").status_code for _ in range(4)] == [401, 401, 401, 429]
