"""A reset link used at once: five requests with one link, released together.

One at a time, this weak version refuses a used link: the token carries a
fingerprint of the password hash, and using it changes the hash. But it
checks first and writes later. The attacker sends the link five times at the
same instant (held at a barrier, then let go), each with another password:
all five can pass the check before any of them writes.
"""
import lab

WEAK = "patch"  # step 04 with weak_reset_at_once.patch: check the token, then set the password
MAX_REQUESTS = 10
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

AT_ONCE = 5
# The runs differ in how many requests the weak target let through.
VARIES = [r"the link worked (\d+) times", r"released together: statuses (\[[^\]]*\])"]


def attack(target):
    target.verified_user("carol", "carol@example.com", "carol forgot this long passphrase")
    asked = target.client("carol").post("/auth/forgot-password", json={"email": "carol@example.com"})
    if asked.status == 404:
        raise lab.Missing("POST /auth/forgot-password answered 404: no password reset yet")
    token = target.link_token(target.wait_for_mail("carol@example.com"), "reset-password")
    clients = [target.client(f"attacker {number}") for number in range(AT_ONCE)]
    answers = lab.at_once(*[reset(client, token, number) for number, client in enumerate(clients)])
    statuses = [getattr(answer, "status", repr(answer)) for answer in answers]
    evidence = [f"{AT_ONCE} requests with one reset link, released together: statuses {sorted(statuses, key=str)}"]
    again = target.client("later").post("/auth/reset-password", json={"token": token, "password": password(9)})
    evidence.append(f"the same link once more, afterwards: {again.status} (one at a time, it is refused)")
    accepted = statuses.count(200)
    if accepted > 1:
        evidence.append(f"the link worked {accepted} times: each request passed the check before any wrote")
        return lab.Outcome(got_through=True, evidence=evidence)
    evidence.append(f"the link worked once; the other {AT_ONCE - accepted} got 400: the database decided "
                    "(one conditional UPDATE)")
    return lab.Outcome(got_through=False, evidence=evidence)


def reset(client, token, number):
    return lambda: client.post("/auth/reset-password", json={"token": token, "password": password(number)})


def password(number):
    return f"the attacker's passphrase number {number}"
