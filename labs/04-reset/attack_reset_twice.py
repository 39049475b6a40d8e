"""A reset link used twice: after Alice has used it, the attacker uses it again.

Alice forgets her password, gets a reset link by mail and uses it. The same
link also reaches the attacker: a forwarded mail, a shared screen, a proxy's
log, the browser history of a shared computer. An hour is a long time: the
attacker opens the link after Alice and chooses a password of their own.
"""
import lab

WEAK = "patch"  # step 04 with weak_reset_twice.patch: the token doesn't change when the password does
MAX_REQUESTS = 10
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

ALICE_OLD = "alice forgot this long passphrase"
ALICE_NEW = "alice chose a brand new passphrase"
ATTACKERS = "the attacker's own long passphrase"


def attack(target):
    target.verified_user("alice", "alice@example.com", ALICE_OLD)
    alice, attacker = target.client("alice"), target.client("attacker")
    asked = alice.post("/auth/forgot-password", json={"email": "alice@example.com"})
    if asked.status == 404:
        raise lab.Missing("POST /auth/forgot-password answered 404: no password reset yet")
    token = target.link_token(target.wait_for_mail("alice@example.com"), "reset-password")
    first = alice.post("/auth/reset-password", json={"token": token, "password": ALICE_NEW})
    if first.status != 200:
        raise lab.Missing(f"alice's own reset answered {first.status} {first.text.strip()}")
    evidence = ["alice asks for a reset link and uses it:",
                f"  alice:    POST /auth/reset-password -> {first.status} {first.text.strip()}"]
    second = attacker.post("/auth/reset-password", json={"token": token, "password": ATTACKERS})
    evidence.append(f"  attacker: POST /auth/reset-password (the same link) -> {second.status} {second.text.strip()}")
    login = attacker.post("/auth/login", json={"username": "alice", "password": ATTACKERS})
    evidence.append(f"  attacker: POST /auth/login as alice with their password -> {login.status}")
    if second.status == 200 and login.status == 200:
        evidence.append("the link worked twice: the attacker now owns alice's account")
        return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("the link died when it was used: the token carries a fingerprint of the old password hash")
    return lab.Outcome(got_through=False, evidence=evidence)
