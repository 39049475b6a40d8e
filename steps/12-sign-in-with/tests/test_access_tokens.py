"""JWT access tokens (RFC 9068) as bearer tokens, from the attacker's side.
Every forged or bent token gets the same 401 as a token we never issued.
Most forgeries here use what an attacker has: a token of her own, our public
key (GET /.well-known/jwks.json), and keys she makes; a few sign with our own
key (as if an issuer had a bug), so that only what the test names is wrong."""
import base64
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from authapp.access_tokens.settings import DEVELOPMENT_KEY, private_key
from conftest import b64url, bearer, device_sign_in, start_device_flow, unb64url

OUR_KEY = private_key(DEVELOPMENT_KEY)  # TestingConfig signs with the development key


def header_and_claims(token):
    header, claims, _ = token.split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(claims))


def segment(part):
    return b64url(json.dumps(part, separators=(",", ":")).encode())


def forged(header, claims, sign=lambda signing_input: b""):
    """A JWS in compact form (RFC 7515, section 7.1), signed by `sign`."""
    signing_input = f"{segment(header)}.{segment(claims)}"
    return f"{signing_input}.{b64url(sign(signing_input.encode()))}"


def hs256(secret):
    return lambda signing_input: hmac.new(secret, signing_input, hashlib.sha256).digest()


def es256(private_key):
    """ES256 as JWS writes it: r and s, 32 bytes each (RFC 7518, section 3.4), not DER."""
    def sign(signing_input):
        r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return sign


def public_jwk_of(native_app):
    keys = native_app.get("/.well-known/jwks.json").get_json()["keys"]
    return keys[0]


def pem_of(jwk):
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(unb64url(jwk["x"]), "big"),
                                            int.from_bytes(unb64url(jwk["y"]), "big"), ec.SECP256R1())
    return numbers.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)


def me(native_app, token):
    return native_app.get("/auth/me", headers=bearer(token))


def refused(response):
    return response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.fixture
def bobs_tokens(native_app, bob):
    """Bob's command-line app, signed in with the device flow: its token answer.
    His own access token works, so a 401 in a test is the forgery's doing."""
    tokens = device_sign_in(native_app, bob)
    assert me(native_app, tokens["access_token"]).status_code == 200
    return tokens


@pytest.fixture
def bobs_token(bobs_tokens):
    """Bob's access token (a working one), taken apart: its header and its claims."""
    return header_and_claims(bobs_tokens["access_token"])


@pytest.fixture
def admin_claims(bobs_tokens, native_app, admin):
    """What an attacker (Bob) wants: his own token's claims, with the admin's id as sub."""
    header, claims = header_and_claims(bobs_tokens["access_token"])
    admins_id = admin.get("/auth/me").get_json()["user"]["id"]
    return header, {**claims, "sub": str(admins_id)}


@pytest.mark.contract
def test_an_access_token_does_what_its_scopes_and_its_owner_allow(native_app, bob):
    tokens = device_sign_in(native_app, bob, scope="account:read notes:read")
    assert me(native_app, tokens["access_token"]).get_json()["user"]["username"] == "bob"
    assert native_app.get("/notes", headers=bearer(tokens["access_token"])).status_code == 200
    writing = native_app.post("/notes", json={"text": "hi"}, headers=bearer(tokens["access_token"]))
    assert writing.status_code == 403 and 'error="insufficient_scope"' in writing.headers["WWW-Authenticate"]


@pytest.mark.contract
def test_a_disabled_accounts_access_token_stops_at_once(native_app, bob, admin):
    """We read the owner at every use anyway (for the permissions): a disabled account's token needn't wait."""
    tokens = device_sign_in(native_app, bob)
    assert me(native_app, tokens["access_token"]).status_code == 200
    bobs_id = bob.get("/auth/me").get_json()["user"]["id"]
    assert admin.post(f"/admin/users/{bobs_id}/disable").status_code == 200
    assert refused(me(native_app, tokens["access_token"]))


@pytest.mark.contract
def test_a_token_with_alg_none_is_refused(native_app, admin_claims):
    header, claims = admin_claims
    for alg in ("none", "None", "NONE"):
        assert refused(me(native_app, forged({**header, "alg": alg}, claims)))


@pytest.mark.contract
def test_hs256_signed_with_our_public_key_is_refused(native_app, admin_claims):
    """Algorithm confusion: a checker that lets the token choose HS256 would
    use our public key, which everybody has, as the HMAC secret."""
    header, claims = admin_claims
    jwk = public_jwk_of(native_app)
    for secret in (pem_of(jwk), json.dumps(jwk).encode(), pem_of(jwk).strip()):
        assert refused(me(native_app, forged({**header, "alg": "HS256"}, claims, hs256(secret))))


