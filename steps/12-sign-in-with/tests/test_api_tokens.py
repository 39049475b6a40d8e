"""Personal access tokens: made with the whole proof, shown once, listed
without secrets, revoked at once, each create and revoke audited and mailed."""
import re
from datetime import datetime

import pytest

from conftest import EVERY_SCOPE, PASSWORD, new_api_token

TOKEN_SHAPE = re.compile(r"fat_[0-9A-Za-z]{49}")


def create(browser, **fields):
    body = {"name": "backup script", "scopes": ["notes:read"], "password": PASSWORD, **fields}
    return browser.post("/auth/tokens", json={key: value for key, value in body.items() if value is not None})


@pytest.mark.contract
def test_a_new_token_is_shown_once_and_listed_without_it(bob):
    """The token is in the 201 once; the list shows its name, scopes and dates, never the token."""
    response = create(bob, scopes=["notes:write", "account:read"])
    assert response.status_code == 201
    body = response.get_json()
    assert TOKEN_SHAPE.fullmatch(body["token"])
    listed = body["api_token"]
    assert set(listed) == {"id", "name", "scopes", "created_at", "expires_at", "last_used_at"}
    assert listed["scopes"] == ["account:read", "notes:write"] and listed["last_used_at"] is None
    tokens = bob.get("/auth/tokens")
    assert tokens.get_json() == {"tokens": [listed]}
    assert body["token"] not in tokens.get_data(as_text=True)


@pytest.mark.contract
def test_every_token_expires_30_days_by_default_and_within_a_year(bob):
    """Expiry is required: 30 days unless asked, 365 at most, more is a 400."""
    def lifetime(response):
        listed = response.get_json()["api_token"]
        created, expires = (listed[field].rstrip("Z") for field in ("created_at", "expires_at"))
        return (datetime.fromisoformat(expires) - datetime.fromisoformat(created)).days
    assert lifetime(create(bob)) == 30
    assert lifetime(create(bob, expires_in_days=365)) == 365
    assert create(bob, expires_in_days=366).status_code == 400


@pytest.mark.contract
def test_a_new_token_needs_the_password(bob, script):
    """A session alone (a browser left open) can't mint a token: the password again."""
    response = create(bob, password="not the password at all")
    assert response.status_code == 403
    assert response.get_json()["fields"] == {"password": "is not your password"}
    assert bob.get("/auth/tokens").get_json() == {"tokens": []}


@pytest.mark.contract
def test_a_new_token_needs_a_code_when_two_factor_is_on(admin, clock):
    """A session left open is not enough to mint a key that outlives it."""
    assert create(admin).status_code == 400  # the code is missing
    assert create(admin, code="000000" if clock.code(admin.secret) != "000000" else "111111").status_code == 403
    assert create(admin, code=clock.code(admin.secret)).status_code == 201


@pytest.mark.contract
def test_tokens_need_a_session(script):
    """Making, listing and revoking tokens need a login: 401 without one."""
    assert create(script).status_code == 401
    assert script.get("/auth/tokens").status_code == 401
    assert script.delete("/auth/tokens/1").status_code == 401


BAD_BODIES = {
    "unknown scope": {"scopes": ["admin"]},
    "a scope that is almost one": {"scopes": ["notes:read "]},
    "no scope": {"scopes": []},
    "scopes as a string": {"scopes": "notes:read"},
    "a scope that is a number": {"scopes": [1]},
    "a scope that is a list": {"scopes": [["notes:read"]]},
    "scopes missing": {"scopes": None},
    "zero days": {"expires_in_days": 0},
    "negative days": {"expires_in_days": -1},
    "more than a year": {"expires_in_days": 366},
    "days as text": {"expires_in_days": "30"},
    "days as true": {"expires_in_days": True},
    "days as a fraction": {"expires_in_days": 1.5},
    "days huge": {"expires_in_days": 10**30},
    "no name": {"name": None},
    "a blank name": {"name": "   "},
    "a long name": {"name": "n" * 65},
    "a name with a line break": {"name": "script\nNo action needed"},
    "a name with a NUL": {"name": "script\x00"},
    "a name that is a list": {"name": ["script"]},
}


@pytest.mark.contract
@pytest.mark.parametrize("fields", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_hostile_bodies_get_a_400_naming_the_field(bob, fields):
    """Unknown scopes, bad lifetimes, names with line breaks or NUL: a 400 naming the field, no token made."""
    response = create(bob, **fields)
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == set(fields)
    assert bob.get("/auth/tokens").get_json() == {"tokens": []}


@pytest.mark.contract
@pytest.mark.parametrize("body, content_type", [("[]", "application/json"), ("{", "application/json"),
                                                ("name=x", "application/x-www-form-urlencoded")])
def test_a_body_that_is_no_json_object_is_refused(bob, body, content_type):
    """A list, broken JSON or a form (which any page can post) is a JSON error, never a 500."""
    response = bob.post("/auth/tokens", data=body, content_type=content_type)
    assert response.status_code in (400, 415)
    assert "error" in response.get_json()


def test_creating_and_revoking_are_audited_and_mailed(bob, inbox, caplog):
    """Each create and revoke leaves an audit line and mails the owner, never with the token in it."""
    token = new_api_token(bob, scopes=["notes:read"])
    token_id = bob.get("/auth/tokens").get_json()["tokens"][0]["id"]
    assert bob.delete(f"/auth/tokens/{token_id}").status_code == 204
    assert "api_token_created user=" in caplog.text and f"token={token_id}" in caplog.text
    assert "api_token_revoked user=" in caplog.text
    assert token not in caplog.text  # never the token itself
    subjects = [message["Subject"] for message in inbox.messages if message["To"] == "bob@example.com"]
    assert subjects == ["A new API token for your account", "An API token was revoked"]
    assert all(token not in message.get_content() for message in inbox.messages)


def test_an_account_has_a_limited_number_of_tokens(app, bob):
    """A cap per account (API_TOKENS_PER_ACCOUNT): nobody fills the table from one session."""
    app.config["API_TOKENS_PER_ACCOUNT"] = 2
    assert [create(bob).status_code for _ in range(3)] == [201, 201, 409]
    assert len(bob.get("/auth/tokens").get_json()["tokens"]) == 2


def test_every_scope_can_be_asked_for(bob):
    """account:read, notes:read and notes:write, in one token, listed in that order."""
    assert create(bob, scopes=EVERY_SCOPE).get_json()["api_token"]["scopes"] == EVERY_SCOPE
