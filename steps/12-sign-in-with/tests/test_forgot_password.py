"""POST /auth/forgot-password: the same answer for everyone, mail only to real accounts."""
import pytest

from authapp import passwords


def forgot(client, email, **kwargs):
    return client.post("/auth/forgot-password", json={"email": email}, **kwargs)


def test_known_and_unknown_emails_get_the_same_answer(client, alice, inbox):
    known, unknown = forgot(client, "alice@example.com"), forgot(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()


def test_a_mail_goes_only_to_a_registered_address(client, alice, inbox):
    forgot(client, "nobody@example.com")
    forgot(client, " Alice@Example.com ")
    assert [message["To"] for message in inbox.messages] == ["alice@example.com"]


def test_the_link_uses_the_configured_front_end_not_the_host_header(app, client, alice, inbox):
    app.config["FRONTEND_URL"] = "https://app.example.com/"
    forgot(client, "alice@example.com", headers={"Host": "evil.example"})
    body = inbox.messages[0].get_content()
    assert "https://app.example.com/reset-password?token=" in body
    assert "evil.example" not in body


def test_without_a_mail_server_the_mail_is_printed_for_the_learner(app, client, alice, capsys):
    app.config.update(MAIL_SERVER=None)
    forgot(client, "alice@example.com")
    printed = capsys.readouterr().out
    assert "Subject: Reset your password" in printed
    assert "http://localhost:3000/reset-password?token=" in printed


def test_the_printed_link_can_be_copied_as_it_is(app, client, alice, capsys):
    app.config.update(MAIL_SERVER=None)
    forgot(client, "alice@example.com")
    link = next(line for line in capsys.readouterr().out.splitlines() if "token=" in line)
    token = link.split("token=")[1]
    response = client.post("/auth/reset-password", json={"token": token, "password": "a brand new passphrase"})
    assert response.status_code == 200


def test_the_token_is_never_in_the_response(client, alice, inbox):
    response = forgot(client, "alice@example.com")
    token = inbox.messages[0].get_content().split("token=")[1].split()[0]
    assert token not in response.get_data(as_text=True)


@pytest.mark.contract
def test_invalid_email_is_400_and_non_json_is_415(client):
    assert forgot(client, "not an email").status_code == 400
    assert client.post("/auth/forgot-password", json={}).status_code == 400
    assert client.post("/auth/forgot-password", data="email=a@b.c",
                       content_type="application/x-www-form-urlencoded").status_code == 415


def test_a_known_and_an_unknown_address_cost_the_same_work(client, alice, inbox, monkeypatch):
    # A token signed and a mail handed to the mail thread, either way, so the
    # answer's timing can't tell which addresses are registered.
    work = []
    for step in ("make_reset_token", "send_mail"):
        real = getattr(passwords, step)
        monkeypatch.setattr(passwords, step, lambda *args, _real=real, _step=step, **kwargs:
                            work.append(_step) or _real(*args, **kwargs))
    forgot(client, "alice@example.com")
    known, work[:] = list(work), []
    forgot(client, "nobody@example.com")
    assert work == known == ["make_reset_token", "send_mail"]
    assert [message["To"] for message in inbox.messages] == ["alice@example.com"]
