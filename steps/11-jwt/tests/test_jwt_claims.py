"""Each check of an access token by itself: these tokens are signed with our
own key (as if an issuer had a bug, or the key signed other JWTs too), so the
only thing wrong with each is what its test names. PyJWT alone would accept
a token without exp, and never looks at typ (RFC 8725, section 3.11)."""
import pytest

from authapp.access_tokens.settings import DEVELOPMENT_KEY, private_key
from conftest import device_sign_in
from test_access_tokens import es256, forged, header_and_claims, me, refused

OUR_KEY = private_key(DEVELOPMENT_KEY)  # TestingConfig signs with the development key


@pytest.fixture
def bobs_token(native_app, bob):
    return header_and_claims(device_sign_in(native_app, bob)["access_token"])


def test_a_token_signed_as_we_sign_is_accepted(native_app, bobs_token):
    """The forging helpers work: re-signed unchanged, Bob's token is a good one."""
    header, claims = bobs_token
    assert me(native_app, forged(header, claims, es256(OUR_KEY))).status_code == 200


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub", "jti", "client_id", "scope"])
def test_a_token_missing_a_required_claim_is_refused(native_app, bobs_token, claim):
    header, claims = bobs_token
    del claims[claim]
    assert refused(me(native_app, forged(header, claims, es256(OUR_KEY))))


@pytest.mark.parametrize(("claim", "value"), [
    ("aud", "https://another-service.example"), ("iss", "https://evil.example"),
    ("sub", "²"), ("sub", "1" * 40), ("exp", "9999999999"), ("exp", 9999999999.5), ("iat", True),
    ("scope", ["notes:read"]),
])
def test_a_token_for_another_audience_or_issuer_or_with_odd_claims_is_refused(native_app, bobs_token, claim, value):
    header, claims = bobs_token
    assert refused(me(native_app, forged(header, {**claims, claim: value}, es256(OUR_KEY))))


def test_an_id_token_is_no_access_token(native_app, bobs_token):
    """An OpenID Connect ID token (step 12) is a JWT too, maybe signed by the same
    key: typ "JWT" and the app's client_id as audience. typ tells them apart."""
    header, claims = bobs_token
    for typ in ("JWT", None):
        id_header = {key: value for key, value in {**header, "typ": typ}.items() if value is not None}
        assert refused(me(native_app, forged(id_header, claims, es256(OUR_KEY))))


def test_a_critical_extension_we_dont_know_is_refused(native_app, bobs_token):
    """RFC 7515, section 4.1.11: a checker that doesn't understand a crit member must refuse the token."""
    header, claims = bobs_token
    token = forged({**header, "crit": ["exp"], "exp": 1}, claims, es256(OUR_KEY))
    assert refused(me(native_app, token))


def test_a_token_issued_in_the_future_is_refused(native_app, bobs_token):
    header, claims = bobs_token
    token = forged(header, {**claims, "iat": claims["iat"] + 60}, es256(OUR_KEY))
    assert refused(me(native_app, token))


def test_an_integer_sub_is_refused_even_by_pyjwt(native_app, bobs_token):
    """RFC 7519: sub is a string. A checker that compares ids loosely would read 1 and "1" alike."""
    header, claims = bobs_token
    assert refused(me(native_app, forged(header, {**claims, "sub": int(claims["sub"])}, es256(OUR_KEY))))
