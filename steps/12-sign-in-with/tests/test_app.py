"""The factory, the configs, GET / and the JSON error handlers."""
import pytest

from authapp import STEP, create_app
from authapp.access import public
from authapp.config import ProductionConfig, TestingConfig
from conftest import PRODUCTION


def test_status_names_the_step(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "step": STEP}
    assert STEP[:2].isdigit()


def test_factory_takes_a_name_a_class_or_the_environment(monkeypatch):
    assert create_app("testing").testing
    assert create_app(TestingConfig).testing
    assert create_app("production", **PRODUCTION).config["CONFIG_NAME"] == "production"
    monkeypatch.setenv("APP_CONFIG", "testing")
    assert create_app().testing


def test_default_config_is_development(monkeypatch):
    monkeypatch.delenv("APP_CONFIG", raising=False)
    assert create_app().config["CONFIG_NAME"] == "development"


def test_unknown_config_name_is_refused():
    with pytest.raises(ValueError, match="unknown config"):
        create_app("staging")


def test_environment_overrides_the_class(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-and-long-enough-to-be-a-key")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.com")
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", "yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4=")
    monkeypatch.setenv("WEBAUTHN_RP_ID", "example.com")
    monkeypatch.setenv("WEBAUTHN_ORIGIN", "https://example.com")
    monkeypatch.setenv("ACCESS_TOKEN_SIGNING_KEY", PRODUCTION["ACCESS_TOKEN_SIGNING_KEY"])  # step 11's key
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "from-the-environment-and-long-enough-to-be-a-key"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///elsewhere.sqlite"
    assert app.config["TOTP_ENCRYPTION_KEY"] == "yA7Yl3V9fXwWZUZOZvNfg4ke-Fyu9HejBaVzBaNJbh4="
    assert app.config["WEBAUTHN_ORIGIN"] == "https://example.com"


def test_keyword_overrides_win(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app("testing", SECRET_KEY="explicit").config["SECRET_KEY"] == "explicit"


def test_testing_hashes_cheaply_but_production_does_not():
    assert TestingConfig.PASSWORD_HASH_METHOD == "scrypt:256:8:1"
    assert ProductionConfig.PASSWORD_HASH_METHOD != TestingConfig.PASSWORD_HASH_METHOD


@pytest.mark.contract
def test_404_is_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.is_json
    assert "not found" in response.get_json()["error"].lower()


@pytest.mark.contract
def test_405_is_json_and_keeps_the_allow_header(client):
    response = client.post("/")
    assert response.status_code == 405
    assert response.is_json
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_exception_is_a_json_500_without_details(app):
    @app.get("/boom")
    @public  # from step 09 every view declares who may call it (access.py)
    def boom():
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # behave as in production, not as in a test
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.is_json
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_any_http_exception_is_json(app):
    @app.get("/teapot")
    @public
    def teapot():
        from flask import abort
        abort(418)

    response = app.test_client().get("/teapot")
    assert response.status_code == 418
    assert "error" in response.get_json()



def test_the_passkey_defaults_fit_the_browser_client_on_localhost():
    # The client on http://localhost:3000: its host is the RP ID, and the API
    # already lets that origin call it (CORS) and sends links there.
    config = create_app("testing").config
    assert config["WEBAUTHN_RP_ID"] == "localhost"
    assert config["WEBAUTHN_ORIGIN"] == config["FRONTEND_URL"] == "http://localhost:3000"
    assert config["WEBAUTHN_ORIGIN"] in config["CORS_ORIGINS"].split(",")


def test_the_passkey_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEBAUTHN_RP_ID", "example.com")
    monkeypatch.setenv("WEBAUTHN_ORIGIN", "https://app.example.com")
    config = create_app("testing").config
    assert (config["WEBAUTHN_RP_ID"], config["WEBAUTHN_ORIGIN"]) == ("example.com", "https://app.example.com")
