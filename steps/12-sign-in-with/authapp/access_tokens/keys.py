"""The keys: one signs, every one listed verifies. Each has a key id (kid):
its RFC 7638 thumbprint, so a kid can't disagree with its key. A token's kid
is looked up in a dict, never used as a file name or in a query."""
import base64
import hashlib
import json

from flask import current_app

from .settings import private_key, public_key


class SigningKeys:
    """Made once per app, at start-up (init_keys): a bad key stops the app there."""

    def __init__(self, signing_pem, previous_pem=None):
        self.signing_key = private_key(signing_pem or "")
        if self.signing_key is None:
            raise RuntimeError("ACCESS_TOKEN_SIGNING_KEY must be an EC P-256 private key in PEM")
        self.kid = thumbprint(self.signing_key.public_key())
        self.verify_keys = {self.kid: self.signing_key.public_key()}
        if previous_pem:  # rotation: the old key only verifies, until the last token it signed has expired
            previous = public_key(previous_pem)
            if previous is None:
                raise RuntimeError("ACCESS_TOKEN_PREVIOUS_KEY must be an EC P-256 key in PEM")
            self.verify_keys.setdefault(thumbprint(previous), previous)

    def jwks(self):
        """The public keys as a JWK Set (RFC 7517): never the private part."""
        return {"keys": [{**public_jwk(key), "kid": kid, "use": "sig", "alg": "ES256"}
                         for kid, key in self.verify_keys.items()]}


def init_keys(app):
    app.extensions["signing_keys"] = SigningKeys(app.config["ACCESS_TOKEN_SIGNING_KEY"],
                                                 app.config.get("ACCESS_TOKEN_PREVIOUS_KEY"))


def signing_keys():
    return current_app.extensions["signing_keys"]


def public_jwk(key):
    """An EC public key as a JWK: its curve and its point (x, y), nothing else."""
    numbers = key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big"))}


def thumbprint(key):
    """RFC 7638: the SHA-256 of the JWK's required members, sorted, without spaces."""
    canonical = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
