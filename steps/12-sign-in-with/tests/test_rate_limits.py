"""Flask-Limiter: logins, registrations, password changes and reset requests are rate-limited.
The login limits and their known-browser exemption are in test_known_browsers.py."""
import pytest

from authapp import auth, create_app
from authapp.extensions import db
from authapp.models import User
from conftest import PASSWORD, all_at_once, free_port, held_at_a_barrier

WRONG = "wrong password, again"


def login(client, password, username="alice", address="198.51.100.7", **headers):
    return client.post("/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_the_11th_login_in_a_minute_from_one_address_is_429_json_with_retry_after(app, alice):
    for _ in range(10):
        assert login(app.test_client(), WRONG).status_code == 401
    response = login(app.test_client(), WRONG)
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many logins from your address: try again later"}
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_once_limited_even_the_right_password_waits(app, alice):
    for _ in range(10):
        login(app.test_client(), WRONG)
    assert login(app.test_client(), PASSWORD).status_code == 429


def test_every_attempt_counts_as_it_arrives_even_a_successful_one(app, alice):
    # Counting only failures would mean counting after the answer: too late
    # for attempts that all arrive at once (the next test).
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    for _ in range(3):
        assert login(app.test_client(), PASSWORD).status_code == 200  # a new browser each time
    assert login(app.test_client(), PASSWORD).status_code == 429


def test_simultaneous_logins_from_one_address_cannot_outrun_the_limit(app, alice, monkeypatch):
    # Eight wrong passwords sent at the same instant, held inside the view until
    # all eight are there: only attempts counted on arrival can be stopped.
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="4 per minute")
    held_at_a_barrier(monkeypatch, auth, "password_matches", 8)
    statuses = all_at_once(*[lambda: login(app.test_client(), WRONG)] * 8)
    assert sorted(statuses) == [401] * 4 + [429] * 4


def test_another_address_is_not_blocked_by_the_address_limit(app, alice):
    for _ in range(10):
        login(app.test_client(), WRONG, address="198.51.100.7")
    assert login(app.test_client(), PASSWORD, address="198.51.100.8").status_code == 200


@pytest.mark.contract
def test_password_changes_are_limited_per_account(client, alice):
    # A stolen session must not turn into unlimited guesses at the password.
    login(client, PASSWORD)
    for _ in range(5):
        response = client.post("/auth/change-password", json={"current_password": "a wrong guess, again",
                                                               "new_password": "a brand new passphrase"})
        assert response.status_code == 403
    response = client.post("/auth/change-password", json={"current_password": PASSWORD,
                                                           "new_password": "a brand new passphrase"})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many password changes: try again later"}


def test_simultaneous_password_change_guesses_cannot_outrun_the_limit(app, client, alice, monkeypatch):
    login(client, PASSWORD)
    cookie = client.get_cookie("session").value
    held_at_a_barrier(monkeypatch, User, "check_password", 8)

    def guess():
        thief = app.test_client()
        thief.set_cookie("session", cookie)
        return thief.post("/auth/change-password", json={"current_password": "a wrong guess, again",
                                                         "new_password": "a brand new passphrase"})

    statuses = all_at_once(*[guess] * 8)
    assert sorted(statuses) == [403] * 5 + [429] * 3


def test_successful_changes_count_too_across_every_session_of_the_account(app, client, alice):
    # A change starts a new session; the count follows the account, not the
    # session, so changing again and again (each one a hash and a strength check) stops.
    login(client, PASSWORD)
    other = app.test_client()
    login(other, PASSWORD)
    passwords = [PASSWORD] + [f"passphrase number {n} for alice" for n in range(6)]
    statuses = [client.post("/auth/change-password", json={"current_password": current, "new_password": new})
                .status_code for current, new in zip(passwords, passwords[1:])]
    assert statuses == [200] * 5 + [429]


