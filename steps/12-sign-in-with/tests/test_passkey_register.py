"""Adding a passkey (logged in, with the password again): options for the
browser, then the authenticator's answer, checked by py_webauthn."""
import base64

import pytest

from authapp.extensions import db
from authapp.passkeys import views
from authapp.passkeys.models import Passkey
from conftest import (
    PASSWORD,
    SoftwareAuthenticator,
    add_passkey,
    all_at_once,
    held_at_a_barrier,
    unb64url,
)

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
BOB = {"username": "bob", "email": "bob@example.com", "password": "bob has his own long passphrase"}


def options(browser, password=PASSWORD, **fields):
    return browser.post("/auth/passkeys/register/options", json={"password": password, **fields})


@pytest.fixture
def alice(client):
    """Alice has registered, followed her link and logged in with her password."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    return client


def test_adding_a_passkey_asks_for_the_password_again(alice):
    # A session left open on a shared computer must not be enough to add a way in.
    response = options(alice, "not my password at all")
    assert response.status_code == 403
    assert response.get_json()["fields"] == {"password": "is not your password"}
    assert "challenge" not in response.get_json()


def test_adding_or_listing_passkeys_needs_a_login(client, authenticator):
    assert options(client).status_code == 401
    assert client.post("/auth/passkeys/register/verify", json={}).status_code == 401
    assert client.get("/auth/passkeys").status_code == 401


def test_an_unverified_account_cannot_add_a_passkey(plain_client):
    # No login before the mailbox is proven (step 06), so no session to add one
    # with: every passkey belongs to an account with a verified address.
    plain_client.post("/auth/register", json=ALICE)
    assert plain_client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 403
    assert options(plain_client).status_code == 401


def test_the_options_ask_for_a_discoverable_passkey_with_user_verification(alice):
    response = options(alice, name="phone")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["rp"] == {"id": "localhost", "name": "Flask Auth"}
    assert answer["user"]["name"] == "alice" and answer["user"]["displayName"] == "alice"
    assert len(unb64url(answer["user"]["id"])) == 64  # random, not the account's id
    assert answer["authenticatorSelection"] == {"residentKey": "required", "requireResidentKey": True,
                                                "userVerification": "required"}
    assert answer["attestation"] == "none"
    assert answer["timeout"] == 5 * 60 * 1000
    assert {"type": "public-key", "alg": -7} in answer["pubKeyCredParams"]  # ES256, which every authenticator has
    assert answer["excludeCredentials"] == []


def test_challenges_are_random_and_new_every_time(client, alice):
    challenges = [unb64url(options(alice).get_json()["challenge"]) for _ in range(5)]
    challenges.append(unb64url(client.post("/auth/passkeys/login/options").get_json()["challenge"]))
    assert len(set(challenges)) == 6
    assert all(len(challenge) >= 16 for challenge in challenges)  # WebAuthn asks for 16 bytes at least


def test_a_new_passkey_is_stored_and_listed(app, alice, authenticator):
    response = add_passkey(alice, authenticator, name="laptop")
    assert response.status_code == 201
    passkey = response.get_json()["passkey"]
    assert {"id", "name", "created_at"} <= set(passkey) and passkey["name"] == "laptop"
    assert alice.get("/auth/passkeys").get_json() == {"passkeys": [passkey]}
    with app.app_context():
        stored = db.session.scalars(db.select(Passkey)).one()
        assert stored.credential_id == authenticator.credentials[0].id
        assert stored.user_handle == authenticator.credentials[0].user_handle
        assert stored.sign_count == 0 and not stored.backup_eligible and not stored.backed_up
        # The public key only: nothing here signs anything.
        assert b"PRIVATE" not in stored.public_key and len(stored.public_key) < 100


FORGED = "\n\nNo action needed: a routine check.\n"  # within the 64 characters


@pytest.mark.parametrize("name", [
    f"phone{FORGED}", f"phone\r{FORGED}", "phone\u2028No action needed.", "phone\u0085No action needed.",
    "\u202edeen noitca on :kcehc enituor", "phone \u2067no action needed\u2069", "tab\there"],
    ids=["line feed", "carriage return", "line separator", "next line", "right-to-left override",
         "right-to-left isolate", "tab"])
def test_a_name_that_could_write_lines_or_reorder_the_notice_is_refused(alice, inbox, name):
    """The passkey's name is quoted in the owner's "passkey added" mail: a thief
    who adds one must not be able to write or reorder lines of that warning."""
    response = options(alice, name=name)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "name": "must be one line of text: no line breaks, control or text-direction characters"}
    assert "challenge" not in response.get_json()
    assert [message for message in inbox.messages if "passkey" in message["Subject"]] == []


def test_accents_and_emoji_are_fine_in_a_name_and_the_notice_quotes_it_on_one_line(alice, authenticator, inbox):
    """Refusing controls must not refuse people's own names: accents and emoji
    (a zero-width joiner included) are kept, on the notice's first line."""
    name = "Téléphone de Zoë 👩‍💻"  # the emoji is two joined by a zero-width joiner: not a control
    assert add_passkey(alice, authenticator, name=name).status_code == 201
    (mail,) = [message for message in inbox.messages if message["Subject"] == "A passkey was added to your account"]
    assert mail.get_content().splitlines()[0] == (
        f'The passkey "{name}" can now log in to alice, without the password.')


