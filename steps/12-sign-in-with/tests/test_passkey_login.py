"""Logging in with a passkey: no username, no password, and a session once
py_webauthn has checked the signature, the origin, the RP ID and the flags."""
import pyotp
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from authapp.extensions import db
from authapp.models import User
from conftest import PASSWORD, UV, add_passkey, b64url, sign_in, unb64url

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


@pytest.fixture
def alice(client, authenticator):
    """Alice has added a passkey (on `authenticator`) and logged out."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert add_passkey(client, authenticator).status_code == 201
    client.post("/auth/logout")
    return client


def test_a_passkey_logs_in_without_a_username_or_password(alice, authenticator):
    options = alice.post("/auth/passkeys/login/options")
    assert options.status_code == 200
    assert options.get_json()["allowCredentials"] == []  # any of ours: the passkey names its account
    assert options.get_json()["userVerification"] == "required"
    response = alice.post("/auth/passkeys/login/verify", json=authenticator.get(options.get_json()))
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "alice"
    assert alice.get("/auth/me").get_json()["user"]["username"] == "alice"
    assert any(cookie.startswith("known_browser=") for cookie in response.headers.getlist("Set-Cookie"))


def test_the_session_gets_a_new_id(alice, authenticator):
    alice.post("/auth/passkeys/login/options")
    before = alice.get_cookie("session").value
    sign_in(alice, authenticator)
    assert alice.get_cookie("session").value != before


def test_a_passkey_is_both_factors_at_once(alice, authenticator):
    # Two-factor on: the password alone waits for a code, the passkey doesn't.
    # It proved the device and the user's PIN or fingerprint (user verification).
    alice.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    secret = alice.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    alice.post("/auth/2fa/confirm", json={"code": pyotp.TOTP(secret).now()})
    alice.post("/auth/logout")
    assert alice.post("/auth/login", json={"username": "alice", "password": PASSWORD}).get_json() == {
        "two_factor_required": True}
    response = sign_in(alice, authenticator)
    assert response.status_code == 200 and response.get_json()["user"]["username"] == "alice"
    assert alice.get("/auth/me").status_code == 200


@pytest.mark.parametrize("ceremony", ["add", "sign in"])
def test_user_verification_is_required(client, alice, authenticator, ceremony):
    # Without it, a passkey is only something you have: whoever holds the
    # unlocked phone would be in.
    if ceremony == "add":
        client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
        response = add_passkey(client, authenticator, user_verified=False)
        assert response.status_code == 400
    else:
        response = sign_in(alice, authenticator, user_verified=False)
        assert response.status_code == 401
    assert "User verification is required" in response.get_json()["error"]


def test_the_user_must_be_present(alice, authenticator):
    response = sign_in(alice, authenticator, flags=UV)  # verified, but nobody touched it
    assert response.status_code == 401
    assert "not present" in response.get_json()["error"]


@pytest.mark.parametrize("ceremony", ["add", "sign in"])
def test_an_answer_from_another_origin_is_refused(client, alice, authenticator, ceremony):
    # A phishing page relays our options: the browser writes ITS origin in
    # what the authenticator signs, and the origin is not ours.
    phishing = "https://localhost.example"
    if ceremony == "add":
        client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
        response = add_passkey(client, authenticator, origin=phishing)
    else:
        response = sign_in(alice, authenticator, origin=phishing)
    assert response.status_code == (400 if ceremony == "add" else 401)
    assert response.get_json()["error"] == (
        'passkey not accepted: Unexpected client data origin "https://localhost.example", '
        'expected "http://localhost:3000"')


@pytest.mark.parametrize("ceremony", ["add", "sign in"])
def test_a_passkey_for_another_rp_id_is_refused(client, alice, authenticator, ceremony):
    # The authenticator signs the SHA-256 of the RP ID the passkey belongs to.
    if ceremony == "add":
        client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
        response = add_passkey(client, authenticator, rp_id="example.com")
    else:
        response = sign_in(alice, authenticator, rp_id="example.com")
    assert response.status_code == (400 if ceremony == "add" else 401)
    assert response.get_json()["error"] == "passkey not accepted: Unexpected RP ID hash"


def test_a_signature_by_another_key_is_refused(alice, authenticator):
    response = sign_in(alice, authenticator, key=ec.generate_private_key(ec.SECP256R1()))
    assert response.status_code == 401
    assert response.get_json()["error"] == "passkey not accepted: Could not verify authentication signature"
    assert alice.get("/auth/me").status_code == 401


def test_changed_flags_break_the_signature(alice, authenticator):
    # The signature covers the authenticator data: claiming "user verified"
    # after signing without it is the same as a forged signature.
    options = alice.post("/auth/passkeys/login/options").get_json()
    answer = authenticator.get(options, user_verified=False)
    data = bytearray(unb64url(answer["response"]["authenticatorData"]))
    data[32] |= UV  # the flags byte follows the RP ID's 32-byte hash
    answer["response"]["authenticatorData"] = b64url(bytes(data))
    response = alice.post("/auth/passkeys/login/verify", json=answer)
    assert response.status_code == 401
    assert "Could not verify authentication signature" in response.get_json()["error"]


def test_a_passkey_this_server_does_not_know_is_refused(alice, authenticator):
    authenticator.create({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    response = sign_in(alice, authenticator)  # signs with the new, unregistered one
    assert response.status_code == 401
    assert response.get_json() == {"error": "passkey not accepted: it is not registered here (removed?)"}
    assert alice.get("/auth/me").status_code == 401


def test_the_user_handle_must_be_the_passkeys(alice, authenticator):
    # The answer names the account (the user handle): someone else's won't do.
    response = sign_in(alice, authenticator, user_handle=b"someone else's handle")
    assert response.status_code == 401
    assert alice.get("/auth/me").status_code == 401


def test_a_refused_passkey_starts_no_session_and_ends_none(client, alice, authenticator):
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert sign_in(client, authenticator, user_verified=False).status_code == 401
    assert client.get("/auth/me").status_code == 200  # the session from the password goes on


def test_a_passkey_keeps_the_account_rules_of_the_password(app, alice, authenticator):
    # Every passkey was added by a verified account, but whatever makes an
    # address unverified again (an administrator, a later feature) must stop
    # the passkey as it stops the password: same answer, no session.
    with app.app_context():
        db.session.execute(db.update(User).values(email_verified=False))
        db.session.commit()
    response = sign_in(alice, authenticator)
    assert response.status_code == 403
    assert response.get_json() == {"error": "email not verified"}
    assert alice.get("/auth/me").status_code == 401


@pytest.mark.parametrize("ceremony", ["add", "sign in"])
def test_an_answer_made_in_a_frame_on_another_site_is_refused(client, alice, authenticator, ceremony):
    # Another site frames our page (and lets the frame use passkeys): the
    # origin is ours, but the browser says crossOrigin. Our pages are never
    # framed, so such an answer comes from a click-jacking page (WebAuthn, 7.1-7.2).
    if ceremony == "add":
        client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
        response = add_passkey(client, authenticator, cross_origin=True)
    else:
        response = sign_in(alice, authenticator, cross_origin=True)
        assert alice.get("/auth/me").status_code == 401
    assert response.status_code == (400 if ceremony == "add" else 401)
    assert response.get_json() == {"error": "passkey not accepted: it was made in a frame on another site's page"}