@pytest.mark.contract
@pytest.mark.parametrize(("kid", "secret"), [
    ("../../../../../../dev/null", b""),  # a checker that reads the key from a file would read nothing
    ("' UNION SELECT 'attacker-secret' -- ", b"attacker-secret"),  # ... or from a query, the attacker's value
    ("/proc/self/environ", b""),
])
def test_a_kid_that_is_a_path_or_sql_is_refused(native_app, admin_claims, kid, secret):
    header, claims = admin_claims
    assert refused(me(native_app, forged({**header, "alg": "HS256", "kid": kid}, claims, hs256(secret))))


@pytest.mark.contract
@pytest.mark.parametrize("member", ["jwk", "jku", "x5u"])
def test_a_token_that_brings_or_points_to_its_own_key_is_refused(native_app, admin_claims, member):
    """The attacker signs with her own key and names it in the header: the
    key itself (jwk), or a URL to fetch it from (jku, x5u). We never look."""
    header, claims = admin_claims
    attackers_key = ec.generate_private_key(ec.SECP256R1())
    numbers = attackers_key.public_key().public_numbers()
    attackers_jwk = {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
                     "y": b64url(numbers.y.to_bytes(32, "big"))}
    value = attackers_jwk if member == "jwk" else "http://127.0.0.1:9/attacker.json"
    kid = hashlib.sha256(json.dumps(attackers_jwk, sort_keys=True, separators=(",", ":")).encode()).digest()
    for chosen_kid in (header["kid"], base64.urlsafe_b64encode(kid).rstrip(b"=").decode()):
        token = forged({**header, "kid": chosen_kid, member: value}, claims, es256(attackers_key))
        assert refused(me(native_app, token))


@pytest.mark.contract
def test_a_tampered_payload_is_refused(native_app, bobs_tokens, admin_claims):
    """Bob's real signature over Bob's claims, with the admin's id put in."""
    header, claims = admin_claims
    signature = bobs_tokens["access_token"].split(".")[2]
    tampered = f"{segment(header)}.{segment(claims)}.{signature}"
    assert refused(me(native_app, tampered))
    assert me(native_app, bobs_tokens["access_token"]).status_code == 200  # the untouched one works


@pytest.mark.contract
def test_a_refresh_token_is_no_access_token(native_app, bobs_tokens):
    assert refused(me(native_app, bobs_tokens["refresh_token"]))


@pytest.mark.contract
@pytest.mark.parametrize("token", ["eyJ", "eyJ.eyJ.", "eyJhbGciOiJFUzI1NiJ9.e30.", "eyJ.eyJ.e30", "a.b.c",
                                   "eyJ" + "A" * 4000 + ".e30.e30"])
def test_malformed_jwts_are_a_401_never_a_500(native_app, bobs_tokens, token):
    assert me(native_app, bobs_tokens["access_token"]).status_code == 200  # a well-formed one works
    assert refused(me(native_app, token))


def test_a_key_that_is_neither_ours_nor_the_previous_one_is_refused(native_app, bob):
    header, claims = header_and_claims(device_sign_in(native_app, bob)["access_token"])
    stranger = ec.generate_private_key(ec.SECP256R1())
    assert refused(me(native_app, forged(header, claims, es256(stranger))))
    assert me(native_app, device_sign_in(native_app, bob)["access_token"]).status_code == 200


def test_a_token_signed_as_we_sign_is_accepted(native_app, bobs_token):
    """The forging helpers work: re-signed unchanged, Bob's token is a good one."""
    header, claims = bobs_token
    assert me(native_app, forged(header, claims, es256(OUR_KEY))).status_code == 200


def test_an_integer_sub_is_refused_even_by_pyjwt(native_app, bobs_token):
    """RFC 7519: sub is a string. A checker that compares ids loosely would read 1 and "1" alike."""
    header, claims = bobs_token
    assert refused(me(native_app, forged(header, {**claims, "sub": int(claims["sub"])}, es256(OUR_KEY))))


@pytest.mark.contract
def test_approving_needs_a_logged_in_browser_not_a_token(native_app, bob):
    """Session only: an app that holds a token can't approve more tokens for itself."""
    tokens = device_sign_in(native_app, bob)
    assert me(native_app, tokens["access_token"]).status_code == 200  # the token works, where it may
    started = start_device_flow(native_app)
    assert native_app.post("/auth/device/approve", json={"user_code": started["user_code"]}).status_code == 401
    with_a_token = native_app.post("/auth/device/approve", json={"user_code": started["user_code"]},
                                   headers=bearer(tokens["access_token"]))
    assert with_a_token.status_code == 401


@pytest.mark.parametrize(("claim", "value"), [("aud", "https://another-service.example"),
                                              ("iss", "https://evil.example")])
def test_a_token_for_another_audience_or_from_another_issuer_is_refused(native_app, bobs_token, claim, value):
    """Signed with our own key, so only the audience or the issuer is wrong."""
    header, claims = bobs_token
    assert refused(me(native_app, forged(header, {**claims, claim: value}, es256(OUR_KEY))))


def test_a_token_issued_in_the_future_is_refused(native_app, bobs_token):
    header, claims = bobs_token
    token = forged(header, {**claims, "iat": claims["iat"] + 60}, es256(OUR_KEY))
    assert refused(me(native_app, token))
