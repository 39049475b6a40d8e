"""A million codes can't be tried: whoever has the password gets a handful of
guesses at the second factor, and can't lock the owner out with them."""
import pytest

from authapp.extensions import db
from authapp.models import User
from authapp.two_factor import views
from conftest import PASSWORD, all_at_once, held_at_a_barrier

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
WRONG = "000000"  # the stopped clock makes sure it is not alice's code (see the fixture)


def log_in(browser, address="203.0.113.7"):
    response = browser.post("/auth/login", json={"username": "alice", "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200
    return browser


def guess(browser, digits=WRONG, address="203.0.113.7"):
    return browser.post("/auth/login/2fa", json={"code": digits}, environ_base={"REMOTE_ADDR": address}).status_code


@pytest.fixture
def secret(client, clock):
    """Alice has two-factor on (her browser, `client`, is known) and has logged out."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    secret = client.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    client.post("/auth/2fa/confirm", json={"code": clock.code(secret)})
    client.post("/auth/logout")
    while WRONG in {clock.code(secret, steps) for steps in range(-1, 4)}:
        clock.tick(5)  # one chance in a hundred thousand: then take other steps
    return secret


def test_each_password_entry_gets_five_guesses(app, secret, clock):
    attacker = log_in(app.test_client())
    assert [guess(attacker) for _ in range(5)] == [401] * 5
    response = attacker.post("/auth/login/2fa", json={"code": clock.code(secret, 1)})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many codes for this login: try again later"}
    log_in(attacker)  # typing the password again gives a new pending login, and five more
    assert guess(attacker, clock.code(secret, 1)) == 200


def test_an_attacker_with_the_password_gets_ten_guesses_an_hour(app, secret, clock):
    # New password entries, new browsers, new addresses: the account's count goes on.
    statuses = []
    for number in range(3):
        address = f"198.51.100.{number}"
        attacker = log_in(app.test_client(), address)
        statuses += [guess(attacker, address=address) for _ in range(4)]
    assert statuses == [401] * 10 + [429] * 2
    late = log_in(app.test_client(), "192.0.2.99")
    assert guess(late, clock.code(secret, 1), "192.0.2.99") == 429  # even the right code waits


def test_simultaneous_guesses_cannot_outrun_the_limit(app, secret, monkeypatch):
    # Eight guesses at one pending login at the same instant. Inside the view,
    # each waits until five are there: counted on arrival, the other three never
    # get in; counted any later, all eight would.
    cookie = log_in(app.test_client()).get_cookie("session").value
    held_at_a_barrier(monkeypatch, views, "proves_second_factor", 5)

    def from_a_copy_of_the_browser():
        copy = app.test_client()
        copy.set_cookie("session", cookie)
        return copy.post("/auth/login/2fa", json={"code": WRONG})

    statuses = all_at_once(*[from_a_copy_of_the_browser] * 8)
    assert sorted(statuses) == [401] * 5 + [429] * 3


def test_the_owners_known_browser_gets_in_while_the_account_is_locked(app, client, secret, clock):
    # The attack on the owner: use the stolen password to burn the account's
    # guesses. Her own browser has an allowance of its own, as for passwords.
    for number in range(3):
        attacker = log_in(app.test_client(), f"198.51.100.{number}")
        for _ in range(4):
            guess(attacker, address=f"198.51.100.{number}")
    stranger = log_in(app.test_client(), "198.51.100.9")
    assert guess(stranger, clock.code(secret, 1), "198.51.100.9") == 429  # the account's guesses are gone...
    log_in(client)
    assert guess(client, clock.code(secret, 1)) == 200  # ...not her browser's


def test_a_known_browser_has_ten_guesses_an_hour_of_its_own(app, client, secret, clock):
    # Whoever holds the owner's browser doesn't get unlimited guesses either.
    statuses = []
    for _ in range(3):
        log_in(client)
        statuses += [guess(client) for _ in range(4)]
    assert statuses == [401] * 10 + [429] * 2
    stranger = log_in(app.test_client(), "192.0.2.99")  # ...and that locks only her browser
    assert guess(stranger, clock.code(secret, 1), "192.0.2.99") == 200


def test_a_password_reset_makes_no_browser_known_for_the_codes(app, secret, inbox):
    # The mailbox is no second factor: whoever has it could otherwise reset the
    # password again and again and get a new allowance of codes each time.
    attacker = app.test_client()
    attacker.post("/auth/forgot-password", json={"email": "alice@example.com"})
    token = inbox.messages[-1].get_content().split("reset-password?token=")[1].split()[0]
    attacker.post("/auth/reset-password", json={"token": token, "password": "a brand new passphrase"})
    for number in range(3):
        assert attacker.post("/auth/login", json={"username": "alice", "password": "a brand new passphrase"},
                             environ_base={"REMOTE_ADDR": f"198.51.100.{number}"}).status_code == 200
        statuses = [guess(attacker, address=f"198.51.100.{number}") for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    response = attacker.post("/auth/login/2fa", json={"code": WRONG})
    assert response.get_json() == {"error": "too many codes for this account: try again later"}


@pytest.mark.contract
def test_setup_confirm_and_disable_share_ten_tries_an_hour(client):
    # Each checks the password or a code: a stolen session gets few guesses at either.
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    wrong = {"password": "not my password at all", "code": "123456"}
    statuses = [client.post(path, json=wrong).status_code
                for path in ["/auth/2fa/setup", "/auth/2fa/confirm", "/auth/2fa/disable"] * 4]
    assert statuses == [403, 400, 403] * 3 + [403] + [429] * 2
    response = client.post("/auth/2fa/setup", json={"password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many two-factor changes: try again later"}


def test_browsers_known_before_two_factor_was_on_share_the_accounts_ten_guesses(app, clock):
    """The issue's attack: with the password, a thief makes eight browsers known
    while two-factor is off, each logging in with the last one's cookie. Then
    the owner turns two-factor on. Each cookie used to bring ten guesses of its
    own; now they are unknown browsers, and share the account's ten."""
    owner = app.test_client()
    owner.post("/auth/register", json=ALICE)
    thieves = [log_in(app.test_client())]
    for _ in range(7):
        thief = app.test_client()
        thief.set_cookie("known_browser", thieves[-1].get_cookie("known_browser").value)
        thieves.append(log_in(thief))
    log_in(owner, "192.0.2.1")
    secret = owner.post("/auth/2fa/setup", json={"password": PASSWORD}).get_json()["secret"]
    owner.post("/auth/2fa/confirm", json={"code": clock.code(secret)})
    while WRONG in {clock.code(secret, steps) for steps in range(-1, 2)}:
        clock.tick(5)
    judged = 0
    for number, thief in enumerate(thieves):
        for _ in range(2):  # a new password entry when a login's five are used up
            log_in(thief, f"198.51.100.{number}")
            judged += [guess(thief, address=f"198.51.100.{number}") for _ in range(5)].count(401)
    assert judged == 10


def test_all_of_an_accounts_known_browsers_share_ten_guesses(app, client, secret, clock):
    """Two browsers known for alice (each gave a code): whoever holds both gets
    ten guesses an hour at the code, not ten for each."""
    phone = log_in(app.test_client(), "192.0.2.2")
    assert guess(phone, clock.code(secret, 1), "192.0.2.2") == 200
    phone.post("/auth/logout")
    statuses = []
    for browser in (client, client, phone):
        log_in(browser)
        statuses += [guess(browser) for _ in range(4)]
    assert statuses == [401] * 10 + [429] * 2


def test_after_100_wrong_codes_in_a_row_the_right_one_fails_and_the_owner_is_told(app, secret, clock, inbox):
    """NIST SP 800-63B-4 section 3.2.2: at most 100 failures in a row. The rate
    limits are raised, as if the attacker had waited out their ten hours: after
    100 wrong codes even the right one fails, and alice gets a mail."""
    app.config.update(TWO_FACTOR_LIMIT_PER_LOGIN="1000 per hour", TWO_FACTOR_LIMIT_PER_ACCOUNT="1000 per hour")
    attacker = log_in(app.test_client())
    assert [guess(attacker) for _ in range(100)] == [401] * 100
    response = attacker.post("/auth/login/2fa", json={"code": clock.code(secret, 1)})
    assert response.status_code == 401
    assert response.get_json() == {"error": views.LOCKED}
    assert [message["Subject"] for message in inbox.messages[-1:]] == ["Your second factor is locked"]
    assert inbox.messages[-1]["To"] == "alice@example.com"


def failures_in_a_row(app, count=None):
    """Alice's count of wrong codes in a row; set it first if `count` is given."""
    with app.app_context():
        if count is not None:
            db.session.execute(db.update(User).values(second_factor_failures=count))
            db.session.commit()
        return db.session.scalar(db.select(User.second_factor_failures))


def test_a_right_code_starts_the_count_again(app, client, secret, clock):
    """99 wrong codes in a row, then the right one: it logs in, and the count is back at 0."""
    failures_in_a_row(app, 99)
    log_in(client)
    assert guess(client, clock.code(secret, 1)) == 200
    assert failures_in_a_row(app) == 0


def test_a_password_reset_unlocks_the_second_factor(app, client, secret, clock, inbox):
    """The owner locked out by someone's 100 guesses resets her password (the old
    one is what they had) and logs in with her code again."""
    failures_in_a_row(app, 100)
    assert guess(log_in(client), clock.code(secret, 1)) == 401  # locked: even her right code fails
    client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    token = inbox.messages[-1].get_content().split("reset-password?token=")[1].split()[0]
    assert client.post("/auth/reset-password", json={"token": token, "password": "a brand new passphrase"}
                       ).status_code == 200
    client.post("/auth/login", json={"username": "alice", "password": "a brand new passphrase"})
    assert guess(client, clock.code(secret, 1)) == 200