def test_a_name_is_optional(alice, authenticator):
    response = add_passkey(alice, authenticator, name="")
    assert response.get_json()["passkey"]["name"] == "passkey"
    assert options(alice, name="x" * 65).get_json()["fields"] == {"name": "must be at most 64 characters"}


def test_every_passkey_of_an_account_has_the_same_user_handle(alice, authenticator):
    # The authenticator replaces its old passkey for the same account rather
    # than keep two; and the one it has is named, so it makes no second one.
    add_passkey(alice, authenticator)
    second = options(alice).get_json()
    assert unb64url(second["user"]["id"]) == authenticator.credentials[0].user_handle
    assert second["excludeCredentials"] == [{"type": "public-key",
                                             "id": base64.urlsafe_b64encode(authenticator.credentials[0].id)
                                             .rstrip(b"=").decode()}]


def test_a_passkey_belongs_to_one_account(app, alice, authenticator):
    # Bob sends Alice's credential id with a key of his own. The UNIQUE
    # constraint refuses it: one credential id, one account.
    add_passkey(alice, authenticator)
    bob = app.test_client()
    bob.post("/auth/register", json=BOB)
    bob.post("/auth/login", json={"username": "bob", "password": BOB["password"]})
    copy = add_passkey(bob, SoftwareAuthenticator(), password=BOB["password"],
                       credential_id=authenticator.credentials[0].id)
    assert copy.status_code == 409
    assert copy.get_json() == {"error": "this passkey is registered already"}
    assert bob.get("/auth/passkeys").get_json() == {"passkeys": []}


def test_adding_a_passkey_is_mailed_to_the_owner(alice, authenticator, inbox):
    add_passkey(alice, authenticator, name="laptop")
    (mail,) = [message for message in inbox.messages if message["Subject"] == "A passkey was added to your account"]
    assert mail["To"] == "alice@example.com" and '"laptop"' in mail.get_content()


def test_an_account_has_ten_passkeys_at_most(app, alice):
    app.config["PASSKEY_CHANGE_LIMIT_PER_ACCOUNT"] = "100 per hour"  # this test is about the cap
    for _ in range(10):
        assert add_passkey(alice, SoftwareAuthenticator()).status_code == 201
    response = options(alice)
    assert response.status_code == 409
    assert response.get_json() == {"error": "an account can have 10 passkeys at most: remove one first"}


def logged_in_browsers(app, count):
    browsers = [app.test_client() for _ in range(count)]
    for browser in browsers:
        assert browser.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200
    return browsers


def test_options_asked_for_in_several_browsers_cannot_pass_the_cap(app, alice):
    # The cap is checked when options are asked for, and again once the new
    # passkey is in: options asked for in four browsers at 9 passkeys add one.
    app.config["PASSKEY_CHANGE_LIMIT_PER_ACCOUNT"] = "100 per hour"  # this test is about the cap
    for _ in range(9):
        assert add_passkey(alice, SoftwareAuthenticator()).status_code == 201
    asked = [(browser, options(browser).get_json()) for browser in logged_in_browsers(app, 4)]
    statuses = [browser.post("/auth/passkeys/register/verify", json=SoftwareAuthenticator().create(offer)).status_code
                for browser, offer in asked]
    assert statuses == [201, 409, 409, 409]
    assert len(alice.get("/auth/passkeys").get_json()["passkeys"]) == 10


