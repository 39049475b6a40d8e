"""POST /auth/device and POST /auth/device/approve (RFC 8628): an app asks
for a code, and a logged-in browser approves it, once."""
import re

import pytest

from authapp.device_flow.models import DeviceAuthorization
from authapp.extensions import db
from conftest import CLIENT_ID, PASSWORD, start_device_flow

RFC_8628_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"


def error_of(response):
    assert response.status_code == 400, (response.status_code, response.get_json())
    return response.get_json()["error"]


@pytest.mark.contract
def test_the_user_code_is_eight_of_rfc_8628s_twenty_consonants_typed_any_way(native_app, bob):
    started = start_device_flow(native_app)
    assert re.fullmatch(f"[{RFC_8628_ALPHABET}]{{4}}-[{RFC_8628_ALPHABET}]{{4}}", started["user_code"])
    typed = " " + started["user_code"].replace("-", "").lower() + " "  # no dash, lower case, spaces
    assert bob.post("/auth/device/approve", json={"user_code": typed}).status_code == 200


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
def test_an_unknown_client_and_an_unknown_scope_are_refused(native_app):
    assert error_of(native_app.post("/auth/device", data={"client_id": "evil-app"})) == "invalid_client"
    assert error_of(native_app.post("/auth/device", data={"client_id": CLIENT_ID,
                                                          "scope": "notes:read admin"})) == "invalid_scope"


def test_device_and_user_codes_are_stored_as_sha_256_only(app, native_app):
    started = start_device_flow(native_app)
    with app.app_context():
        record = db.session.scalar(db.select(DeviceAuthorization))
        stored = " ".join(str(value) for value in vars(record).values())
    assert started["device_code"] not in stored
    assert started["user_code"].replace("-", "") not in stored and started["user_code"] not in stored
    assert len(record.id) == len(record.user_code) == 64
