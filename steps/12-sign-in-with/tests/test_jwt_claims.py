"""Each check of an access token by itself: these tokens are signed with our
own key (as if an issuer had a bug, or the key signed other JWTs too), so the
only thing wrong with each is what its test names. PyJWT alone would accept
a token without exp, and never looks at typ (RFC 8725, section 3.11). And
the clock: a token works until its exp, and not a second more."""
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import PASSWORD, device_sign_in
from test_access_tokens import OUR_KEY, es256, forged, header_and_claims, me, refused
from test_signing_keys import pem


@pytest.fixture
def bobs_token(native_app, bob):
    """Bob's access token, working, taken apart: its header and its claims."""
    token = device_sign_in(native_app, bob)["access_token"]
    assert me(native_app, token).status_code == 200
    return header_and_claims(token)


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub", "jti", "client_id", "scope"])
def test_a_token_missing_a_required_claim_is_refused(native_app, bobs_token, claim):
    header, claims = bobs_token
    del claims[claim]
    assert refused(me(native_app, forged(header, claims, es256(OUR_KEY))))


@pytest.mark.parametrize(("claim", "value"), [
    ("sub", "²"), ("sub", "1" * 40), ("exp", "9999999999"), ("exp", 9999999999.5), ("iat", True),
    ("scope", ["notes:read"]),
])
def test_a_token_with_a_claim_of_the_wrong_kind_is_refused(native_app, bobs_token, claim, value):
    header, claims = bobs_token
    assert refused(me(native_app, forged(header, {**claims, claim: value}, es256(OUR_KEY))))


def test_an_id_token_is_no_access_token(native_app, bobs_token):
    """An OpenID Connect ID token (step 12) is a JWT too, maybe signed by the same
    key: typ "JWT" and the app's client_id as audience. typ tells them apart."""
    header, claims = bobs_token
    for typ in ("JWT", None):
        id_header = {key: value for key, value in {**header, "typ": typ}.items() if value is not None}
        assert refused(me(native_app, forged(id_header, claims, es256(OUR_KEY))))


@pytest.mark.parametrize("extension", [{"crit": ["exp"], "exp": 1}, {"crit": ["b64"], "b64": True}])
def test_a_critical_extension_is_refused_even_one_pyjwt_knows(native_app, bobs_token, extension):
    """RFC 7515, section 4.1.11: a checker that doesn't understand a crit member
    must refuse the token. PyJWT understands "b64" (RFC 7797); we use no
    extension, so any crit is refused: the header says nothing we don't read."""
    header, claims = bobs_token
    token = forged({**header, **extension}, claims, es256(OUR_KEY))
    assert refused(me(native_app, token))


def test_a_token_signed_by_the_previous_key_works_until_it_expires(app, native_app, bob, stopped_time):
    """Changing keys: the new key signs, the old one only verifies, so tokens
    already out keep working their 5 minutes; then the old key can go."""
    old_key = ec.generate_private_key(ec.SECP256R1())
    app.config["ACCESS_TOKEN_PREVIOUS_KEY"] = pem(old_key)
    from authapp.access_tokens.keys import init_keys  # what create_app does with the settings
    init_keys(app)
    assert len(native_app.get("/.well-known/jwks.json").get_json()["keys"]) == 2
    header, claims = header_and_claims(device_sign_in(native_app, bob)["access_token"])
    old_kid = native_app.get("/.well-known/jwks.json").get_json()["keys"][1]["kid"]
    signed_by_the_old_key = forged({**header, "kid": old_kid}, claims, es256(old_key))
    assert me(native_app, signed_by_the_old_key).status_code == 200
    stopped_time.advance(minutes=5)
    assert refused(me(native_app, signed_by_the_old_key))


@pytest.mark.contract
def test_an_access_token_still_works_up_to_5_minutes_after_logging_out_everywhere(native_app, bob, stopped_time):
    """The honest price of a JWT: nobody asks the database about it, so it
    can't be called back. Bob changes his password (every session and every
    app's refresh token end at once); the access token works on until it
    expires, 5 minutes after it was issued, and not a second more."""
    tokens = device_sign_in(native_app, bob)
    changed = bob.post("/auth/change-password", json={"current_password": PASSWORD,
                                                      "new_password": "another long passphrase"})
    assert changed.status_code == 200
    assert native_app.post("/auth/token", data={"grant_type": "refresh_token", "client_id": "flask-auth-cli",
                                                "refresh_token": tokens["refresh_token"]}).status_code == 400
    stopped_time.advance(minutes=4, seconds=59)
    assert me(native_app, tokens["access_token"]).status_code == 200
    stopped_time.advance(seconds=1)
    assert refused(me(native_app, tokens["access_token"]))


@pytest.mark.contract
def test_an_expired_access_token_is_refused(native_app, bob, stopped_time):
    token = device_sign_in(native_app, bob)["access_token"]
    stopped_time.advance(minutes=5)
    assert refused(me(native_app, token))
