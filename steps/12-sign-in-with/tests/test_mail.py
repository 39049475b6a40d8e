"""The SMTP path, against a real SMTP server on loopback."""
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from authapp import create_app
from authapp.config import DevelopmentConfig, ProductionConfig
from authapp.mail import send_mail
from conftest import Inbox, free_port


def forgot(client):
    return client.post("/auth/forgot-password", json={"email": "alice@example.com"})


def test_a_real_smtp_conversation_delivers_the_reset_mail(app, client, alice, inbox):
    forgot(client)
    (message,) = inbox.messages
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Reset your password"
    assert "/reset-password?token=" in message.get_content()


def test_smtp_login_uses_the_configured_account(app, client, alice):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    handler = Inbox()
    server = Controller(handler, hostname="127.0.0.1", port=free_port(),
                        authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                          MAIL_USERNAME="mailer", MAIL_PASSWORD="mail-secret")
        forgot(client)
    finally:
        server.stop()
    assert logins == [(b"mailer", b"mail-secret")]
    assert len(handler.messages) == 1


def test_an_unreachable_mail_server_is_logged_and_the_client_sees_nothing(app, client, alice, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    response = forgot(client)
    assert response.status_code == 202
    assert response.get_json() == client.post("/auth/forgot-password",
                                              json={"email": "nobody@example.com"}).get_json()
    assert "could not send mail 'Reset your password'" in caplog.text
    assert "token" not in caplog.text
    assert "alice" not in caplog.text  # the log is read by more people than the mailbox


def test_the_answer_does_not_wait_for_the_mail_server(app, client, alice):
    """The path development and production take (MAIL_IN_BACKGROUND): the mail
    leaves from a thread of its own. The SMTP server holds the mail until we
    let go; the HTTP answer comes first."""
    app.config["MAIL_IN_BACKGROUND"] = True
    release = threading.Event()

    class SlowInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):
            release.wait(timeout=30)
            return await super().handle_DATA(server, session, envelope)

    handler = SlowInbox()
    server = Controller(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False)
        assert forgot(client).status_code == 202
        assert handler.messages == []  # answered while the mail was still on its way
        release.set()
        wait_for_the_mail_thread()
    finally:
        release.set()
        server.stop()
    assert len(handler.messages) == 1


def wait_for_the_mail_thread():
    for thread in threading.enumerate():
        if thread.name == "send-mail":
            thread.join(timeout=30)


def test_the_tests_get_their_mail_before_the_answer(client, alice, inbox):
    """The testing config delivers through the same SMTP conversation before
    it answers (MAIL_IN_BACKGROUND=False): so no test waits for a thread, and
    mails arrive in the order the requests sent them."""
    forgot(client)
    assert [message["Subject"] for message in inbox.messages] == ["Reset your password"]


def test_development_and_production_send_mail_in_the_background():
    """Only the tests wait for the mail server; a real answer never does."""
    assert DevelopmentConfig.MAIL_IN_BACKGROUND is True
    assert ProductionConfig.MAIL_IN_BACKGROUND is True


def test_mail_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.com")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "false")
    monkeypatch.setenv("MAIL_USERNAME", "mailer")
    monkeypatch.setenv("MAIL_PASSWORD", "mail-secret")
    monkeypatch.setenv("MAIL_FROM", "Auth <auth@example.com>")
    monkeypatch.setenv("FRONTEND_URL", "https://app.example.com")
    config = create_app("testing").config
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == ("smtp.example.com", 2525, False)
    assert (config["MAIL_USERNAME"], config["MAIL_PASSWORD"]) == ("mailer", "mail-secret")
    assert config["MAIL_FROM"] == "Auth <auth@example.com>"
    assert config["FRONTEND_URL"] == "https://app.example.com"


def test_production_refuses_to_start_without_a_mail_server(monkeypatch):
    # Otherwise every reset link would be printed into the server's log.
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    with pytest.raises(RuntimeError, match="MAIL_SERVER"):
        create_app("production")


def test_the_envelope_names_one_recipient_whatever_the_to_header_says(app, inbox):
    # Defence in depth behind the email rules of step 02: smtplib would
    # otherwise read both of these mailboxes out of the header and mail both.
    with app.test_request_context():
        send_mail("alice@example.com, eve@example.com", "Reset your password", "a secret link")
    assert [recipients for recipients in inbox.envelopes if "eve@example.com" in recipients] == []


def test_a_blank_mail_server_counts_as_missing(monkeypatch):
    with pytest.raises(RuntimeError, match="MAIL_SERVER"):
        create_app("production", MAIL_SERVER="   ")


def test_a_mail_port_that_is_not_a_number_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "smtp")
    with pytest.raises(RuntimeError, match="MAIL_PORT: expected a whole number, not 'smtp'"):
        create_app("testing")
