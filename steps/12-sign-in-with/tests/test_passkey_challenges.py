"""Challenges: random (test_passkey_register.py), single use even at the same
instant, good only in the browser that asked for them, and for 5 minutes."""
import hashlib
from datetime import timedelta

import pytest

from authapp.extensions import db
from authapp.models import utcnow
from authapp.passkeys import ceremonies
from authapp.passkeys.models import PasskeyChallenge
from conftest import PASSWORD, SoftwareAuthenticator, add_passkey, all_at_once, held_at_a_barrier

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


@pytest.fixture
def alice(client, authenticator):
    """Alice has added a passkey (on `authenticator`) and logged out."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert add_passkey(client, authenticator).status_code == 201
    client.post("/auth/logout")
    return client


def options(browser):
    return browser.post("/auth/passkeys/login/options").get_json()


def verify(browser, answer):
    return browser.post("/auth/passkeys/login/verify", json=answer)


def test_an_answer_works_once(app, alice, authenticator):
    # Someone who recorded the answer (a proxy's log, a shoulder) replays it,
    # with the cookie as it was then: the ceremony in it is used up.
    answer = authenticator.get(options(alice))
    recorded = alice.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert verify(alice, answer).status_code == 200
    replayer = app.test_client()
    replayer.set_cookie(app.config["SESSION_COOKIE_NAME"], recorded)
    assert verify(replayer, answer).status_code == 400
    assert replayer.get("/auth/me").status_code == 401
    alice.post("/auth/logout")
    options(alice)  # even with a new ceremony in this browser: that one has another challenge
    replayed = verify(alice, answer)
    assert replayed.status_code == 401
    assert "challenge was not expected challenge" in replayed.get_json()["error"]
    assert alice.get("/auth/me").status_code == 401


def test_a_wrong_answer_uses_the_challenge_up_too(alice, authenticator):
    # One answer per challenge: a failed one can't be tried again and again.
    challenge = options(alice)
    assert verify(alice, authenticator.get(challenge, user_verified=False)).status_code == 401
    response = verify(alice, authenticator.get(challenge))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "no passkey login is waiting in this browser: ask for options first (they last 5 minutes)"}


def test_one_answer_sent_twice_at_the_same_instant_logs_in_once(app, client, monkeypatch):
    # A synced passkey always counts 0, so the count can't tell the two apart:
    # only the challenge, taken by one DELETE, decides.
    synced = SoftwareAuthenticator(counting=False, backup_eligible=True, backed_up=True)
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    add_passkey(client, synced)
    client.post("/auth/logout")
    answer = synced.get(options(client))
    cookie = client.get_cookie("session").value
    held_at_a_barrier(monkeypatch, ceremonies, "use_up", 2)

    def from_a_copy_of_the_browser():
        copy = app.test_client()
        copy.set_cookie("session", cookie)
        return verify(copy, answer)

    assert sorted(all_at_once(from_a_copy_of_the_browser, from_a_copy_of_the_browser)) == [200, 400]


def test_one_new_passkey_sent_twice_at_the_same_instant_is_added_once(app, client, monkeypatch):
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    answer = SoftwareAuthenticator().create(
        client.post("/auth/passkeys/register/options", json={"password": PASSWORD}).get_json())
    held_at_a_barrier(monkeypatch, ceremonies, "use_up", 2)
    statuses = all_at_once(*[lambda: client.post("/auth/passkeys/register/verify", json=answer)] * 2)
    assert sorted(statuses) == [201, 400]
    assert len(client.get("/auth/passkeys").get_json()["passkeys"]) == 1


def test_the_challenge_stays_in_the_browser_that_asked_for_it(app, alice, authenticator):
    # An answer to Alice's challenge is worth nothing in another browser: it
    # has no ceremony, and its own ceremony has another challenge.
    answer = authenticator.get(options(alice))
    other = app.test_client()
    refused = verify(other, answer)
    assert refused.status_code == 400
    options(other)
    assert verify(other, answer).status_code == 401
    assert other.get("/auth/me").status_code == 401
    assert verify(alice, answer).status_code == 200  # still good where it was asked for


@pytest.mark.parametrize("age, status", [(timedelta(minutes=4, seconds=50), 200),
                                         (timedelta(minutes=5, seconds=1), 400)])
def test_a_challenge_lasts_five_minutes(app, alice, authenticator, age, status):
    assert app.config["PASSKEY_CEREMONY_MAX_AGE"] == timedelta(minutes=5)
    answer = authenticator.get(options(alice))
    with app.app_context():
        db.session.execute(db.update(PasskeyChallenge).values(created_at=utcnow() - age))
        db.session.commit()
    assert verify(alice, answer).status_code == status


def test_a_login_challenge_cannot_add_a_passkey(client, alice):
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    login_options = options(client)
    login_options.update(rp={"id": "localhost"}, user={"id": "AAAA"})
    response = client.post("/auth/passkeys/register/verify", json=SoftwareAuthenticator().create(login_options))
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("no passkey is being added in this browser")


def test_a_challenge_to_add_a_passkey_cannot_sign_in(client, alice, authenticator):
    # The other way round: an answer signed over a challenge meant for adding
    # a passkey logs nobody in, and that challenge is used up by trying.
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    adding = client.post("/auth/passkeys/register/options", json={"password": PASSWORD}).get_json()
    response = verify(client, authenticator.get({"challenge": adding["challenge"], "rpId": "localhost"}))
    assert response.status_code == 400
    assert client.post("/auth/passkeys/register/verify", json=SoftwareAuthenticator().create(adding)).status_code == 400


def test_old_challenges_are_deleted_and_the_database_keeps_a_digest_of_the_token(app, client):
    # A flood of options can't fill the table: every new ceremony deletes the
    # expired ones. And the cookie's token is not in the table (only its SHA-256).
    for _ in range(3):
        app.test_client().post("/auth/passkeys/login/options")
    with app.app_context():
        db.session.execute(db.update(PasskeyChallenge).values(created_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
    client.post("/auth/passkeys/login/options")
    cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    with app.app_context():
        (row,) = db.session.scalars(db.select(PasskeyChallenge)).all()
        assert row.id == hashlib.sha256(cookie["passkey_ceremony"].encode()).hexdigest()


def ceremonies_kept(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(PasskeyChallenge))


def test_a_flood_of_options_from_many_addresses_cannot_grow_the_table_without_bound(app):
    """The limit per address stops one address, not a botnet whose every address
    stays under it. A cap on the ceremonies kept at once stops them all: past
    it, a JSON 503 that says when to come back, and the table grows no more."""
    app.config["PASSKEY_CEREMONIES_MAX"] = 5  # 10,000 in the config: the same rule, quicker to reach
    flood = [app.test_client().post("/auth/passkeys/login/options", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
             for n in range(1, 9)]
    assert [response.status_code for response in flood] == [200] * 5 + [503] * 3
    assert flood[-1].get_json() == {"error": "too many passkey ceremonies in progress: try again later"}
    assert 0 < int(flood[-1].headers["Retry-After"]) <= 300  # when the oldest expires
    assert ceremonies_kept(app) == 5
    with app.app_context():  # five minutes later
        db.session.execute(db.update(PasskeyChallenge).values(created_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
    assert app.test_client().post("/auth/passkeys/login/options").status_code == 200
    assert ceremonies_kept(app) == 1