def test_forgot_password_counts_every_spelling_of_one_mailbox_together(client, alice, inbox):
    # Full-width letters reach the same mailbox: "ｅ" is "e" once the address is normalised.
    spellings = ["alice@example.com", "alice@\uff45xample.com", "alice@example\uff0ecom", "ALICE@EXAMPLE.COM"]
    statuses = [client.post("/auth/forgot-password", json={"email": email},
                            environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
                for n, email in enumerate(spellings)]
    assert statuses == [202, 202, 202, 429]
    assert len(inbox.messages) == 3


@pytest.mark.contract
def test_register_is_limited_per_address(client):
    for number in range(10):
        response = client.post("/auth/register", json={"username": f"user{number}", "email": f"u{number}@example.com",
                                                       "password": PASSWORD})
        assert response.status_code == 201
    response = client.post("/auth/register", json={"username": "user10", "email": "u10@example.com",
                                                   "password": PASSWORD})
    assert response.status_code == 429
    assert "Retry-After" in response.headers


@pytest.mark.contract
def test_forgot_password_is_limited_per_email(client, alice):
    for number in range(3):
        response = client.post("/auth/forgot-password", json={"email": "alice@example.com"},
                               environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})
        assert response.status_code == 202
    response = client.post("/auth/forgot-password", json={"email": " ALICE@example.com"},
                           environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert response.status_code == 429


@pytest.mark.contract
def test_forgot_password_is_limited_per_address(client):
    for number in range(5):
        assert client.post("/auth/forgot-password", json={"email": f"n{number}@example.com"}).status_code == 202
    assert client.post("/auth/forgot-password", json={"email": "n6@example.com"}).status_code == 429


@pytest.mark.contract
def test_resend_verification_is_limited_per_email(client, alice):
    for number in range(3):
        response = client.post("/auth/resend-verification", json={"email": "alice@example.com"},
                               environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})
        assert response.status_code == 202
    response = client.post("/auth/resend-verification", json={"email": " ALICE@example.com"},
                           environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many verification requests for this email: try again later"}


@pytest.mark.contract
def test_resend_verification_is_limited_per_address(client):
    for number in range(5):
        assert client.post("/auth/resend-verification", json={"email": f"n{number}@example.com"}).status_code == 202
    assert client.post("/auth/resend-verification", json={"email": "n6@example.com"}).status_code == 429


def test_email_changes_are_limited_per_account(app, client, alice):
    # Each attempt checks the password and may mail two addresses. The count
    # follows the account: a second session (a second stolen cookie) shares it.
    login(client, PASSWORD)
    other = app.test_client()
    login(other, PASSWORD)
    for number, browser in enumerate((client, other, client, other, client)):
        # Each to another address: the count per new address (below) never comes into it.
        response = browser.post("/auth/change-email", json={"password": "a wrong guess, again",
                                                            "new_email": f"alice{number}@new.example"})
        assert response.status_code == 403
    response = other.post("/auth/change-email", json={"password": PASSWORD, "new_email": "alice@new.example"})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many email changes: try again later"}


def test_limits_are_configurable(app, alice):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    login(app.test_client(), WRONG), login(app.test_client(), WRONG)
    assert login(app.test_client(), PASSWORD).status_code == 429


def test_each_app_has_limits_of_its_own(app, alice, tmp_path):
    # Building a second app with the limiter off must not switch off the first
    # one's (a single module-level Limiter would take the last app's settings).
    other = create_app("testing", RATELIMIT_ENABLED=False,
                       SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'other.sqlite'}")
    with other.app_context():
        db.create_all()
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    other.config.update(LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    statuses = [login(app.test_client(), WRONG).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert [login(other.test_client(), WRONG).status_code for _ in range(3)] == [401, 401, 401]


def test_a_forged_x_forwarded_for_does_not_dodge_the_limit(app, alice):
    # With no proxy configured, the header is just text the client wrote.
    for number in range(10):
        login(app.test_client(), WRONG, **{"X-Forwarded-For": f"10.0.0.{number}"})
    assert login(app.test_client(), PASSWORD, **{"X-Forwarded-For": "10.0.0.99"}).status_code == 429


def test_behind_one_proxy_the_limit_follows_the_address_the_proxy_saw(tmp_path):
    app = create_app("testing", TRUSTED_PROXY_COUNT=1, LOGIN_LIMIT_PER_ADDRESS="5 per minute",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'proxy.sqlite'}")
    with app.app_context():
        db.create_all()
    proxy = "127.0.0.1"
    # The client wrote its own X-Forwarded-For entries; the proxy appended the real address.
    for number in range(5):
        login(app.test_client(), WRONG, address=proxy, **{"X-Forwarded-For": f"10.9.9.{number}, 198.51.100.7"})
    assert login(app.test_client(), WRONG, address=proxy,
                 **{"X-Forwarded-For": "10.9.9.99, 198.51.100.7"}).status_code == 429
    # Another real client behind the same proxy is not blocked.
    assert login(app.test_client(), WRONG, address=proxy,
                 **{"X-Forwarded-For": "198.51.100.8"}).status_code == 401


def test_storage_comes_from_the_environment(monkeypatch):
    # Limiter off, so that no Redis client is needed to build the app.
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://redis.example:6379/0")
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "2")
    config = create_app("testing", RATELIMIT_ENABLED=False).config
    assert config["RATELIMIT_STORAGE_URI"] == "redis://redis.example:6379/0"
    assert config["TRUSTED_PROXY_COUNT"] == 2


def test_when_the_counters_cannot_be_reached_limited_routes_answer_a_json_503_and_let_nobody_in(app, alice):
    """Fail closed: while Redis is down, no login is tried uncounted (an attacker
    who can take Redis down would get unlimited guesses). A real refused
    connection: a loopback port where nothing listens."""
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        RATELIMIT_STORAGE_URI=unreachable)
    browser = broken.test_client()
    response = login(browser, PASSWORD)
    assert response.status_code == 503
    assert response.get_json() == {"error": "the rate limits can't be checked just now: try again later"}
    assert int(response.headers["Retry-After"]) > 0
    assert "Set-Cookie" not in response.headers and browser.get("/auth/me").status_code == 401
    forgot = browser.post("/auth/forgot-password", json={"email": "alice@example.com"})
    assert forgot.status_code == 503 and forgot.is_json
    assert browser.get("/").status_code == 200  # routes without a limit don't need the counters


@pytest.mark.contract
def test_a_verification_links_password_gets_as_few_guesses_as_a_login_name(plain_client, inbox):
    # Whoever holds a link (a mistyped new address's owner, say) must not get
    # more guesses at the account's password than login allows, from any number of addresses.
    plain_client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    token = inbox.messages[-1].get_content().split("verify-email?token=")[1].split()[0]
    for number in range(20):
        guess = plain_client.post("/auth/verify-email", json={"token": token, "password": f"guess number {number}"},
                                  environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})
        assert guess.status_code == 403
    right = plain_client.post("/auth/verify-email", json={"token": token, "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert right.status_code == 429
    assert right.get_json() == {"error": "too many tries for this account: try again later"}


def three_accounts_logged_in(app):
    browsers = []
    for name in ("alice", "bob", "carol"):
        browser = app.test_client()
        browser.post("/auth/register", json={"username": name, "email": f"{name}@example.com", "password": PASSWORD})
        assert login(browser, PASSWORD, username=name).status_code == 200
        browsers.append(browser)
    return browsers


def change_to_victim(browser, spelling="victim@example.com"):
    return browser.post("/auth/change-email", json={"password": PASSWORD, "new_email": spelling})


def confirmations_to_victim(inbox):
    return [message for message in inbox.messages if message["To"] == "victim@example.com"]


@pytest.mark.contract
def test_three_accounts_cannot_flood_one_mailbox_with_confirmation_links(app, inbox):
    # Each account is within its own limit; the mailbox they aim at counts them all.
    alice, bob, carol = three_accounts_logged_in(app)
    assert [change_to_victim(browser).status_code for browser in (alice, bob, carol)] == [202] * 3
    refused = change_to_victim(alice, " Victim@Example.COM")
    assert refused.status_code == 429
    assert refused.get_json() == {"error": "too many confirmation mails for this address: try again later"}
    assert len(confirmations_to_victim(inbox)) == 3


def test_confirmation_mails_sent_at_one_instant_cannot_outrun_the_mailbox_limit(app, inbox, monkeypatch):
    # Six requests from three accounts, held inside the view until all six are
    # there: only a count made on arrival stops the fourth.
    browsers = three_accounts_logged_in(app)
    held_at_a_barrier(monkeypatch, User, "check_password", 6)
    statuses = all_at_once(*[lambda browser=browser: change_to_victim(browser) for browser in browsers * 2])
    assert sorted(statuses) == [202] * 3 + [429] * 3
    assert len(confirmations_to_victim(inbox)) == 3
