"""ProductionConfig: no start without SECRET_KEY, __Host- cookies, HSTS."""
import pytest

from authapp import create_app
from authapp.extensions import db

PASSWORD = "correct horse battery staple"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app("production")


def test_production_takes_the_secret_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-from-the-deployer")
    assert create_app("production").config["SECRET_KEY"] == "a-long-random-value-from-the-deployer"


def test_development_still_starts_without_one(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert create_app("development").config["SECRET_KEY"]


def test_production_session_cookie_is_a_secure_host_prefixed_cookie(tmp_path):
    app = create_app("production", SECRET_KEY="set-by-the-deployer", PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    cookie = client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    # What the browser requires of a __Host- cookie:
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
