"""Squatting an address: Mallory registers with Dana's email before Dana does, and uses the account at once.

Dana hasn't signed up yet. Mallory registers "mallory" with Dana's address
and a password of her own, and logs in. If the app never asks the mailbox,
Mallory now holds an account under Dana's address: whatever the site sends
or shows to that address's owner is hers, and Dana, when she comes, is told
her address is taken. An app that asks the mailbox first lets nobody in
until the link mailed to Dana is followed, and only Dana can read it.
"""
import lab

WEAK = "previous"       # step 05: an account works as soon as it is registered
MAX_REQUESTS = 8
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

VICTIMS_EMAIL = "dana@example.com"
SQUATTER = {"username": "mallory", "email": VICTIMS_EMAIL, "password": "violet harbour lantern 88"}


def attack(target):
    mallory = target.client("mallory")
    registered = mallory.post("/auth/register", json=SQUATTER)
    if registered.status != 201:
        raise lab.Missing(f"registering mallory with Dana's address answered {registered.status}")
    login = mallory.post("/auth/login", json={"username": "mallory", "password": SQUATTER["password"]})
    me = mallory.get("/auth/me")
    dana = target.client("dana").post("/auth/register", json={
        "username": "dana", "email": VICTIMS_EMAIL, "password": "mango tango seventeen!"})
    evidence = [f"mallory registered with {VICTIMS_EMAIL}: {registered.status}, without ever reading that mailbox",
                f"mallory logs in at once: {login.status} " + describe(login),
                f"mallory's GET /auth/me: {me.status}"
                + (f", an account whose email is {me.json['user']['email']}" if me.status == 200 else ", no session"),
                f"later, Dana registers with her own address: {dana.status} {dana.json.get('error')!r}"]
    if login.status == 403:
        mail = target.wait_for_mail(VICTIMS_EMAIL)
        evidence.append(f"the only way in, the link {mail.subject!r}, went to {mail.to}: Dana's mailbox")
    got_in = me.status == 200 and me.json["user"]["email"] == VICTIMS_EMAIL
    if not got_in and (login.status, me.status) != (403, 401):
        raise lab.Missing(f"mallory's login answered {login.status} and /auth/me {me.status}: no verdict")
    return lab.Outcome(got_through=got_in, evidence=evidence)


def describe(response):
    return repr(response.json.get("error")) if response.status >= 400 else "(a session)"
