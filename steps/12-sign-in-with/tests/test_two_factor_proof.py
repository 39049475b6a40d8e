"""With two-factor on, every change to how the account is reached or recovered
asks for the same proof as turning two-factor off: the password and a code."""
import pytest

from conftest import PASSWORD

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
THIEF_MAILBOX = "mallory@evil.example"
NEW_PASSWORD = "mallory keeps this account now"


@pytest.fixture
def stolen_session(client, clock):
    """Alice has two-factor on. The thief has her logged-in browser and her
    password, not her phone: `client` is that browser. Returns the secret
    and the recovery codes, which only the owner's lines of a test use."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    secret = client.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    codes = client.post("/auth/2fa/confirm", json={"code": clock.code(secret)}).get_json()["recovery_codes"]
    clock.tick()  # the code that turned it on is used: the next step's is fresh
    return secret, codes


def wrong_code(clock, stolen_session):
    """Six digits that are none of the codes from two steps before now to two after."""
    secret, _ = stolen_session
    near = {clock.code(secret, steps) for steps in range(-2, 3)}
    return next(digits for digits in ("000000", "111111", "222222", "333333") if digits not in near)


def mails_to(inbox, address):
    return [message for message in inbox.messages if message["To"] == address]


@pytest.mark.contract
def test_a_thief_with_the_session_and_the_password_cannot_move_the_email_without_a_code(
        client, clock, stolen_session, inbox):
    """Reset links follow the address: a thief who moved it to their own
    mailbox could take the account back from its owner at will."""
    move = {"password": PASSWORD, "new_email": THIEF_MAILBOX}
    no_code = client.post("/auth/change-email", json=move)
    assert no_code.status_code == 400
    assert no_code.get_json()["fields"] == {"code": "is required (or a recovery_code)"}
    guessed = client.post("/auth/change-email", json={**move, "code": wrong_code(clock, stolen_session)})
    assert guessed.status_code == 403
    assert guessed.get_json()["fields"] == {"code": "is not a valid code"}
    assert mails_to(inbox, THIEF_MAILBOX) == []  # no link reached the thief's mailbox
    assert client.get("/auth/me").get_json()["user"]["email"] == "alice@example.com"
    # The owner, with her phone, can.
    owner = client.post("/auth/change-email", json={**move, "code": clock.code(stolen_session[0])})
    assert owner.status_code == 202
    assert len(mails_to(inbox, THIEF_MAILBOX)) == 1


@pytest.mark.contract
def test_a_thief_with_the_session_and_the_password_cannot_change_the_password_without_a_code(
        app, client, clock, stolen_session):
    """A new password would shut the owner out: it takes her phone too, as
    turning two-factor off does."""
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    no_code = client.post("/auth/change-password", json=change)
    assert no_code.status_code == 400
    assert no_code.get_json()["fields"] == {"code": "is required (or a recovery_code)"}
    guessed = client.post("/auth/change-password", json={**change, "code": wrong_code(clock, stolen_session)})
    assert guessed.status_code == 403
    assert guessed.get_json()["fields"] == {"code": "is not a valid code"}
    owner = app.test_client()  # the old password still works, the new one doesn't
    assert owner.post("/auth/login", json={"username": "alice", "password": NEW_PASSWORD}).status_code == 401
    assert owner.post("/auth/login", json={"username": "alice", "password": PASSWORD}).get_json() == {
        "two_factor_required": True}
    # With the code from her phone, it works.
    with_code = client.post("/auth/change-password", json={**change, "code": clock.code(stolen_session[0])})
    assert with_code.status_code == 200


@pytest.mark.contract
def test_a_recovery_code_is_proof_enough_and_works_once(client, stolen_session):
    """The day the phone is lost, a recovery code stands in for the code, as
    it does to log in and to turn two-factor off; a used one proves nothing."""
    _, codes = stolen_session
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "recovery_code": codes[0]}
    assert client.post("/auth/change-password", json=change).status_code == 200
    again = {"password": NEW_PASSWORD, "new_email": "alice@new.example", "recovery_code": codes[0]}
    assert client.post("/auth/change-email", json=again).status_code == 403
