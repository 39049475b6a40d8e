"""Which usernames exist? Ask the login form, and read its error.

The attacker has a short list of likely usernames and no password. For each
name it tries a login with a wrong password and keeps the answer. If "no such
user" and "wrong password" read differently, the answers split the list into
the accounts that exist and the ones that don't: the first half of any
password-guessing attack, done for free.
"""
from collections import defaultdict

import lab

WEAK = "patch"  # step 02 with weak_enumeration.patch: two error messages
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

# Shipped with the lab, and tiny: names that exist on many sites.
USERNAMES = ["admin", "alice", "bob", "carol", "dave", "mallory", "root", "support", "test", "webmaster"]
# The victims, registered before the attack starts (the attacker doesn't know them).
VICTIMS = {"alice": "alice@example.com", "carol": "carol@example.com"}


def attack(target):
    for name, email in VICTIMS.items():
        target.verified_user(name, email, f"{name} has a long passphrase nobody guesses")
    attacker = target.client("attacker")
    names_by_answer = defaultdict(list)
    for name in USERNAMES:
        answer = attacker.post("/auth/login", json={"username": name, "password": "a wrong guess, on purpose"})
        if answer.status == 404:
            raise lab.Missing("POST /auth/login answered 404: this copy has no login yet")
        names_by_answer[f"{answer.status} {answer.text.strip()}"].append(name)
    return verdict(names_by_answer)


def verdict(names_by_answer):
    """Through if the answers tell some names from the others."""
    evidence = [f"tried {len(USERNAMES)} usernames, each with a wrong password:"]
    for answer, names in sorted(names_by_answer.items(), key=lambda item: len(item[1])):
        evidence.append(f"  {answer}  <- {len(names)}: {', '.join(names)}")
    if len(names_by_answer) > 1:
        fewest = min(names_by_answer.values(), key=len)
        evidence.append(f"the answers differ: {', '.join(fewest)} stand out as the accounts to guess passwords for")
        return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("every name got the same answer: the attacker learned nothing about who has an account")
    return lab.Outcome(got_through=False, evidence=evidence)
