"""Using API tokens read from a stolen copy of the database.

Alice has a token for her backup script. Mallory has a copy of the
database, and sends every value of the api_tokens table as a token.
"""
import lab

# The weak target: step 10 with weak_plaintext.patch, a naive twin that
# stores each token as it is and looks it up the same way.
WEAK = "patch"
PATCH = "weak_plaintext.patch"
MAX_REQUESTS = 20
MAX_SECONDS = 120      # a safety stop, not a timing: the login costs a real scrypt

ALICE_PASSWORD = "alice has a long passphrase nobody guesses"
SECRET = "the spare key is under the third flowerpot"


def attack(target):
    alice = target.client("alice")
    target.verified_user("alice", "alice@example.com", ALICE_PASSWORD)
    if alice.post("/auth/login", json={"username": "alice", "password": ALICE_PASSWORD}).status != 200:
        raise lab.Missing("alice's login failed")
    alice.post("/notes", json={"text": SECRET})
    made = alice.post("/auth/tokens", json={"name": "backup script", "scopes": ["notes:read"],
                                            "password": ALICE_PASSWORD})
    if made.status != 201:
        raise lab.Missing(f"POST /auth/tokens answered {made.status}: no API tokens yet")
    evidence = ["alice makes a token for her backup script; mallory never sees it"]
    with target.stolen_database() as copy:
        values = [value for row in copy.execute("SELECT * FROM api_tokens") for value in row
                  if isinstance(value, str) and len(value) >= 32]
    evidence.append(f"mallory reads the api_tokens table of a stolen copy: {len(values)} long value(s)")
    mallory = target.client("mallory")
    for value in values:
        answer = mallory.get("/notes", headers={"Authorization": f"Bearer {value}"})
        evidence.append(f"  mallory: GET /notes with Bearer <{shape(value)}> -> {answer.status}")
        if answer.status == 200 and SECRET in answer.text:
            evidence.append("mallory reads alice's notes: the database held the token itself")
            return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append("every value is refused: the table holds SHA-256 digests, and no digest is a token")
    return lab.Outcome(got_through=False, evidence=evidence)


def shape(value):
    """What the value looks like, never the value (the recording stays the same from run to run)."""
    if value.startswith("fat_"):
        return "a token: fat_ and 49 letters and digits"
    if all(character in "0123456789abcdef" for character in value):
        return f"{len(value)} hex digits"
    return f"{len(value)} characters"
