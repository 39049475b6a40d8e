"""Refresh tokens (RFC 9700, section 4.14): opaque, stored as SHA-256, rotated
at every use. A used one that comes back means two parties hold it: the
family (every token since that sign-in) is revoked, the thief's and the owner's."""
import pytest

from authapp.refresh_tokens import rotation
from conftest import (
    CLIENT_ID,
    DEVICE_CODE_GRANT,
    PASSWORD,
    all_at_once,
    device_sign_in,
    held_at_a_barrier,
    refresh,
    user_id,
)
from test_device_codes import error_of


def refused(response):
    return response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


@pytest.mark.contract
def test_a_refresh_token_gives_new_tokens_and_a_new_refresh_token(native_app, bob):
    first = device_sign_in(native_app, bob)
    renewed = refresh(native_app, first["refresh_token"])
    assert renewed.status_code == 200, renewed.get_json()
    answer = renewed.get_json()
    assert answer["refresh_token"] != first["refresh_token"] and answer["access_token"] != first["access_token"]
    assert answer["scope"] == first["scope"]
    assert refresh(native_app, answer["refresh_token"]).status_code == 200


@pytest.mark.contract
def test_a_replayed_refresh_token_is_refused_and_the_newer_one_dies_too(native_app, bob):
    """The attacker replays a stolen, already used token: refused, and the
    family ends, so the token the owner holds now stops working as well."""
    stolen = device_sign_in(native_app, bob)["refresh_token"]
    owners = refresh(native_app, stolen).get_json()["refresh_token"]
    assert refused(refresh(native_app, stolen))
    assert refused(refresh(native_app, owners))


@pytest.mark.contract
def test_a_thief_who_refreshes_first_loses_the_family_when_the_owner_refreshes(native_app, bob):
    stolen = device_sign_in(native_app, bob)["refresh_token"]
    thiefs = refresh(native_app, stolen).get_json()["refresh_token"]
    assert refused(refresh(native_app, stolen))  # the owner's turn: the token was used
    assert refused(refresh(native_app, thiefs))


def test_two_refreshes_of_one_token_at_the_same_instant_give_tokens_once(native_app, bob, monkeypatch):
    """Both requests read the token as unused, then meet at the barrier: the
    conditional UPDATE lets one through. The other is reuse, so the family
    ends, and the winner's new token with it."""
    token = device_sign_in(native_app, bob)["refresh_token"]
    held_at_a_barrier(monkeypatch, rotation, "mark_used", parties=2)
    answers = []

    def refreshing():
        response = refresh(native_app, token)
        answers.append(response)
        return response

    assert sorted(all_at_once(refreshing, refreshing)) == [200, 400]
    winner = next(answer for answer in answers if answer.status_code == 200)
    assert refused(refresh(native_app, winner.get_json()["refresh_token"]))


@pytest.mark.contract
def test_revoking_a_refresh_token_ends_its_family(native_app, bob):
    """RFC 7009: 200 for any token, so the answer tells nothing."""
    token = device_sign_in(native_app, bob)["refresh_token"]
    assert native_app.post("/auth/token/revoke", data={"token": token}).status_code == 200
    assert refused(refresh(native_app, token))
    assert native_app.post("/auth/token/revoke", data={"token": "no-such-token"}).status_code == 200


@pytest.mark.contract
def test_a_refresh_token_unused_for_14_days_expires(native_app, bob, stopped_time):
    token = device_sign_in(native_app, bob)["refresh_token"]
    stopped_time.advance(days=14)
    assert refused(refresh(native_app, token))


@pytest.mark.contract
def test_a_family_ends_30_days_after_its_sign_in_however_often_it_is_used(native_app, bob, stopped_time):
    token = device_sign_in(native_app, bob)["refresh_token"]
    for _ in range(2):
        stopped_time.advance(days=13)
        token = refresh(native_app, token).get_json()["refresh_token"]  # day 13, day 26
    stopped_time.advance(days=4)
    assert refused(refresh(native_app, token))


@pytest.mark.contract
def test_a_password_change_revokes_every_apps_refresh_token(native_app, bob):
    token = device_sign_in(native_app, bob)["refresh_token"]
    changed = bob.post("/auth/change-password", json={"current_password": PASSWORD,
                                                      "new_password": "another long passphrase"})
    assert changed.status_code == 200
    assert refused(refresh(native_app, token))


@pytest.mark.contract
def test_a_password_reset_revokes_every_apps_refresh_token(native_app, bob, inbox):
    token = device_sign_in(native_app, bob)["refresh_token"]
    bob.post("/auth/forgot-password", json={"email": "bob@example.com"})
    mailed = inbox.messages[-1].get_content().split("token=")[1].split()[0]
    reset = bob.post("/auth/reset-password", json={"token": mailed, "password": "another long passphrase"})
    assert reset.status_code == 200
    assert refused(refresh(native_app, token))


@pytest.mark.contract
def test_logging_out_everywhere_and_disabling_an_account_revoke_refresh_tokens(native_app, bob, admin):
    """An admin ends Bob's sessions everywhere, then disables him: each time,
    every app of his loses its refresh token."""
    first = device_sign_in(native_app, bob)["refresh_token"]
    bobs_id = user_id(bob)
    assert admin.delete(f"/admin/users/{bobs_id}/sessions").status_code == 204
    assert refused(refresh(native_app, first))
    bob.post("/auth/login", json={"username": "bob", "password": PASSWORD})
    second = device_sign_in(native_app, bob)["refresh_token"]
    assert admin.post(f"/admin/users/{bobs_id}/disable").status_code == 200
    assert refused(refresh(native_app, second))


@pytest.mark.contract
@pytest.mark.parametrize(("body", "content_type"), [
    (None, None),
    ('{"grant_type": "refresh_token"}', "application/json"),  # RFC 6749: form-encoded, not JSON
    (f"grant_type={DEVICE_CODE_GRANT}&grant_type=refresh_token&client_id={CLIENT_ID}",  # sent twice
     "application/x-www-form-urlencoded"),
    (f"grant_type={DEVICE_CODE_GRANT}&client_id={CLIENT_ID}&device_code=%00", "application/x-www-form-urlencoded"),
    (f"client_id={CLIENT_ID}", "application/x-www-form-urlencoded"),
    (f"grant_type=refresh_token&client_id={CLIENT_ID}", "application/x-www-form-urlencoded"),
    ("\xff\xfe garbage", "text/plain"),
])
def test_hostile_bodies_on_the_token_endpoint_get_a_json_error(native_app, body, content_type):
    response = native_app.post("/auth/token", data=body, content_type=content_type)
    assert error_of(response) == "invalid_request"
