"""POST /auth/login."""
import pytest

from authapp import auth
from conftest import PASSWORD


@pytest.mark.contract
@pytest.mark.parametrize("identifier", ["alice", "ALICE", "alice@example.com", " Alice@Example.com "])
def test_login_with_username_or_email(client, alice, identifier):
    response = client.post("/auth/login", json={"username": identifier, "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "alice"


@pytest.mark.contract
def test_wrong_password_and_unknown_user_get_the_same_401(client, alice):
    wrong_password = client.post("/auth/login", json={"username": "alice", "password": "x" * 20})
    unknown_user = client.post("/auth/login", json={"username": "mallory", "password": "x" * 20})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json() == {"error": "invalid credentials"}


def test_unknown_user_still_costs_a_full_password_check(client, app, monkeypatch):
    # Same work, so about the same time: the response time doesn't reveal that
    # "mallory" has no account. (The benchmark measures the times themselves.)
    checked = []
    real_check = auth.check_hash

    def spy(pwhash, password):
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(auth, "check_hash", spy)
    client.post("/auth/login", json={"username": "mallory", "password": "x" * 20})
    assert len(checked) == 1
    assert checked[0].startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


@pytest.mark.contract
def test_login_does_not_return_the_hash(client, alice):
    response = client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.get_json()["user"]) == {"id", "username", "email", "email_verified", "roles"}
    assert "scrypt" not in response.get_data(as_text=True)


@pytest.mark.contract
def test_missing_fields_are_400(client):
    response = client.post("/auth/login", json={"username": "alice"})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"password": "is required"}


@pytest.mark.contract
def test_non_json_login_is_415(client):
    response = client.post("/auth/login", data="username=alice&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.contract
def test_login_is_post_only(client):
    response = client.get("/auth/login")
    assert response.status_code == 405
    assert response.is_json
