"""ProductionConfig: no start without a usable SECRET_KEY, a mail server, a key
for the two-factor secrets and the passkeys' RP ID and origin; __Host- cookies, HSTS."""
import pytest

from authapp import create_app
from authapp.config import Config
from conftest import PASSWORD, PRODUCTION


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", MAIL_SERVER="smtp.example.com")


def test_the_error_names_every_missing_setting(monkeypatch):
    for name in ("SECRET_KEY", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as error:
        create_app("production")
    assert "SECRET_KEY" in str(error.value) and "MAIL_SERVER" in str(error.value)


def test_production_names_the_totp_key_with_the_others(monkeypatch):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as error:
        create_app("production")
    assert all(name in str(error.value) for name in ("SECRET_KEY", "MAIL_SERVER", "TOTP_ENCRYPTION_KEY"))
    assert "Fernet.generate_key()" in str(error.value)  # how to make one


@pytest.mark.parametrize("key", [Config.TOTP_ENCRYPTION_KEY, "not a key", "c2hvcnQ=", " , ",
                                 f"{PRODUCTION['TOTP_ENCRYPTION_KEY']},not a key",
                                 f"{PRODUCTION['TOTP_ENCRYPTION_KEY']},{Config.TOTP_ENCRYPTION_KEY}"])
def test_production_refuses_a_totp_key_that_is_known_or_no_fernet_key(key):
    # The development key is in this repository: anyone could read the secrets with it.
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY"):
        create_app("production", **{**PRODUCTION, "TOTP_ENCRYPTION_KEY": key})


@pytest.mark.parametrize("key", ["x", "password123", Config.SECRET_KEY, "a" * 31, "a" * 64, " " * 40, "ab" * 20])
def test_production_refuses_a_short_or_known_secret_key(key):
    # Anyone who knows or guesses the key can sign a cookie of their own.
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", **{**PRODUCTION, "SECRET_KEY": key})


def test_production_takes_the_secret_key_from_the_environment(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    config = create_app("production").config
    assert config["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    assert config["TOTP_ENCRYPTION_KEY"] == PRODUCTION["TOTP_ENCRYPTION_KEY"]  # step 07's key too


def test_development_still_starts_without_one(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert create_app("development").config["SECRET_KEY"]


def test_production_session_cookie_is_a_secure_host_prefixed_cookie(production_app):
    client = production_app.test_client()
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    cookies = client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).headers.getlist("Set-Cookie")
    (cookie,) = [value for value in cookies if value.startswith("__Host-session=")]
    # What the browser requires of a __Host- cookie:
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_names_the_passkey_settings_with_the_others(monkeypatch):
    # The defaults fit the browser client on localhost: in production, every
    # passkey made with them would be bound to "localhost" and work nowhere else.
    for name in (*PRODUCTION, "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as error:
        create_app("production")
    assert "WEBAUTHN_RP_ID: the domain" in str(error.value)
    assert "WEBAUTHN_ORIGIN: the front end's exact origin" in str(error.value)


@pytest.mark.parametrize("rp_id, origin, refused", [
    ("localhost", "https://localhost", "WEBAUTHN_RP_ID"),  # the development default
    ("192.0.2.7", "https://192.0.2.7", "WEBAUTHN_RP_ID"),  # an IP address can't be an RP ID
    ("https://example.com", "https://example.com", "WEBAUTHN_RP_ID"),  # a domain, not a URL
    ("example.com", "http://app.example.com", "WEBAUTHN_ORIGIN"),  # not HTTPS
    ("example.com", "https://app.example.com/login", "WEBAUTHN_ORIGIN"),  # a URL, not an origin
    ("example.com", "https://example.org", "WEBAUTHN_ORIGIN"),  # outside the RP ID's domain
    ("example.com", "https://notexample.com", "WEBAUTHN_ORIGIN"),  # a suffix, but not a subdomain
])
def test_production_refuses_passkey_settings_that_cannot_work(rp_id, origin, refused):
    # The browser would refuse every ceremony: better to say so at start-up.
    with pytest.raises(RuntimeError) as error:
        create_app("production", **{**PRODUCTION, "WEBAUTHN_RP_ID": rp_id, "WEBAUTHN_ORIGIN": origin})
    assert f"  {refused}: " in str(error.value)

