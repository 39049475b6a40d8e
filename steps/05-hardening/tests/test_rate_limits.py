"""Flask-Limiter: failed logins, registrations and reset requests are rate-limited."""
import threading

import pytest

from authapp import auth

from authapp import create_app
from authapp.extensions import db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def alice(client):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com",
                                        "password": PASSWORD})


def login(client, password, username="alice", address="198.51.100.7", **headers):
    return client.post("/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_the_sixth_failed_login_in_a_minute_is_429_json_with_retry_after(client, alice):
    for _ in range(5):
        assert login(client, "wrong password, again").status_code == 401
    response = login(client, "wrong password, again")
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many failed logins from your address: try again later"}
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_once_limited_even_the_right_password_waits(client, alice):
    for _ in range(5):
        login(client, "wrong password, again")
    assert login(client, PASSWORD).status_code == 429


def test_successful_logins_do_not_count(client, alice):
    for _ in range(8):
        assert login(client, PASSWORD).status_code == 200


def test_every_attempt_counts_towards_a_wider_limit(app, client, alice):
    app.config.update(LOGIN_ATTEMPT_LIMIT_PER_ADDRESS="3 per minute")
    for _ in range(3):
        assert login(client, PASSWORD).status_code == 200
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many logins from your address: try again later"}


def test_simultaneous_failed_logins_cannot_outrun_the_limits(app, alice, monkeypatch):
    # Eight wrong passwords sent at the same instant: each one is checked against
    # the failure limit before any failure has been counted. Only the limit that
    # counts attempts as they arrive stops them. We hold every attempt that gets
    # into the view until eight are there (or two seconds have passed).
    app.config.update(LOGIN_ATTEMPT_LIMIT_PER_ADDRESS="4 per minute")
    all_inside = threading.Barrier(8, timeout=2)
    real_check = auth.password_matches

    def check_when_all_are_inside(user, password):
        try:
            all_inside.wait()
        except threading.BrokenBarrierError:
            pass  # fewer than eight got in: what we hope
        return real_check(user, password)

    monkeypatch.setattr(auth, "password_matches", check_when_all_are_inside)
    statuses = []

    def attempt():
        statuses.append(login(app.test_client(), "wrong password, again").status_code)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(401) == 4 and statuses.count(429) == 4


def test_another_address_is_not_blocked_by_the_address_limit(client, alice):
    for _ in range(5):
        login(client, "wrong password, again", address="198.51.100.7")
    assert login(client, PASSWORD, address="198.51.100.8").status_code == 200


def test_the_account_limit_holds_across_addresses_and_names(app, client, alice):
    # A botnet tries one account from many addresses, by username and by email.
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT="4 per hour")
    for number, name in enumerate(["alice", "ALICE", "alice@example.com", "Alice@Example.com"]):
        assert login(client, "wrong password, again", username=name, address=f"203.0.113.{number}").status_code == 401
    assert login(client, PASSWORD, address="203.0.113.99").status_code == 429
    assert login(client, PASSWORD, username="bob", address="203.0.113.99").status_code == 401  # other accounts: fine


def test_wrong_current_passwords_are_limited_per_session(app, client, alice):
    # A stolen session must not turn into unlimited guesses at the password.
    login(client, PASSWORD)
    for _ in range(5):
        response = client.post("/auth/change-password", json={"current_password": "a wrong guess, again",
                                                               "new_password": "a brand new passphrase"})
        assert response.status_code == 403
    response = client.post("/auth/change-password", json={"current_password": PASSWORD,
                                                           "new_password": "a brand new passphrase"})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many wrong passwords: try again later"}


def test_successful_password_changes_do_not_count(client, alice):
    login(client, PASSWORD)
    passwords = [PASSWORD] + [f"passphrase number {n} for alice" for n in range(6)]
    for current, new in zip(passwords, passwords[1:]):
        assert client.post("/auth/change-password", json={"current_password": current,
                                                          "new_password": new}).status_code == 200


def test_register_is_limited_per_address(client):
    for number in range(10):
        response = client.post("/auth/register", json={"username": f"user{number}", "email": f"u{number}@example.com",
                                                       "password": PASSWORD})
        assert response.status_code == 201
    response = client.post("/auth/register", json={"username": "user10", "email": "u10@example.com",
                                                   "password": PASSWORD})
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_forgot_password_is_limited_per_email(client, alice):
    for number in range(3):
        response = client.post("/auth/forgot-password", json={"email": "alice@example.com"},
                               environ_base={"REMOTE_ADDR": f"203.0.113.{number}"})
        assert response.status_code == 202
    response = client.post("/auth/forgot-password", json={"email": " ALICE@example.com"},
                           environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert response.status_code == 429


def test_forgot_password_is_limited_per_address(client):
    for number in range(5):
        assert client.post("/auth/forgot-password", json={"email": f"n{number}@example.com"}).status_code == 202
    assert client.post("/auth/forgot-password", json={"email": "n6@example.com"}).status_code == 429


def test_limits_are_configurable(app, client, alice):
    app.config.update(LOGIN_LIMIT_PER_ADDRESS="2 per minute")
    login(client, "wrong password, again"), login(client, "wrong password, again")
    assert login(client, PASSWORD).status_code == 429


def test_a_forged_x_forwarded_for_does_not_dodge_the_limit(client, alice):
    # With no proxy configured, the header is just text the client wrote.
    for number in range(5):
        login(client, "wrong password, again", **{"X-Forwarded-For": f"10.0.0.{number}"})
    assert login(client, PASSWORD, **{"X-Forwarded-For": "10.0.0.99"}).status_code == 429


def test_behind_one_proxy_the_limit_follows_the_address_the_proxy_saw(tmp_path):
    app = create_app("testing", TRUSTED_PROXY_COUNT=1,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'proxy.sqlite'}")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    proxy = "127.0.0.1"
    # The client wrote its own X-Forwarded-For entries; the proxy appended the real address.
    for number in range(5):
        login(client, "wrong password, again", address=proxy,
              **{"X-Forwarded-For": f"10.9.9.{number}, 198.51.100.7"})
    assert login(client, "wrong password, again", address=proxy,
                 **{"X-Forwarded-For": "10.9.9.99, 198.51.100.7"}).status_code == 429
    # Another real client behind the same proxy is not blocked.
    assert login(client, "wrong password, again", address=proxy,
                 **{"X-Forwarded-For": "198.51.100.8"}).status_code == 401


def test_storage_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "2")
    config = create_app("testing").config
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["TRUSTED_PROXY_COUNT"] == 2
