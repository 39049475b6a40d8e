"""The test OpenID provider (oidc-provider/) is a real one, configured as a careful
provider is: step 12's tests of "Sign in with" trust it, so it is checked here
first, with plain HTTP and nothing of the app."""
import base64
import hashlib
import json
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "oidc-provider"))
from provider_process import ProviderProcess  # noqa: E402  (a folder, not a package: found by path)

REDIRECT_URI = "http://127.0.0.1:5000/auth/oidc/callback"
CLIENT = {"client_id": "flask-auth", "client_secret": "test-secret-" + "x" * 20, "redirect_uris": [REDIRECT_URI]}
ALICE = {"sub": "alice-at-provider", "email": "alice@example.com", "email_verified": True}


def fixture_with(*accounts):
    return {"clients": [CLIENT], "accounts": list(accounts)}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = ProviderProcess.start(fixture_with(ALICE), tmp_path_factory.mktemp("provider"))
    yield running
    running.stop()


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_url(provider, **extra):
    params = {"response_type": "code", "client_id": CLIENT["client_id"], "redirect_uri": REDIRECT_URI,
              "scope": "openid email", "state": "the-state", "nonce": "the-nonce", **extra}
    return f"{provider.discovery()['authorization_endpoint']}?{urlencode(params)}"


def answer_params(url):
    assert url.startswith(REDIRECT_URI + "?"), url
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def jwt_claims(token):
    """The claims of a JWT, unverified: what the provider put in it (the app verifies)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_discovery_announces_pkce_s256_and_iss_in_the_response(provider):
    """The discovery document names the issuer the helper printed, offers only PKCE's
    S256, and promises `iss` in authorization responses (RFC 9207)."""
    metadata = provider.discovery()
    assert metadata["issuer"] == provider.issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True


def test_a_request_without_pkce_is_refused(provider):
    """A client that forgets PKCE gets an error, not a code, even a confidential one."""
    answer = answer_params(provider.sign_in(authorization_url(provider), ALICE["sub"]))
    assert answer["error"] == "invalid_request"
    assert "code" not in answer


def test_plain_pkce_is_refused(provider):
    """`plain` PKCE sends the verifier itself: anyone who sees the request can redeem the code."""
    url = authorization_url(provider, code_challenge="a" * 43, code_challenge_method="plain")
    answer = answer_params(provider.sign_in(url, ALICE["sub"]))
    assert answer["error"] == "invalid_request"


def test_code_flow_with_pkce_gives_the_fixtures_claims(provider):
    """The whole flow: sign in as the fixture's account, redeem the code with the verifier
    and the client's secret; the ID token and UserInfo say what the fixture says."""
    verifier, challenge = pkce_pair()
    url = authorization_url(provider, code_challenge=challenge, code_challenge_method="S256")
    answer = answer_params(provider.sign_in(url, ALICE["sub"]))
    assert answer["state"] == "the-state"
    assert answer["iss"] == provider.issuer
    metadata = provider.discovery()
    tokens = requests.post(metadata["token_endpoint"], auth=(CLIENT["client_id"], CLIENT["client_secret"]), data={
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier}, timeout=30).json()
    claims = jwt_claims(tokens["id_token"])
    assert (claims["iss"], claims["aud"], claims["sub"], claims["nonce"]) == (
        provider.issuer, CLIENT["client_id"], ALICE["sub"], "the-nonce")
    userinfo = requests.get(metadata["userinfo_endpoint"], timeout=30,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo == {"sub": ALICE["sub"], "email": ALICE["email"], "email_verified": True}


def test_a_code_is_redeemed_once(provider):
    """The same code a second time is refused (RFC 6749 section 4.1.2)."""
    verifier, challenge = pkce_pair()
    url = authorization_url(provider, code_challenge=challenge, code_challenge_method="S256")
    code = answer_params(provider.sign_in(url, ALICE["sub"]))["code"]
    redeem = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    token_endpoint = provider.discovery()["token_endpoint"]
    secret = (CLIENT["client_id"], CLIENT["client_secret"])
    assert requests.post(token_endpoint, auth=secret, data=redeem, timeout=30).status_code == 200
    again = requests.post(token_endpoint, auth=secret, data=redeem, timeout=30)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_a_changed_email_is_seen_at_the_next_sign_in(provider):
    """The fixture is read at each use: a test can change an account between two sign-ins."""
    provider.change_account(ALICE["sub"], email="alice@new.example")
    try:
        verifier, challenge = pkce_pair()
        url = authorization_url(provider, code_challenge=challenge, code_challenge_method="S256")
        code = answer_params(provider.sign_in(url, ALICE["sub"]))["code"]
        metadata = provider.discovery()
        tokens = requests.post(metadata["token_endpoint"], auth=(CLIENT["client_id"], CLIENT["client_secret"]), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier}, timeout=30).json()
        userinfo = requests.get(metadata["userinfo_endpoint"], timeout=30,
                                headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
        assert userinfo["email"] == "alice@new.example"
    finally:
        provider.change_account(ALICE["sub"], email=ALICE["email"])


def test_refusing_answers_access_denied(provider):
    """The login page's "Refuse" sends the app the error a real user's "no" sends."""
    _, challenge = pkce_pair()
    url = authorization_url(provider, code_challenge=challenge, code_challenge_method="S256")
    answer = answer_params(provider.refuse(url))
    assert (answer["error"], answer["state"], answer["iss"]) == ("access_denied", "the-state", provider.issuer)


def test_a_second_provider_has_its_own_issuer_and_keys(provider, tmp_path):
    """The mix-up tests need two providers: a second process has another issuer, names
    itself in its answers, and signs with another key."""
    second = ProviderProcess.start(fixture_with(ALICE), tmp_path)
    try:
        assert second.issuer != provider.issuer
        assert second.discovery()["issuer"] == second.issuer
        _, challenge = pkce_pair()
        answer = answer_params(second.sign_in(
            authorization_url(second, code_challenge=challenge, code_challenge_method="S256"), ALICE["sub"]))
        assert answer["iss"] == second.issuer
        first_key, second_key = (requests.get(p.discovery()["jwks_uri"], timeout=30).json()["keys"][0]["kid"]
                                 for p in (provider, second))
        assert first_key != second_key
    finally:
        second.stop()


def memo_inputs(item):
    """The provider's folder (its script, its lock; node_modules/ follows the lock)."""
    return ["oidc-provider"]
