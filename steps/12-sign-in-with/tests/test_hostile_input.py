"""Hostile bodies: whatever arrives, the answer is a clear 4xx in JSON, never a 500."""
import json

import pytest

from authapp import auth

REGISTER = {"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple"}
LOGIN = {"username": "alice", "password": "correct horse battery staple"}
RESET = {"token": "a" * 40, "password": "a brand new passphrase"}
BODIES = {"/auth/register": REGISTER, "/auth/login": LOGIN, "/auth/forgot-password": {"email": "alice@example.com"},
          "/auth/reset-password": RESET, "/auth/verify-email": {"token": "a" * 40, "password": LOGIN["password"]},
          "/auth/resend-verification": {"email": "alice@example.com"}, "/auth/login/2fa": {"code": "123456"}}
FIELDS = [(path, field) for path, body in BODIES.items() for field in body]


def post_raw(client, path, text):
    return client.post(path, data=text, content_type="application/json")


@pytest.mark.contract
@pytest.mark.parametrize("path", BODIES)
@pytest.mark.parametrize("nested", ["[" * 3000])
def test_deeply_nested_json_is_a_400(client, path, nested):
    # Python's JSON parser recurses once per level and gives up with a RecursionError.
    response = post_raw(client, path, nested)
    assert response.status_code == 400
    assert response.get_json()["error"] == "the request body must be a JSON object"


@pytest.mark.contract
@pytest.mark.parametrize("path, field", FIELDS)
@pytest.mark.parametrize("bad", ["\ud800", "\x00"], ids=["lone surrogate", "NUL"])
def test_a_string_that_cannot_be_stored_is_a_400_naming_its_field(client, path, field, bad):
    body = {**BODIES[path], field: BODIES[path][field] + bad}
    response = post_raw(client, path, json.dumps(body))  # json.dumps writes "\ud800" as an escape
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


class BrokenChunks:
    """A request body that breaks while it is read, as gunicorn's does when the
    client sends a malformed chunked encoding (it raises its own exception)."""

    def read(self, *args):
        raise BrokenChunkError("invalid chunk size")


class BrokenChunkError(Exception):
    pass


@pytest.mark.contract
@pytest.mark.parametrize("path", BODIES)
def test_a_body_that_cannot_be_read_is_a_400(client, path):
    response = client.post(path, content_type="application/json",
                           environ_overrides={"wsgi.input": BrokenChunks(), "CONTENT_LENGTH": "20"})
    assert response.status_code == 400
    assert response.is_json


@pytest.mark.contract
@pytest.mark.parametrize("path", BODIES)
def test_a_body_over_the_size_limit_is_a_413_before_anything_reads_it(client, path):
    body = {**BODIES[path], "password": "x" * 100_000}
    response = post_raw(client, path, json.dumps(body))
    assert response.status_code == 413
    assert response.is_json and "error" in response.get_json()


def test_login_refuses_an_over_long_password_without_hashing_it(client, monkeypatch):
    checked = []
    monkeypatch.setattr(auth, "check_hash", lambda *args: checked.append(args))
    response = client.post("/auth/login", json={"username": "alice", "password": "x" * 129})
    assert response.status_code == 400
    assert "password" in response.get_json()["fields"]
    assert checked == []


@pytest.mark.contract
@pytest.mark.parametrize("field", ["current_password", "new_password"])
@pytest.mark.parametrize("bad", ["\ud800", "\x00"], ids=["lone surrogate", "NUL"])
def test_change_password_refuses_strings_that_cannot_be_stored(client, field, bad):
    client.post("/auth/register", json=REGISTER)
    client.post("/auth/login", json=LOGIN)
    body = {"current_password": REGISTER["password"], "new_password": "a brand new passphrase"}
    body[field] += bad
    response = post_raw(client, "/auth/change-password", json.dumps(body))
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


CHANGE_EMAIL = {"password": REGISTER["password"], "new_email": "alice@new.example"}


@pytest.fixture
def logged_in(client):
    client.post("/auth/register", json=REGISTER)
    client.post("/auth/login", json=LOGIN)


@pytest.mark.contract
@pytest.mark.parametrize("field", CHANGE_EMAIL)
@pytest.mark.parametrize("bad", ["\ud800", "\x00", 42, None, ["a"]],
                         ids=["lone surrogate", "NUL", "number", "null", "list"])
def test_change_email_refuses_a_field_it_cannot_use(client, logged_in, field, bad):
    body = {**CHANGE_EMAIL, field: CHANGE_EMAIL[field] + bad if isinstance(bad, str) else bad}
    response = post_raw(client, "/auth/change-email", json.dumps(body))
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


@pytest.mark.contract
@pytest.mark.parametrize("text", ["[" * 3000, "{not json", '"a string"', "x" * 5000])
def test_change_email_answers_a_hostile_body_with_a_4xx(client, logged_in, text):
    response = post_raw(client, "/auth/change-email", text)
    assert response.status_code in (400, 413)
    assert "error" in response.get_json()


@pytest.mark.contract
@pytest.mark.parametrize("path", ["/auth/verify-email", "/auth/resend-verification"])
@pytest.mark.parametrize("body", [{"token": 42, "email": 42}, {"token": ["a"], "email": {"a": 1}}])
def test_new_routes_refuse_wrong_types(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == set(BODIES[path])


# Step 07: the two-factor routes that need a login, with every field they read.
TWO_FACTOR = {"/auth/2fa/setup": {"password": REGISTER["password"]}, "/auth/2fa/confirm": {"code": "123456"},
              "/auth/2fa/disable": {"password": REGISTER["password"], "code": "123456"},
              "/auth/login/2fa": {"recovery_code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01"}}
TWO_FACTOR_FIELDS = [(path, field) for path, body in TWO_FACTOR.items() for field in body]


@pytest.mark.contract
@pytest.mark.parametrize("path, field", TWO_FACTOR_FIELDS)
@pytest.mark.parametrize("bad", ["\ud800", "\x00", {"a": 1}], ids=["lone surrogate", "NUL", "object"])
def test_two_factor_routes_refuse_a_field_they_cannot_use(client, logged_in, path, field, bad):
    body = {**TWO_FACTOR[path], field: TWO_FACTOR[path][field] + bad if isinstance(bad, str) else bad}
    response = post_raw(client, path, json.dumps(body))
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


@pytest.mark.contract
@pytest.mark.parametrize("path", TWO_FACTOR)
@pytest.mark.parametrize("text", ["[" * 3000, "{not json", "x" * 5000])
def test_two_factor_routes_answer_a_hostile_body_with_a_4xx(client, logged_in, path, text):
    response = post_raw(client, path, text)
    assert response.status_code in (400, 413)
    assert "error" in response.get_json()


@pytest.mark.contract
@pytest.mark.parametrize("path", TWO_FACTOR)
def test_two_factor_routes_want_json(client, logged_in, path):
    response = client.post(path, data=TWO_FACTOR[path])
    assert response.status_code == 415
