"""`flask create-user`."""
from authapp.extensions import db
from authapp.models import User
from conftest import PASSWORD


def test_create_user_asks_for_the_password_twice(app, runner):
    result = runner.invoke(args=["create-user", "alice", "alice@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "created user alice" in result.output
    assert PASSWORD not in result.output  # the prompt hides what you type
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.check_password(PASSWORD)


def test_mismatched_confirmation_asks_again(app, runner):
    result = runner.invoke(args=["create-user", "alice", "alice@example.com"],
                           input=f"{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output


def test_password_is_not_an_option(runner):
    result = runner.invoke(args=["create-user", "alice", "alice@example.com", "--password", "x"])
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_duplicate_user_is_a_clear_error(app, runner):
    answers = f"{PASSWORD}\n{PASSWORD}\n"
    runner.invoke(args=["create-user", "alice", "alice@example.com"], input=answers)
    result = runner.invoke(args=["create-user", "Alice", "new@example.com"], input=answers)
    assert result.exit_code == 1
    assert "already taken" in result.output


def test_create_user_applies_the_same_rules_as_the_api(app, runner):
    result = runner.invoke(args=["create-user", "a", "not-an-email"], input="short\nshort\n")
    assert result.exit_code == 1
    for problem in ("username must be 3 to 30", "email must be an email", "password must be at least 15"):
        assert problem in result.output


def test_a_username_with_an_at_sign_is_refused(app, runner):
    # Otherwise "bob@example.com" as a username could pose as Bob's email at login.
    result = runner.invoke(args=["create-user", "bob@example.com", "mallory@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 1
    assert "username" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(User)) is None


def test_a_user_made_here_verifies_the_address_like_everyone_else(runner, plain_client, inbox):
    result = runner.invoke(args=["create-user", "alice", "alice@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "the link that verifies alice@example.com is in the mail" in result.output
    login = {"username": "alice", "password": PASSWORD}
    assert plain_client.post("/auth/login", json=login).status_code == 403
    (mail,) = inbox.messages
    token = mail.get_content().split("verify-email?token=")[1].split()[0]
    assert plain_client.post("/auth/verify-email", json={"token": token, "password": PASSWORD}).status_code == 200
    assert plain_client.post("/auth/login", json=login).status_code == 200
