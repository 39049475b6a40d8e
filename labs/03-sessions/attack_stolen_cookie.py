"""A copied session cookie: does it still work after its owner logs out?

Alice logs in; her browser gets a session cookie. Somebody copies it (a shared
computer, a leaked log, malware). Alice sees something odd and logs out,
expecting that to end it. The thief then sends the copy.
"""
import base64
import json

import lab

# The weak target: step 03 with weak_signed_cookie.patch, the naive session of
# Flask's own: the user's id in a signed cookie, nothing kept on the server.
WEAK = "patch"
PATCH = "weak_signed_cookie.patch"
MAX_REQUESTS = 10
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

PASSWORD = "alice has a long passphrase nobody guesses"


def attack(target):
    target.verified_user("alice", "alice@example.com", PASSWORD)
    alice, thief = target.client("alice"), target.client("thief")
    logged_in = alice.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    cookie = alice.cookies().get("session")
    if logged_in.status != 200 or not cookie:
        raise lab.Missing(f"logging in answered {logged_in.status} and set no session cookie: no sessions yet")
    thief.set_cookie("session", cookie)
    evidence = [f"alice logs in; her cookie holds {readable(cookie)}", "the thief copies it into another browser"]
    before = thief.get("/auth/me")
    if before.status != 200:
        raise lab.Missing(f"GET /auth/me with alice's own cookie answered {before.status}: no /auth/me yet")
    evidence.append(f"  thief: GET /auth/me -> {before.status} {before.text.strip()}  (while alice is logged in)")
    return after_logout(alice, thief, evidence)


def after_logout(alice, thief, evidence):
    logout = alice.post("/auth/logout")
    if logout.status == 404:
        raise lab.Missing("POST /auth/logout answered 404: no logout yet")
    mine = alice.get("/auth/me")
    evidence.append(f"alice logs out: POST /auth/logout -> {logout.status}; her own browser now gets {mine.status}")
    after = thief.get("/auth/me")
    evidence.append(f"  thief: GET /auth/me -> {after.status} {after.text.strip()}  (after the logout)")
    if after.status == 200:
        evidence.append("the copy still works: logging out only emptied alice's own cookie jar")
        return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("the copy is worthless: logout ended the session on the server, not just in the browser")
    return lab.Outcome(got_through=False, evidence=evidence)


def readable(cookie):
    """What anyone can read in a Flask session cookie: it is signed, not
    encrypted (the payload is base64 JSON before the first dot)."""
    payload = cookie.lstrip(".").split(".")[0]
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return "something unreadable"
    shown = {key: (value if key == "user_id" else f"<{len(str(value))} random characters>")
             for key, value in data.items()}
    return json.dumps(shown)
