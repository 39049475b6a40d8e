"""POST /auth/register."""
import threading

import pytest

from authapp.extensions import db
from authapp.models import User

GOOD = {"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple"}


def register(client, **changes):
    return client.post("/auth/register", json={**GOOD, **changes})


def test_register_creates_a_user(client, app):
    response = register(client)
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user == {"id": user["id"], "username": "alice", "email": "alice@example.com", "email_verified": False,
                    "roles": []}
    with app.app_context():
        assert db.session.get(User, user["id"]).check_password(GOOD["password"])


@pytest.mark.contract
def test_the_response_never_contains_the_hash(client):
    response = register(client)
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert "password" not in body and "scrypt" not in body


@pytest.mark.contract
def test_email_is_stored_trimmed_and_lower_cased(client):
    response = register(client, email="  Alice@Example.COM ")
    assert response.get_json()["user"]["email"] == "alice@example.com"


@pytest.mark.contract
def test_non_json_body_is_415(client):
    response = client.post("/auth/register", data="username=alice", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.get_json()["error"]


@pytest.mark.contract
@pytest.mark.parametrize("body", ["[1, 2]", "\"alice\"", "null", "{not json"])
def test_a_body_that_is_not_a_json_object_is_400(client, body):
    response = client.post("/auth/register", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "the request body must be a JSON object"


@pytest.mark.contract
def test_every_missing_field_is_named(client):
    response = client.post("/auth/register", json={})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "username": "is required", "email": "is required", "password": "is required"}


@pytest.mark.contract
@pytest.mark.parametrize("field, value", [("username", 42), ("email", ["a"]), ("password", {"x": 1})])
def test_wrong_types_are_400(client, field, value):
    response = register(client, **{field: value})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {field: "must be a string"}


@pytest.mark.contract
@pytest.mark.parametrize("username", ["al", "a" * 31, "alice smith", "alice!", "ålice"])
def test_bad_usernames_are_refused(client, username):
    response = register(client, username=username)
    assert response.status_code == 400
    assert "3 to 30 characters" in response.get_json()["fields"]["username"]


@pytest.mark.contract
@pytest.mark.parametrize("username", ["abc", "a" * 30, "Alice.Smith_2-x"])
def test_good_usernames_are_accepted(client, username):
    assert register(client, username=username).status_code == 201


@pytest.mark.contract
@pytest.mark.parametrize("email", ["alice", "alice@", "@example.com", "alice@example",
                                   "al ice@example.com", "a@b@example.com", "a" * 250 + "@ex.com"])
def test_bad_emails_are_refused(client, email):
    response = register(client, email=email)
    assert response.status_code == 400
    assert "email address" in response.get_json()["fields"]["email"]


@pytest.mark.contract
def test_password_shorter_than_15_characters_is_refused(client):
    response = register(client, password="a" * 14)
    assert response.status_code == 400
    assert "at least 15" in response.get_json()["fields"]["password"]


@pytest.mark.contract
def test_password_of_15_characters_is_enough_without_composition_rules(client):
    # No digits, no capitals, no symbols: NIST forbids requiring them.
    assert register(client, password="tulip xylophone").status_code == 201


@pytest.mark.contract
def test_unicode_characters_count_as_one_each(client):
    # 15 characters, but 45 bytes in UTF-8.
    assert register(client, password="東京大阪京都名古屋札幌神戸福岡").status_code == 201


@pytest.mark.contract
def test_passwords_up_to_128_characters_are_allowed_and_longer_ones_refused(client):
    long_passphrase = ("quiet lemon harbor kite " * 6)[:128]
    assert register(client, password=long_passphrase).status_code == 201
    response = register(client, username="bob", email="bob@example.com", password=long_passphrase + "x")
    assert response.status_code == 400
    assert "at most 128" in response.get_json()["fields"]["password"]


@pytest.mark.contract
def test_every_invalid_field_is_reported_at_once(client):
    response = register(client, username="a", email="nope", password="short")
    assert set(response.get_json()["fields"]) == {"username", "email", "password"}


@pytest.mark.contract
def test_taken_username_is_409_whatever_the_case(client):
    register(client)
    response = register(client, username="ALICE", email="other@example.com")
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"username": "is already taken"}


@pytest.mark.contract
def test_taken_email_is_409_whatever_the_case(client):
    register(client)
    response = register(client, username="bob", email="ALICE@example.com")
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"email": "is already taken"}


def test_two_simultaneous_registrations_give_one_201_and_one_409(app, monkeypatch):
    # Hold both requests after hashing, just before the INSERT, so that
    # neither can see the other's row: only the UNIQUE constraint can decide.
    both_hashed = threading.Barrier(2, timeout=10)
    set_password = User.set_password

    def set_password_then_wait(self, password):
        set_password(self, password)
        both_hashed.wait()

    monkeypatch.setattr(User, "set_password", set_password_then_wait)
    statuses = []

    def register_alice():
        statuses.append(app.test_client().post("/auth/register", json=GOOD).status_code)

    threads = [threading.Thread(target=register_alice) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


@pytest.mark.contract
@pytest.mark.parametrize("email", [
    "<alice@example.com>", "(x)alice@example.com", "x<alice@example.com>", "Bob <alice@example.com>",
    "alice@example.com,bob@example.com", '"alice"@example.com', "alice@example.com\r\nBcc: bob@example.com",
])
def test_only_a_bare_address_is_an_email(client, email):
    # A mail library reads each of these as another mailbox, or as several.
    response = register(client, email=email)
    assert response.status_code == 400
    assert "email" in response.get_json()["fields"]


@pytest.mark.contract
def test_an_email_that_grows_when_lower_cased_is_still_checked_for_length(client):
    # "İ".lower() is two characters: 142 characters typed, 272 stored.
    response = register(client, email="\u0130" * 130 + "@example.com")
    assert response.status_code == 400
    assert "email" in response.get_json()["fields"]
