"""Notes: owned by one user. Another user's note answers exactly as a note
that doesn't exist (404), so nobody learns which ids are taken (OWASP API1,
Broken Object Level Authorization)."""
import json

import pytest

from conftest import PASSWORD


def log_in_alice(client):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    assert client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200
    return client


@pytest.fixture
def alices_note(client):
    """Alice, logged in on `client`, with one note; its id."""
    log_in_alice(client)
    response = client.post("/notes", json={"text": "the safe's code is 1234"})
    assert response.status_code == 201
    return response.get_json()["note"]["id"]


@pytest.mark.contract
def test_a_note_is_created_listed_read_and_deleted_by_its_owner(client):
    log_in_alice(client)
    created = client.post("/notes", json={"text": "buy milk"})
    assert created.status_code == 201
    note = created.get_json()["note"]
    assert set(note) == {"id", "text", "created_at"} and note["text"] == "buy milk"
    assert client.get("/notes").get_json() == {"notes": [note]}
    assert client.get(f"/notes/{note['id']}").get_json() == {"note": note}
    assert client.delete(f"/notes/{note['id']}").status_code == 204
    assert client.get("/notes").get_json() == {"notes": []}


@pytest.mark.contract
def test_another_users_note_is_a_404_like_a_note_that_does_not_exist(client, alices_note, bob):
    """Bob changes the id in the URL (an IDOR attempt): the same 404 as for an
    id nobody has, and Alice's note is still there, unchanged."""
    for method in (bob.get, bob.delete):
        theirs, nobodys = method(f"/notes/{alices_note}"), method(f"/notes/{alices_note + 1000}")
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.get_json() == nobodys.get_json()
    assert bob.get("/notes").get_json() == {"notes": []}
    assert client.get(f"/notes/{alices_note}").get_json()["note"]["text"] == "the safe's code is 1234"


@pytest.mark.contract
def test_notes_need_a_login(client, alices_note, app):
    stranger = app.test_client()
    for response in (stranger.get("/notes"), stranger.post("/notes", json={"text": "hi"}),
                     stranger.get(f"/notes/{alices_note}"), stranger.delete(f"/notes/{alices_note}")):
        assert response.status_code == 401
        assert response.get_json() == {"error": "login required"}


@pytest.mark.contract
@pytest.mark.parametrize("text, status", [("x", 201), ("x" * 2000, 201), ("", 400), ("x" * 2001, 400)])
def test_a_note_holds_1_to_2000_characters(client, text, status):
    log_in_alice(client)
    response = client.post("/notes", json={"text": text})
    assert response.status_code == status
    if status == 400:
        assert "text" in response.get_json()["fields"]


@pytest.mark.contract
def test_a_note_body_cannot_choose_its_owner_its_id_or_a_role(client, bob):
    """Mass assignment: the view reads "text" and nothing else."""
    log_in_alice(client)
    bobs_id = bob.get("/auth/me").get_json()["user"]["id"]
    sent = {"text": "mine", "id": 4242, "user_id": bobs_id, "roles": ["admin"], "is_admin": True, "role": "admin"}
    note = client.post("/notes", json=sent).get_json()["note"]
    assert note["id"] != 4242
    assert bob.get("/notes").get_json() == {"notes": []}
    assert client.get("/notes").get_json() == {"notes": [note]}
    assert client.get("/auth/me").get_json()["user"]["roles"] == []


@pytest.mark.contract
@pytest.mark.parametrize("body, content_type, status", [
    ("text=hello", "application/x-www-form-urlencoded", 415),
    ('["text"]', "application/json", 400),
    ("[" * 3000, "application/json", 400),
    ('{"text": 42}', "application/json", 400),
    ('{"text": ["a"]}', "application/json", 400),
    ('{"text": "a\\u0000b"}', "application/json", 400),
    ('{"text": "a\\ud800"}', "application/json", 400),
    (json.dumps({"text": "x" * 100_000}), "application/json", 413),
    ("{not json", "application/json", 400),
], ids=["form", "array", "deeply nested", "number", "list", "NUL", "lone surrogate", "too large", "broken"])
def test_hostile_bodies_on_notes_get_a_json_error(client, body, content_type, status):
    log_in_alice(client)
    response = client.post("/notes", data=body, content_type=content_type)
    assert response.status_code == status
    assert "error" in response.get_json()
    assert client.get("/notes").get_json() == {"notes": []}


@pytest.mark.contract
def test_a_note_id_beyond_any_row_is_a_404_not_a_500(client):
    log_in_alice(client)
    assert client.post("/notes", json={"text": "one"}).status_code == 201
    assert client.get("/notes/99999999999999999999").status_code == 404
    assert client.delete("/notes/-1").status_code == 404
