"""The device authorization grant (RFC 8628): the app polls POST /auth/token
for its tokens. Every answer is a code the app acts on."""
import pytest

from authapp.extensions import db
from authapp.refresh_tokens.models import RefreshToken
from conftest import CLIENT_ID, PASSWORD, device_sign_in, poll, start_device_flow
from test_device_codes import RFC_8628_ALPHABET, error_of


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


def test_refresh_tokens_are_stored_as_sha_256_only(app, native_app, bob):
    token = device_sign_in(native_app, bob)["refresh_token"]
    with app.app_context():
        stored = db.session.scalars(db.select(RefreshToken.id)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
