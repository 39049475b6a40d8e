"""Taking over an account with an email address a provider vouches for.

Alice has an account here, with a password, and notes. Mallory has an account
at the OpenID provider the app trusts, and the provider says his address is
alice@example.com, verified: a provider that lets users set any address, a
mistake there, or an address Alice gave up. He clicks "Sign in with".
"""
import urllib.parse

import lab

# The weak target: step 12 with weak_email_match.patch, a naive twin that finds
# the account by the email the provider sends, as many tutorials do.
WEAK = "patch"
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt

ALICE_PASSWORD = "alice has a long passphrase nobody guesses"
SECRET = "the spare key is under the third flowerpot"
# Mallory at the provider (the run's test provider starts with these accounts).
PROVIDER_ACCOUNTS = [{"sub": "mallory-at-provider", "email": "alice@example.com", "email_verified": True}]


def attack(target):
    alice = logged_in(target, "alice", ALICE_PASSWORD)
    alice.post("/notes", json={"text": SECRET})
    mallory = target.client("mallory")
    started = mallory.get("/auth/oidc/start")
    if started.status != 302:
        raise lab.Missing(f"GET /auth/oidc/start answered {started.status}: no sign-in with a provider")
    evidence = ["mallory clicks 'Sign in with'; at the provider he is mallory-at-provider, "
                "whose address the provider says is alice@example.com, verified"]
    back = urllib.parse.urlsplit(target.provider.sign_in(started.headers["Location"], "mallory-at-provider"))
    answer = mallory.get(f"{back.path}?{back.query}")
    result = urllib.parse.urlsplit(answer.headers.get("Location", "")).query
    evidence.append(f"  the app's answer: {answer.status} to the front end with ?{result}")
    me = mallory.get("/auth/me")
    if me.status == 200:
        notes = mallory.get("/notes")
        evidence.append(f"  GET /auth/me -> 200 as {me.json['user']['username']}; GET /notes -> {notes.status}")
        if SECRET in notes.text:
            evidence.append("mallory is in alice's account and reads her notes: the app took the provider's "
                            "word about an address for who the person is")
            return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append(f"  GET /auth/me -> {me.status}")
    evidence.append("account_exists: an address already held never signs into that account; an identity "
                    "is (issuer, subject), and alice links hers herself, after proving it is her")
    return lab.Outcome(got_through=False, evidence=evidence)


def logged_in(target, name, password):
    target.verified_user(name, f"{name}@example.com", password)
    browser = target.client(name)
    answer = browser.post("/auth/login", json={"username": name, "password": password})
    if answer.status != 200:
        raise lab.Missing(f"{name}'s login answered {answer.status}")
    return browser
