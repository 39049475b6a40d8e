"""The owner verifies the squatter: Dana follows a link that confirms Mallory's account, not hers.

Mallory registers "mallory" with Dana's address; the account can't log in until
the address is proven. Dana comes to sign up and is told her address is taken
(409). She asks for a new verification link, as the client offers, and follows
it. If the link alone proves the account, Dana has just verified *Mallory's*
account under her own address, and Mallory logs in. Step 06 asks for the
password of the account the link verifies as well: Dana doesn't know Mallory's,
so nothing is verified, and the mail tells her that 'forgot password' makes the
account hers.
"""
import lab

WEAK = "patch"          # step 06 with a link that verifies on its own (weak_link_alone.patch)
PATCH = "weak_link_alone.patch"
MAX_REQUESTS = 10
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy
OWN_SERVERS = True      # the same story as attack_address_squatting.py: its own fresh servers

VICTIMS_EMAIL = "dana@example.com"
SQUATTER = {"username": "mallory", "email": VICTIMS_EMAIL, "password": "violet harbour lantern 88"}
DANAS_PASSWORD = "mango tango seventeen!"


def attack(target):
    mallory, dana = target.client("mallory"), target.client("dana")
    if mallory.post("/auth/register", json=SQUATTER).status != 201:
        raise lab.Missing("registering mallory with Dana's address failed")
    taken = dana.post("/auth/register", json={"username": "dana", "email": VICTIMS_EMAIL, "password": DANAS_PASSWORD})
    resend = dana.post("/auth/resend-verification", json={"email": VICTIMS_EMAIL})
    newest = target.wait_for_mail(VICTIMS_EMAIL, count=2)  # the link for mallory, then the one Dana asked for
    token = target.link_token(newest, "verify-email")
    # Dana follows the link in her mailbox, typing the only password she knows: her own.
    followed = dana.post("/auth/verify-email", json={"token": token, "password": DANAS_PASSWORD})
    login = mallory.post("/auth/login", json={"username": "mallory", "password": SQUATTER["password"]})
    me = mallory.get("/auth/me")
    got_in = me.status == 200 and me.json["user"]["email"] == VICTIMS_EMAIL
    evidence = [f"Dana registers with her own address: {taken.status} {taken.json.get('error')!r}",
                f"Dana asks for a new link: {resend.status}; it names the account {account_named(newest)!r}",
                f"Dana follows it: {followed.status} "
                + ("(an account verified: Mallory's)" if followed.status == 200 else repr(followed.json.get("fields"))),
                f"Mallory logs in: {login.status}"
                + ("" if login.status == 200 else f" {login.json.get('error')!r}"),
                f"Mallory's GET /auth/me: {me.status}"
                + (f", an account whose email is {me.json['user']['email']}" if me.status == 200 else ", no session")]
    if not got_in and login.status != 403:
        raise lab.Missing(f"mallory's login answered {login.status}: no verdict")
    return lab.Outcome(got_through=got_in, evidence=evidence)


def account_named(mail):
    words = mail.body.split("the account ", 1)
    return words[1].split()[0].rstrip(".,") if len(words) == 2 else "?"
