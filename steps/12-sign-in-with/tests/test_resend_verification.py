"""POST /auth/resend-verification: the same answer for everyone, a new link only for an account that waits for one."""
import pytest

from authapp import verification
from conftest import PASSWORD


@pytest.fixture
def accounts(client, plain_client):
    """Alice waits for verification, Bob has verified."""
    plain_client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})


def resend(browser, email):
    return browser.post("/auth/resend-verification", json={"email": email})


def test_every_address_gets_the_same_answer(client, accounts):
    answers = [resend(client, email) for email in ("alice@example.com", "bob@example.com", "nobody@example.com")]
    assert [answer.status_code for answer in answers] == [202] * 3
    assert len({answer.get_data() for answer in answers}) == 1


def test_only_an_account_waiting_for_verification_gets_a_new_link(client, plain_client, accounts, inbox):
    before = len(inbox.messages)  # Alice's first link
    for email in ("nobody@example.com", "bob@example.com", " Alice@Example.com "):
        resend(client, email)
    (mail,) = inbox.messages[before:]
    assert mail["To"] == "alice@example.com"
    token = mail.get_content().split("verify-email?token=")[1].split()[0]
    assert plain_client.post("/auth/verify-email", json={"token": token, "password": PASSWORD}).status_code == 200
    assert plain_client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200


def test_every_address_costs_the_same_work(client, accounts, inbox, monkeypatch):
    # A token signed and a mail handed to the mail thread, whoever the address
    # belongs to, so the answer's timing can't tell (as for forgot-password).
    work = []
    for step in ("make_verify_token", "send_mail"):
        real = getattr(verification, step)
        monkeypatch.setattr(verification, step, lambda *args, _real=real, _step=step, **kwargs:
                            work.append(_step) or _real(*args, **kwargs))
    done = {}
    for email in ("alice@example.com", "bob@example.com", "nobody@example.com"):
        work.clear()
        resend(client, email)
        done[email] = list(work)
    assert list(done.values()) == [["make_verify_token", "send_mail"]] * 3


@pytest.mark.contract
def test_invalid_email_is_400_and_non_json_is_415(client):
    assert resend(client, "not an email").get_json()["fields"] == {
        "email": "must be an email address like name@example.com"}
    assert client.post("/auth/resend-verification", json={}).status_code == 400
    assert client.post("/auth/resend-verification", data="email=a@b.c",
                       content_type="application/x-www-form-urlencoded").status_code == 415
