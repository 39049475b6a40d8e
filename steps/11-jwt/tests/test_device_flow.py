"""The device authorization grant (RFC 8628): an app without a login page
asks for a code, a logged-in browser approves it, the app polls for its
tokens. Every answer of POST /auth/token is a code the app acts on."""
import re

import pytest

from authapp.device_flow.models import DeviceAuthorization
from authapp.extensions import db
from conftest import CLIENT_ID, DEVICE_CODE_GRANT, PASSWORD, bearer, device_sign_in, poll, start_device_flow

RFC_8628_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"


def error_of(response):
    assert response.status_code == 400, (response.status_code, response.get_json())
    return response.get_json()["error"]


@pytest.mark.contract
def test_an_app_signs_in_with_a_code_its_user_approves_in_the_browser(native_app, bob, stopped_time):
    started = start_device_flow(native_app)
    assert set(started) == {"device_code", "user_code", "verification_uri", "expires_in", "interval"}
    assert started["interval"] == 5 and started["expires_in"] > 0
    assert error_of(poll(native_app, started["device_code"])) == "authorization_pending"
    approved = bob.post("/auth/device/approve", json={"user_code": started["user_code"]})
    assert approved.status_code == 200
    assert approved.get_json()["client_id"] == CLIENT_ID
    stopped_time.advance(seconds=5)
    tokens = poll(native_app, started["device_code"])
    assert tokens.status_code == 200, tokens.get_json()
    answer = tokens.get_json()
    assert set(answer) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 300
    assert answer["scope"] == "account:read notes:read notes:write"
    assert tokens.headers["Cache-Control"] == "no-store"  # RFC 6749, section 5.1


@pytest.mark.contract
def test_the_user_code_is_eight_of_rfc_8628s_twenty_consonants_typed_any_way(native_app, bob):
    started = start_device_flow(native_app)
    assert re.fullmatch(f"[{RFC_8628_ALPHABET}]{{4}}-[{RFC_8628_ALPHABET}]{{4}}", started["user_code"])
    typed = " " + started["user_code"].replace("-", "").lower() + " "  # no dash, lower case, spaces
    assert bob.post("/auth/device/approve", json={"user_code": typed}).status_code == 200


@pytest.mark.contract
def test_a_device_code_gives_tokens_once(native_app, bob, stopped_time):
    started = start_device_flow(native_app)
    bob.post("/auth/device/approve", json={"user_code": started["user_code"]})
    assert poll(native_app, started["device_code"]).status_code == 200
    stopped_time.advance(seconds=5)
    assert error_of(poll(native_app, started["device_code"])) == "invalid_grant"


@pytest.mark.contract
def test_polling_faster_than_the_interval_gets_slow_down_and_a_longer_interval(native_app, stopped_time):
    """RFC 8628, section 3.5: each poll too soon adds 5 seconds to the interval, for good."""
    device_code = start_device_flow(native_app)["device_code"]
    assert error_of(poll(native_app, device_code)) == "authorization_pending"
    stopped_time.advance(seconds=4)
    too_soon = poll(native_app, device_code)
    assert error_of(too_soon) == "slow_down" and too_soon.get_json()["interval"] == 10
    stopped_time.advance(seconds=9)
    assert error_of(poll(native_app, device_code)) == "slow_down"  # 10 seconds now, then 15
    stopped_time.advance(seconds=15)
    assert error_of(poll(native_app, device_code)) == "authorization_pending"


@pytest.mark.contract
def test_a_code_expires_after_ten_minutes_for_the_app_and_for_the_approver(native_app, bob, stopped_time):
    started = start_device_flow(native_app)
    stopped_time.advance(minutes=10)
    assert error_of(poll(native_app, started["device_code"])) == "expired_token"
    assert bob.post("/auth/device/approve", json={"user_code": started["user_code"]}).status_code == 400


@pytest.mark.contract
def test_a_user_who_says_no_gives_the_app_access_denied(native_app, bob):
    started = start_device_flow(native_app)
    said = bob.post("/auth/device/approve", json={"user_code": started["user_code"], "approve": False})
    assert said.status_code == 200 and said.get_json()["approved"] is False
    assert error_of(poll(native_app, started["device_code"])) == "access_denied"


@pytest.mark.contract
def test_a_code_is_decided_once_by_one_user(native_app, bob, app):
    """Once Bob has approved, nobody else can approve it for their account: the
    tokens would be the other account's, and the app would never know."""
    started = start_device_flow(native_app)
    assert bob.post("/auth/device/approve", json={"user_code": started["user_code"]}).status_code == 200
    mallory = app.test_client()
    mallory.post("/auth/register", json={"username": "mallory", "email": "m@example.com", "password": PASSWORD})
    mallory.post("/auth/login", json={"username": "mallory", "password": PASSWORD})
    taken = mallory.post("/auth/device/approve", json={"user_code": started["user_code"]})
    unknown = mallory.post("/auth/device/approve", json={"user_code": "BCDF-GHJK"})
    assert taken.status_code == unknown.status_code == 400
    assert taken.get_json() == unknown.get_json()  # the same answer: nothing learnt about which codes exist


@pytest.mark.contract
def test_approving_needs_a_logged_in_browser_not_a_token(native_app, bob):
    """Session only: an app that holds a token can't approve more tokens for itself."""
    tokens = device_sign_in(native_app, bob)
    started = start_device_flow(native_app)
    assert native_app.post("/auth/device/approve", json={"user_code": started["user_code"]}).status_code == 401
    with_a_token = native_app.post("/auth/device/approve", json={"user_code": started["user_code"]},
                                   headers=bearer(tokens["access_token"]))
    assert with_a_token.status_code == 401


@pytest.mark.contract
def test_guessing_user_codes_is_capped_even_the_right_one_is_then_refused(native_app, bob):
    """10 tries an hour for an account: 20^8 codes make a hit all but impossible."""
    started = start_device_flow(native_app)
    wrong = [bob.post("/auth/device/approve", json={"user_code": f"BCDF-GHJ{letter}"}).status_code
             for letter in RFC_8628_ALPHABET[:10]]
    assert wrong == [400] * 10
    right = bob.post("/auth/device/approve", json={"user_code": started["user_code"]})
    assert right.status_code == 429
    assert error_of(poll(native_app, started["device_code"])) == "authorization_pending"


@pytest.mark.contract
def test_there_is_no_password_grant(native_app, bob):
    """RFC 9700, section 2.4: the resource owner password credentials grant MUST NOT be used."""
    response = native_app.post("/auth/token", data={"grant_type": "password", "username": "bob",
                                                    "password": PASSWORD, "client_id": CLIENT_ID})
    assert error_of(response) == "unsupported_grant_type"


@pytest.mark.contract
def test_an_unknown_client_and_an_unknown_scope_are_refused(native_app):
    assert error_of(native_app.post("/auth/device", data={"client_id": "evil-app"})) == "invalid_client"
    assert error_of(native_app.post("/auth/device", data={"client_id": CLIENT_ID,
                                                          "scope": "notes:read admin"})) == "invalid_scope"


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


def test_device_and_user_codes_are_stored_as_sha_256_only(app, native_app):
    started = start_device_flow(native_app)
    with app.app_context():
        record = db.session.scalar(db.select(DeviceAuthorization))
        stored = " ".join(str(value) for value in vars(record).values())
    assert started["device_code"] not in stored
    assert started["user_code"].replace("-", "") not in stored and started["user_code"] not in stored
    assert len(record.id) == len(record.user_code) == 64
