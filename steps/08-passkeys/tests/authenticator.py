"""A passkey authenticator in software, for the tests: what a phone or a
password manager does, and what the browser adds, in a few dozen lines.

It makes EC P-256 key pairs (cryptography), writes its data in CBOR (cbor2)
as the WebAuthn spec lays it out, and answers the server's options in the
JSON form that the browser's credential.toJSON() gives. So the tests run the
real py_webauthn checks on real signatures, without a browser. Keyword
arguments let a test play an attacker: another origin, another RP ID, no
user verification, another key, flags or counts of its choosing.
"""
import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://localhost:3000"  # the steps' WEBAUTHN_ORIGIN and RP ID by default
RP_ID = "localhost"
# Authenticator data flags (WebAuthn, section 6.1): user present, user
# verified, backup eligible, backed up, attested credential data included.
UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
AAGUID = bytes(16)  # "no particular model", as with attestation "none"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


class SoftwareAuthenticator:
    """counting=True: every signature counts up, as security keys do; False:
    the count stays 0, as synced passkeys do. backup_eligible and backed_up:
    the BE and BS flags it reports."""

    def __init__(self, counting=True, backup_eligible=False, backed_up=False):
        self.counting, self.backup_eligible, self.backed_up = counting, backup_eligible, backed_up
        self.credentials = []

    def flags(self, user_verified):
        return (UP | (UV if user_verified else 0) | (BE if self.backup_eligible else 0)
                | (BS if self.backed_up else 0))

    def create(self, options, origin=ORIGIN, rp_id=None, user_verified=True, credential_id=None, flags=None,
               fmt="none", statement=None):
        """navigator.credentials.create(): a new key pair for the options'
        RP and user; the answer as JSON (attestation "none", unless `fmt`)."""
        rp_id = rp_id or options["rp"]["id"]
        credential = Credential(credential_id or secrets.token_bytes(16), ec.generate_private_key(ec.SECP256R1()),
                                rp_id, unb64url(options["user"]["id"]))
        numbers = credential.key.public_key().public_numbers()
        # The public key as a COSE_Key (RFC 9052): EC2, ES256, P-256, x, y.
        cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                -3: numbers.y.to_bytes(32, "big")})
        attested = AAGUID + struct.pack(">H", len(credential.id)) + credential.id + cose_key
        auth_data = self.auth_data(rp_id, AT | (self.flags(user_verified) if flags is None else flags),
                                   credential.sign_count) + attested
        client_data = client_data_json("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement or {}, "authData": auth_data})
        self.credentials.append(credential)
        return {"id": b64url(credential.id), "rawId": b64url(credential.id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options, credential=None, origin=ORIGIN, rp_id=None, user_verified=True, flags=None,
            sign_count=None, key=None, user_handle=None):
        """navigator.credentials.get(): a signature over the options'
        challenge, by the last credential made (or `credential`)."""
        credential = credential or self.credentials[-1]
        if self.counting:
            credential.sign_count += 1
        auth_data = self.auth_data(rp_id or options["rpId"], self.flags(user_verified) if flags is None else flags,
                                   credential.sign_count if sign_count is None else sign_count)
        client_data = client_data_json("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = (key or credential.key).sign(signed, ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(credential.id), "rawId": b64url(credential.id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature),
                             "userHandle": b64url(user_handle or credential.user_handle)}}

    @staticmethod
    def auth_data(rp_id, flags, sign_count):
        """SHA-256 of the RP ID, the flags, the count (WebAuthn, section 6.1)."""
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)


def client_data_json(kind, challenge, origin):
    """What the browser writes and the authenticator signs a hash of: which
    ceremony, the server's challenge, and the page's origin."""
    return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()


# What the browser client does (client/passkeys.js), as test-client requests.
PASSWORD = "correct horse battery staple"


def add_passkey(browser, authenticator, password=PASSWORD, name="laptop", **answer):
    """Ask for options, let the authenticator make a passkey, send its answer.
    The answer to that (201 with the passkey, or a refusal)."""
    options = browser.post("/auth/passkeys/register/options", json={"password": password, "name": name})
    assert options.status_code == 200, options.get_json()
    return browser.post("/auth/passkeys/register/verify", json=authenticator.create(options.get_json(), **answer))


def sign_in(browser, authenticator, **answer):
    """Ask for login options, let the authenticator sign, send its answer."""
    options = browser.post("/auth/passkeys/login/options")
    assert options.status_code == 200, options.get_json()
    return browser.post("/auth/passkeys/login/verify", json=authenticator.get(options.get_json(), **answer))
