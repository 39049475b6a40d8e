"""The signing keys: ES256 only, public halves at GET /.well-known/jwks.json,
an old key kept while keys change, and production refusing to start without
a key of its own."""
import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from authapp import create_app
from authapp.access_tokens.settings import DEVELOPMENT_KEY
from conftest import PRODUCTION


def pem(private_key):
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()


@pytest.mark.contract
def test_the_jwks_lists_public_keys_only(client):
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert set(keys[0]) == {"kty", "crv", "x", "y", "kid", "use", "alg"}  # no "d": the private part
    assert (keys[0]["kty"], keys[0]["crv"], keys[0]["alg"], keys[0]["use"]) == ("EC", "P-256", "ES256", "sig")


def test_a_kid_is_the_keys_rfc_7638_thumbprint(client):
    key = client.get("/.well-known/jwks.json").get_json()["keys"][0]
    canonical = json.dumps({name: key[name] for name in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    assert key["kid"] == base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def test_production_refuses_to_start_without_a_signing_key_of_its_own(monkeypatch):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    settings = {name: value for name, value in PRODUCTION.items() if name != "ACCESS_TOKEN_SIGNING_KEY"}
    with pytest.raises(RuntimeError, match="ACCESS_TOKEN_SIGNING_KEY"):
        create_app("production", **settings)
    with pytest.raises(RuntimeError, match="ACCESS_TOKEN_SIGNING_KEY"):
        create_app("production", **settings, ACCESS_TOKEN_SIGNING_KEY=DEVELOPMENT_KEY)


@pytest.mark.parametrize("key", [
    "not a key",
    pem(ec.generate_private_key(ec.SECP384R1())),  # ES384's curve: ES256 signs with P-256 only
    pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
])
def test_production_refuses_a_key_es256_cannot_sign_with(monkeypatch, key):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="ACCESS_TOKEN_SIGNING_KEY"):
        create_app("production", **{**PRODUCTION, "ACCESS_TOKEN_SIGNING_KEY": key})


def test_production_starts_with_its_own_key(production_app):
    assert production_app.extensions["signing_keys"].kid


def test_a_bad_previous_key_stops_the_app_at_start(monkeypatch):
    with pytest.raises(RuntimeError, match="ACCESS_TOKEN_PREVIOUS_KEY"):
        create_app("testing", ACCESS_TOKEN_PREVIOUS_KEY="-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")
