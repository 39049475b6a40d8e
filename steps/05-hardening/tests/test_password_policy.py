"""The common-password blocklist: NIST's length rule plus a list, no composition rules."""
import pytest

from authapp.blocklist import BLOCKLIST, common_passwords, is_common

PASSWORD = "correct horse battery staple"


def register(client, password, username="alice"):
    return client.post("/auth/register", json={"username": username, "email": f"{username}@example.com",
                                               "password": password})


def test_the_list_is_a_named_public_list_of_at_least_10000_passwords():
    assert len(common_passwords()) >= 10_000
    assert "123456" in common_passwords() and "password" in common_passwords()
    assert (BLOCKLIST.parent / "common-passwords.LICENSE.txt").read_text().startswith("Copyright")
    assert "zxcvbn-ts" in (BLOCKLIST.parent / "README.md").read_text()


@pytest.mark.parametrize("password", ["passwordpassword", "PasswordPassword", "1qaz2wsx3edc4rfv", "QWERTY123456789"])
def test_a_long_but_common_password_is_refused_with_the_reason(client, password):
    response = register(client, password)
    assert response.status_code == 400
    assert "most common passwords" in response.get_json()["fields"]["password"]


def test_the_comparison_ignores_case():
    assert is_common("PassWordPassWord")


def test_an_uncommon_passphrase_is_accepted(client):
    assert register(client, PASSWORD).status_code == 201


def test_the_length_rule_still_comes_first(client):
    assert "at least 15" in register(client, "password").get_json()["fields"]["password"]


def test_the_blocklist_applies_to_password_changes(client):
    register(client, PASSWORD)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    response = client.post("/auth/change-password",
                           json={"current_password": PASSWORD, "new_password": "passwordpassword"})
    assert response.status_code == 400
    assert "most common" in response.get_json()["fields"]["new_password"]