def test_first_passkeys_added_in_two_browsers_at_once_keep_one_user_handle(app, alice, monkeypatch):
    # Before the first passkey, each browser's options carry a new user handle.
    # Both answers are held until both have passed py_webauthn's checks: one
    # passkey goes in, the other is told to ask again.
    offers = [(browser, options(browser).get_json()) for browser in logged_in_browsers(app, 2)]
    answers = [(browser, SoftwareAuthenticator().create(offer)) for browser, offer in offers]
    held_at_a_barrier(monkeypatch, views, "check_what_py_webauthn_leaves_to_us", 2)
    statuses = all_at_once(*[lambda browser=browser, answer=answer: browser.post(
        "/auth/passkeys/register/verify", json=answer) for browser, answer in answers])
    assert sorted(statuses) == [201, 409]
    with app.app_context():
        assert len(set(db.session.scalars(db.select(Passkey.user_handle)))) == 1


def test_with_two_factor_on_adding_a_passkey_takes_a_code_too(alice, clock, authenticator):
    # A passkey logs in without the code (test_a_passkey_is_both_factors_at_once):
    # if the password alone could add one, a stolen session plus the password
    # would skip the code for good. So adding one asks what turning two-factor
    # off asks: the password and a code (or a recovery code).
    secret = alice.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    codes = alice.post("/auth/2fa/confirm", json={"code": clock.code(secret)}).get_json()["recovery_codes"]
    clock.tick()
    no_code = options(alice)
    assert no_code.status_code == 400
    assert no_code.get_json()["fields"] == {"code": "is required (or a recovery_code)"}
    wrong = options(alice, code=clock.code(secret, steps=10))
    assert wrong.status_code == 403
    assert wrong.get_json()["fields"] == {"code": "is not a valid code"}
    assert "challenge" not in wrong.get_json()
    assert options(alice, code=clock.code(secret)).status_code == 200
    response = alice.post("/auth/passkeys/register/verify", json=authenticator.create(
        options(alice, recovery_code=codes[0]).get_json()))
    assert response.status_code == 201


MALLORY = {"username": "mallory", "email": "alice@example.com", "password": "tangerine bicycle umbrella"}


def newest_link(inbox, kind):
    bodies = [message.get_content() for message in reversed(inbox.messages)]
    return next(body for body in bodies if f"/{kind}?token=" in body).split(f"/{kind}?token=")[1].split()[0]


def log_in(browser, who, password):
    return browser.post("/auth/login", json={"username": who, "password": password})


@pytest.mark.contract
def test_a_squatter_never_adds_a_passkey_to_the_owners_address(app, plain_client, inbox):
    # Mallory registers with Alice's address; Alice, refused (409), asks for a
    # new link and follows it with her own password: no help to Mallory.
    assert plain_client.post("/auth/register", json=MALLORY).status_code == 201
    alice = app.test_client()
    assert alice.post("/auth/register", json=ALICE).status_code == 409
    alice.post("/auth/resend-verification", json={"email": "alice@example.com"})
    token = newest_link(inbox, "verify-email")
    assert alice.post("/auth/verify-email", json={"token": token, "password": PASSWORD}).status_code == 403
    # Mallory, with her password only, gets no session, so no passkey of hers.
    assert log_in(plain_client, "mallory", MALLORY["password"]).status_code == 403
    assert options(plain_client, MALLORY["password"]).status_code == 401
    # Alice resets as the mail says: the account she logs in to has no passkey but hers to come.
    alice.post("/auth/forgot-password", json={"email": "alice@example.com"})
    new = "a brand new passphrase"
    reset = alice.post("/auth/reset-password", json={"token": newest_link(inbox, "reset-password"), "password": new})
    assert reset.status_code == 200
    assert log_in(alice, "alice@example.com", new).status_code == 200
    assert alice.get("/auth/passkeys").get_json() == {"passkeys": []}
    assert log_in(plain_client, "mallory", MALLORY["password"]).status_code == 401
