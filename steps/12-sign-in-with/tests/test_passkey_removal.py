"""Listing and removing passkeys, and the way back in when the last one is gone."""
import pytest

from conftest import PASSWORD, SoftwareAuthenticator, add_passkey, sign_in

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
BOB = {"username": "bob", "password": "bob has his own phrase"}


@pytest.fixture
def passkey_id(client, authenticator):
    """Alice is logged in with her password and has added one passkey."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    return add_passkey(client, authenticator).get_json()["passkey"]["id"]


def remove(browser, passkey_id, password=PASSWORD):
    return browser.delete(f"/auth/passkeys/{passkey_id}", json={"password": password})


def test_removing_a_passkey_asks_for_the_password(client, passkey_id):
    response = remove(client, passkey_id, "not my password at all")
    assert response.status_code == 403
    assert response.get_json()["fields"] == {"password": "is not your password"}
    assert len(client.get("/auth/passkeys").get_json()["passkeys"]) == 1


def test_a_removed_passkey_logs_in_no_more(client, passkey_id, authenticator):
    assert remove(client, passkey_id).status_code == 204
    assert client.get("/auth/passkeys").get_json() == {"passkeys": []}
    client.post("/auth/logout")
    # The authenticator still has it (only its owner can delete it there).
    response = sign_in(client, authenticator)
    assert response.status_code == 401
    assert response.get_json() == {"error": "passkey not accepted: it is not registered here (removed?)"}


def test_removing_a_passkey_ends_every_other_session(app, client, passkey_id, authenticator):
    # The phone with the passkey was lost: whoever has it may be logged in with it.
    thief = app.test_client()
    assert sign_in(thief, authenticator).status_code == 200
    before = client.get_cookie("session").value
    remove(client, passkey_id)
    assert thief.get("/auth/me").status_code == 401
    assert client.get("/auth/me").status_code == 200
    assert client.get_cookie("session").value != before  # this browser goes on, with a new session id


def test_nobody_else_can_see_or_remove_your_passkey(app, passkey_id):
    bob = app.test_client()
    bob.post("/auth/register", json={**BOB, "email": "bob@example.com"})
    bob.post("/auth/login", json=BOB)
    assert bob.get("/auth/passkeys").get_json() == {"passkeys": []}
    response = remove(bob, passkey_id, "bob has his own phrase")
    assert response.status_code == 404  # the same answer as for an id nobody has
    assert response.get_json() == {"error": "you have no passkey with this id"}
    assert remove(bob, 999_999, "bob has his own phrase").get_json() == response.get_json()


def test_removing_needs_a_login(app, passkey_id):
    assert remove(app.test_client(), passkey_id).status_code == 401


def test_removing_is_mailed_to_the_owner(client, passkey_id, inbox):
    remove(client, passkey_id)
    (mail,) = [message for message in inbox.messages
               if message["Subject"] == "A passkey was removed from your account"]
    assert mail["To"] == "alice@example.com" and '"laptop"' in mail.get_content()


def test_without_passkeys_the_password_still_logs_in(client, passkey_id):
    # Every account has a password: removing the last passkey, or losing it,
    # leaves the way in it had before (with two-factor, if it is on), and
    # "forgot password" when the password is gone too.
    assert remove(client, passkey_id).status_code == 204
    client.post("/auth/logout")
    response = client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200 and response.get_json()["user"]["username"] == "alice"


def test_each_passkey_is_removed_on_its_own(client, passkey_id, authenticator):
    phone = SoftwareAuthenticator()
    add_passkey(client, phone, name="phone")
    remove(client, passkey_id)
    assert [passkey["name"] for passkey in client.get("/auth/passkeys").get_json()["passkeys"]] == ["phone"]
    client.post("/auth/logout")
    assert sign_in(client, phone).status_code == 200


def test_with_two_factor_on_removing_a_passkey_takes_a_code_too(app, client, passkey_id, clock, authenticator):
    # A thief with Alice's session and her password, not her phone: removing a
    # passkey ends every other session (the owner's too) and takes away her
    # phishing-resistant way in. So it asks what adding one and turning two-factor
    # off ask: the password and a code (or a recovery code).
    secret = client.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    client.post("/auth/2fa/confirm", json={"code": clock.code(secret)})
    clock.tick()
    owner = app.test_client()
    assert sign_in(owner, authenticator).status_code == 200
    no_code = remove(client, passkey_id)
    assert no_code.status_code == 400
    assert no_code.get_json()["fields"] == {"code": "is required (or a recovery_code)"}
    wrong = client.delete(f"/auth/passkeys/{passkey_id}", json={"password": PASSWORD,
                                                                "code": clock.code(secret, steps=10)})
    assert wrong.status_code == 403
    assert len(client.get("/auth/passkeys").get_json()["passkeys"]) == 1
    assert owner.get("/auth/me").status_code == 200  # her session goes on
    right = client.delete(f"/auth/passkeys/{passkey_id}", json={"password": PASSWORD, "code": clock.code(secret)})
    assert right.status_code == 204
