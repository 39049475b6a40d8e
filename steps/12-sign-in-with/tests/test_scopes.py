"""Scopes on the notes routes: a token does what its scopes say and its
owner may do now, and reaches no route that names no scope."""
import pytest

from conftest import bearer, new_api_token

NOTE = {"text": "written by a script"}


@pytest.fixture
def token(bob):
    """A token of bob's with every scope."""
    return new_api_token(bob)


@pytest.mark.contract
def test_a_token_writes_reads_and_deletes_its_owners_notes(script, token, bob):
    """notes:read and notes:write reach the owner's notes, the same ones her browser sees."""
    added = script.post("/notes", json=NOTE, headers=bearer(token))
    assert added.status_code == 201
    note_id = added.get_json()["note"]["id"]
    assert script.get(f"/notes/{note_id}", headers=bearer(token)).get_json()["note"]["text"] == NOTE["text"]
    assert [note["id"] for note in bob.get("/notes").get_json()["notes"]] == [note_id]  # bob's, in his browser
    assert script.delete(f"/notes/{note_id}", headers=bearer(token)).status_code == 204
    assert script.get("/notes", headers=bearer(token)).get_json() == {"notes": []}


@pytest.mark.contract
@pytest.mark.parametrize("scopes, method, path, needed", [
    (["notes:read"], "POST", "/notes", "notes:write"),
    (["notes:read"], "GET", "/auth/me", "account:read"),
    (["account:read"], "GET", "/notes", "notes:read"),
    (["notes:write"], "GET", "/notes", "notes:read"),
])
def test_a_token_without_the_scope_is_403_insufficient_scope(script, bob, scopes, method, path, needed):
    """Scope escalation: a read-only token can't write, a write token can't read."""
    token = new_api_token(bob, scopes=scopes)
    response = script.open(path, method=method, json=NOTE if method == "POST" else None, headers=bearer(token))
    assert response.status_code == 403
    challenge = f'Bearer realm="authapp", error="insufficient_scope", scope="{needed}"'
    assert response.headers["WWW-Authenticate"] == challenge
    assert needed in response.get_json()["error"]
    assert bob.get("/notes").get_json() == {"notes": []}  # and nothing was written


def test_an_admins_token_is_no_admin(admin, admins_token, script, bob):
    """In sudo mode she may delete anyone's note; her token, even with
    notes:write, only her own: a token never carries an admin's powers."""
    note_id = bob.post("/notes", json=NOTE).get_json()["note"]["id"]
    response = script.delete(f"/notes/{note_id}", headers=bearer(admins_token))
    assert response.status_code == 404
    assert bob.get(f"/notes/{note_id}").status_code == 200


def test_a_token_does_no_more_than_its_owner_may_now(script, token, monkeypatch):
    """Its scopes and its owner's permissions, both, read at every use: were
    notes taken from every account tomorrow, yesterday's tokens would lose them too."""
    from authapp import roles
    assert script.get("/notes", headers=bearer(token)).status_code == 200
    monkeypatch.setattr(roles, "EVERY_ACCOUNT", frozenset({"account:read"}))
    response = script.get("/notes", headers=bearer(token))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
