"""Guessing stays slow, and nobody can lock the owner out: a browser that has
logged in to an account before (a "known browser", OWASP's device cookie) has
an allowance of its own; every other attempt shares the per-name limit."""
import pytest

from authapp import auth
from conftest import PASSWORD, all_at_once, held_at_a_barrier

NEW_PASSWORD = "a brand new passphrase"
WRONG = "wrong password, again"


def login(client, password, username="alice", address="198.51.100.7"):
    return client.post("/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def owners_browser(app):
    """A browser that has logged in as alice before, and logged out since."""
    browser = app.test_client()
    assert login(browser, PASSWORD).status_code == 200
    browser.post("/auth/logout")
    return browser


def botnet_guesses(app, count, name="alice"):
    """`count` wrong passwords for `name`, each from another address and another browser."""
    return [login(app.test_client(), WRONG, username=name, address=f"203.0.{n // 250}.{n % 250 + 1}").status_code
            for n in range(count)]


def test_a_botnet_gets_20_guesses_an_hour_at_one_name(app, alice):
    assert botnet_guesses(app, 20) == [401] * 20
    response = login(app.test_client(), WRONG, address="192.0.2.200")
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many logins with this name: try again later"}


def test_simultaneous_guesses_from_many_addresses_cannot_outrun_the_name_limit(app, alice, monkeypatch):
    app.config.update(LOGIN_LIMIT_PER_NAME="4 per hour")
    held_at_a_barrier(monkeypatch, auth, "password_matches", 8)
    statuses = all_at_once(*[lambda n=n: login(app.test_client(), WRONG, address=f"203.0.113.{n}") for n in range(8)])
    assert sorted(statuses) == [401] * 4 + [429] * 4


@pytest.mark.parametrize("name", ["alice", "alice@example.com"])
def test_the_owner_gets_in_from_a_known_browser_while_the_name_is_locked(app, alice, name):
    # The attack: lock "alice" out by guessing. The defence: her own browser
    # doesn't share the attackers' count.
    browser = owners_browser(app)
    botnet_guesses(app, 25, name="alice")
    botnet_guesses(app, 25, name="alice@example.com")
    assert login(app.test_client(), PASSWORD, username=name, address="192.0.2.1").status_code == 429
    assert login(browser, PASSWORD, username=name).status_code == 200


def test_a_known_browser_skips_the_address_limit_too(app, alice):
    # An attacker on the owner's network (the same address) can't lock her out either.
    browser = owners_browser(app)
    for _ in range(12):
        login(app.test_client(), WRONG, username="bob")
    assert login(app.test_client(), PASSWORD).status_code == 429
    assert login(browser, PASSWORD).status_code == 200


def test_a_password_reset_clears_the_names_count(app, alice, inbox):
    botnet_guesses(app, 25)
    assert login(app.test_client(), PASSWORD, address="192.0.2.1").status_code == 429
    stranger = app.test_client()
    stranger.post("/auth/forgot-password", json={"email": "alice@example.com"})
    token = inbox.messages[-1].get_content().split("token=")[1].split()[0]
    response = app.test_client().post("/auth/reset-password", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert login(app.test_client(), NEW_PASSWORD, address="192.0.2.1").status_code == 200


def test_the_browser_that_completed_a_reset_is_known(app, alice, inbox):
    browser = app.test_client()
    browser.post("/auth/forgot-password", json={"email": "alice@example.com"})
    token = inbox.messages[-1].get_content().split("token=")[1].split()[0]
    browser.post("/auth/reset-password", json={"token": token, "password": NEW_PASSWORD})
    botnet_guesses(app, 25)
    assert login(app.test_client(), NEW_PASSWORD, address="192.0.2.1").status_code == 429
    assert login(browser, NEW_PASSWORD).status_code == 200


def test_a_known_browser_has_an_allowance_of_its_own(app, alice):
    # Somebody with the owner's browser (and its cookie) still gets only 10 guesses an hour...
    browser = owners_browser(app)
    assert [login(browser, WRONG).status_code for _ in range(10)] == [401] * 10
    response = login(browser, PASSWORD)
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many logins from this browser: try again later"}
    # ... and that locks only that browser.
    assert login(app.test_client(), PASSWORD, address="192.0.2.1").status_code == 200


def test_logging_in_again_mints_no_fresh_allowance(app, alice):
    """Whoever holds a known browser and the password can't refill its count by
    logging in: the browser keeps its id, so its 10 an hour go on."""
    browser = owners_browser(app)
    for _ in range(8):
        login(browser, WRONG)
    assert login(browser, PASSWORD).status_code == 200
    assert [login(browser, WRONG).status_code for _ in range(2)] == [401, 429]


def test_a_browser_known_before_a_password_reset_is_unknown_after_it(app, alice, inbox):
    """The thief's browser became known with the old password. After the owner's
    reset, it guesses the new one under the name's limit, like everybody else."""
    thief = owners_browser(app)
    owner = app.test_client()
    owner.post("/auth/forgot-password", json={"email": "alice@example.com"})
    token = inbox.messages[-1].get_content().split("token=")[1].split()[0]
    assert owner.post("/auth/reset-password", json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    botnet_guesses(app, 20)
    response = login(thief, WRONG)
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many logins with this name: try again later"}


def test_a_locked_username_says_nothing_about_the_email(app, alice):
    # A 429 counted per account would tell an attacker that "alice" and
    # "alice@example.com" are the same person. Names count apart.
    botnet_guesses(app, 25, name="alice")
    assert login(app.test_client(), WRONG, username="alice", address="192.0.2.9").status_code == 429
    assert login(app.test_client(), WRONG, username="alice@example.com", address="192.0.2.9").status_code == 401


def test_a_browser_known_for_bob_is_unknown_for_alice(app, alice):
    bobs = app.test_client()
    bobs.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    assert login(bobs, PASSWORD, username="bob").status_code == 200
    botnet_guesses(app, 25)
    assert login(bobs, PASSWORD).status_code == 429


@pytest.mark.parametrize("value", ["forged", "eyJ1c2VyIjoxLCJicm93c2VyIjoieCJ9.aaaa.bbbb"])
def test_a_forged_cookie_is_an_unknown_browser(app, alice, value):
    botnet_guesses(app, 25)
    browser = app.test_client()
    browser.set_cookie("known_browser", value)
    assert login(browser, PASSWORD).status_code == 429


def test_an_expired_cookie_is_an_unknown_browser(app, alice):
    browser = owners_browser(app)
    botnet_guesses(app, 25)
    app.config.update(KNOWN_BROWSER_MAX_AGE=-1)
    assert login(browser, PASSWORD).status_code == 429


def test_the_cookie_is_httponly_and_lasts_half_a_year(app, alice):
    response = login(app.test_client(), PASSWORD)
    (cookie,) = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("known_browser=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=15552000" in cookie  # 180 days


def test_in_production_the_cookie_is_a_secure_host_cookie(production_app):
    client = production_app.test_client()
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    cookies = login(client, PASSWORD).headers.getlist("Set-Cookie")
    (cookie,) = [value for value in cookies if value.startswith("__Host-known_browser=")]
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
