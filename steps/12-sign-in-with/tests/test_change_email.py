"""POST /auth/change-email: the address changes only when the link mailed to the new one is followed."""
import pytest

from conftest import PASSWORD

NEW = "alice@new.example"


@pytest.fixture
def alice(client):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})


def change(browser, new_email=NEW, password=PASSWORD):
    return browser.post("/auth/change-email", json={"password": password, "new_email": new_email})


def mails_to(inbox, address):
    return [message for message in inbox.messages if message["To"] == address]


def mailed_token(inbox, to=NEW, kind="verify-email"):
    return mails_to(inbox, to)[-1].get_content().split(f"/{kind}?token=")[1].split()[0]


def verify(browser, token, password=PASSWORD):
    return browser.post("/auth/verify-email", json={"token": token, "password": password})


def my_email(browser):
    return browser.get("/auth/me").get_json()["user"]["email"]


def test_the_address_changes_only_when_the_link_to_the_new_one_is_followed(client, alice, inbox):
    response = change(client, " Alice@New.Example ")
    assert response.status_code == 202
    assert my_email(client) == "alice@example.com"  # not yet
    (mail,) = mails_to(inbox, NEW)
    assert mail["Subject"] == "Confirm your email address"
    confirmed = verify(client, mailed_token(inbox))
    assert confirmed.status_code == 200
    assert confirmed.get_json()["user"]["email"] == NEW and confirmed.get_json()["user"]["email_verified"]
    assert my_email(client) == NEW
    assert client.post("/auth/login", json={"username": NEW, "password": PASSWORD}).status_code == 200
    assert client.post("/auth/login", json={"username": "alice@example.com", "password": PASSWORD}).status_code == 401


def test_the_old_address_is_told_at_once(client, alice, inbox):
    # So its owner can still stop the change (a reset kills the link: see below).
    change(client)
    (notice,) = mails_to(inbox, "alice@example.com")
    assert notice["Subject"] == "Your email address is about to change"
    assert NEW in notice.get_content() and "token" not in notice.get_content()


def test_the_old_address_is_told_again_once_the_change_is_done(client, alice, inbox):
    # ASVS 5.0 V6.3.7: users are notified after a change of their email address.
    change(client)
    verify(client, mailed_token(inbox))
    subjects = [mail["Subject"] for mail in mails_to(inbox, "alice@example.com")]
    assert subjects == ["Your email address is about to change", "Your email address was changed"]


@pytest.mark.contract
def test_changing_the_email_needs_a_login(client):
    response = change(client)
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


def test_a_wrong_password_is_403_and_mails_nothing(client, alice, inbox):
    response = change(client, password="not my password at all")
    assert response.status_code == 403
    assert response.get_json()["fields"] == {"password": "is not your password"}
    assert mails_to(inbox, NEW) == mails_to(inbox, "alice@example.com") == []


@pytest.mark.contract
@pytest.mark.parametrize("new_email, problem", [
    ("not an email", "must be an email address like name@example.com"),
    ("Bob <bob@example.com>", "must be an email address like name@example.com"),
    (" ALICE@example.com", "is already your email"),
])
def test_a_bad_new_address_is_400(client, alice, new_email, problem):
    response = change(client, new_email)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"new_email": problem}


@pytest.mark.contract
def test_an_address_of_another_account_is_409(client, alice):
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    response = change(client, "bob@example.com")
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"new_email": "is already taken"}


def test_an_address_taken_before_the_link_is_followed_is_409(app, client, alice, inbox):
    change(client)
    token = mailed_token(inbox)
    app.test_client().post("/auth/register", json={"username": "bob", "email": NEW, "password": PASSWORD})
    response = verify(client, token)
    assert response.status_code == 409
    assert response.get_json()["fields"] == {"email": "is already taken by another account"}
    assert my_email(client) == "alice@example.com"


def test_a_password_reset_kills_a_pending_change(app, client, alice, inbox):
    # Somebody with Alice's password asked for the change; she resets her password.
    change(client)
    token = mailed_token(inbox)
    owner = app.test_client()
    owner.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset_token = mailed_token(inbox, to="alice@example.com", kind="reset-password")
    owner.post("/auth/reset-password", json={"token": reset_token, "password": "a brand new passphrase"})
    assert verify(owner, token).status_code == 400
    assert owner.post("/auth/login", json={"username": "alice@example.com",
                                           "password": "a brand new passphrase"}).status_code == 200


def test_a_reset_link_mailed_to_the_old_address_dies_with_the_change(app, client, alice, inbox):
    # Whoever reads the old mailbox from now on is not the account's owner.
    client.post("/auth/forgot-password", json={"email": "alice@example.com"})
    reset_token = mailed_token(inbox, to="alice@example.com", kind="reset-password")
    change(client)
    assert verify(client, mailed_token(inbox)).status_code == 200
    response = app.test_client().post("/auth/reset-password", json={"token": reset_token,
                                                                    "password": "a brand new passphrase"})
    assert response.status_code == 400


def test_of_two_pending_changes_only_one_can_happen(client, alice, inbox):
    change(client, "first@example.com")
    change(client, "second@example.com")
    first, second = mailed_token(inbox, "first@example.com"), mailed_token(inbox, "second@example.com")
    assert verify(client, second).status_code == 200
    assert verify(client, first).status_code == 400
    assert my_email(client) == "second@example.com"



@pytest.mark.contract
def test_a_link_to_someone_elses_mailbox_cannot_move_the_account_there(app, client, alice, inbox):
    # Alice (the account here) asks to move to Bob's address; Bob gets the
    # link and follows it with what he knows. Without the account's password,
    # Bob's address never becomes hers, and Bob can still register with it.
    bob = "bob@example.com"
    change(client, bob)
    assert verify(app.test_client(), mailed_token(inbox, to=bob), password="bob's own password").status_code == 403
    assert my_email(client) == "alice@example.com"
    registered = app.test_client().post("/auth/register", json={"username": "bob", "email": bob, "password": PASSWORD})
    assert registered.status_code == 201


@pytest.mark.contract
def test_a_used_link_stays_used_when_the_address_comes_back(app, client, alice, inbox):
    # Alice moves to B, then back to A, within the link's 24 hours. Whoever
    # reads B's mailbox still has its used link: it must not move her again.
    change(client)
    to_b = mailed_token(inbox)
    assert verify(client, to_b).status_code == 200
    change(client, "alice@example.com")
    assert verify(client, mailed_token(inbox, to="alice@example.com")).status_code == 200
    again = verify(app.test_client(), to_b)
    assert again.status_code == 400
    assert again.get_json()["fields"] == {"token": "is invalid, expired or already used"}
    assert my_email(client) == "alice@example.com"
