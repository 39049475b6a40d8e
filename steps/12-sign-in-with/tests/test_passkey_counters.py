"""Sign counts and backup flags, stored and checked as py_webauthn and the
WebAuthn spec ask: a count that doesn't go up gives a cloned authenticator
away; whether a passkey may be synced is fixed for its life."""
import copy

import pytest

from authapp.extensions import db
from authapp.passkeys import views
from authapp.passkeys.models import Passkey
from conftest import BS, PASSWORD, UP, UV, SoftwareAuthenticator, add_passkey, all_at_once, held_at_a_barrier, sign_in

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def with_passkey(client, authenticator):
    """Alice registers, adds a passkey on `authenticator`, and logs out."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert add_passkey(client, authenticator).status_code == 201
    client.post("/auth/logout")
    return client


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Passkey)).one()


def test_the_count_is_stored_and_must_go_up(app, client, authenticator):
    with_passkey(client, authenticator)
    for expected in (1, 2):
        assert sign_in(client, authenticator).status_code == 200
        assert stored(app).sign_count == expected
        assert stored(app).last_used_at is not None
        client.post("/auth/logout")
    # A copy of the key made before those two logins counts from 0: it gives itself away.
    clone = SoftwareAuthenticator()
    clone.credentials = [copy.copy(authenticator.credentials[0])]
    clone.credentials[0].sign_count = 1
    response = sign_in(client, clone)
    assert response.status_code == 401
    assert response.get_json()["error"] == (
        "passkey not accepted: Response sign count of 2 was not greater than current count of 2")


def test_a_passkey_that_always_counts_zero_keeps_working(app, client):
    # Synced passkeys live on several devices and can't keep one count: they
    # say 0 every time, and that is no sign of a clone.
    synced = SoftwareAuthenticator(counting=False, backup_eligible=True)
    with_passkey(client, synced)
    for _ in range(3):
        assert sign_in(client, synced).status_code == 200
        client.post("/auth/logout")
    assert stored(app).sign_count == 0


def test_two_copies_with_the_same_count_at_the_same_instant_get_in_once(app, client, authenticator, monkeypatch):
    # Both answers pass py_webauthn's check against the stored count before
    # either stores its own: the conditional UPDATE lets one of them through.
    with_passkey(client, authenticator)
    clone = SoftwareAuthenticator()
    clone.credentials = [copy.copy(authenticator.credentials[0])]
    browsers = [app.test_client(), app.test_client()]
    answers = [one.get(browser.post("/auth/passkeys/login/options").get_json())
               for one, browser in zip((authenticator, clone), browsers)]
    held_at_a_barrier(monkeypatch, views, "record_use", 2)
    statuses = all_at_once(*[lambda browser=browser, answer=answer: browser.post(
        "/auth/passkeys/login/verify", json=answer) for browser, answer in zip(browsers, answers)])
    assert sorted(statuses) == [200, 401]
    assert stored(app).sign_count == 1


def test_a_count_beyond_two_billion_is_stored(app, client, authenticator):
    # The count has 32 bits: more than a 32-bit signed INTEGER holds (PostgreSQL).
    with_passkey(client, authenticator)
    assert sign_in(client, authenticator, sign_count=2**32 - 1).status_code == 200
    assert stored(app).sign_count == 2**32 - 1


def test_the_backup_flags_are_stored_and_followed(app, client):
    synced = SoftwareAuthenticator(counting=False, backup_eligible=True, backed_up=False)
    with_passkey(client, synced)
    assert (stored(app).backup_eligible, stored(app).backed_up) == (True, False)
    synced.backed_up = True  # the password manager has synced it since
    assert sign_in(client, synced).status_code == 200
    assert stored(app).backed_up is True
    assert client.get("/auth/passkeys").get_json()["passkeys"][0]["backed_up"] is True


@pytest.mark.parametrize("eligible_at_first", [True, False])
def test_a_passkey_cannot_change_whether_it_may_be_synced(client, eligible_at_first):
    # A device-bound key that suddenly says "backup eligible" (or the other
    # way round) is not the key we were shown: WebAuthn fixes the flag for life.
    authenticator = SoftwareAuthenticator(backup_eligible=eligible_at_first)
    with_passkey(client, authenticator)
    authenticator.backup_eligible = not eligible_at_first
    response = sign_in(client, authenticator)
    assert response.status_code == 401
    assert response.get_json()["error"] == "passkey not accepted: its backup eligibility changed since it was added"


def test_backed_up_without_being_eligible_is_refused(client, authenticator):
    with_passkey(client, authenticator)
    response = sign_in(client, authenticator, flags=UP | UV | BS)
    assert response.status_code == 401
    assert "Single-device credential indicated that it was backed up" in response.get_json()["error"]
