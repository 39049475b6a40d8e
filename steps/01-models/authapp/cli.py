"""`flask create-user`: make an account from the terminal."""
import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import User


@click.command("create-user")
@click.argument("username")
@click.argument("email")
@with_appcontext
def create_user(username, email):
    """Create a user. The password is asked for, never passed as an argument
    (arguments end up in your shell history and in `ps` output)."""
    if "@" in username:
        # Logging in will accept a username or an email, told apart by the '@':
        # a username with one could pose as somebody else's email address.
        raise click.ClickException("a username can't contain '@'")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = User(username=username, email=email)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException("that username or email is already taken") from None
    click.echo(f"created user {user.username} (id {user.id})")


def register_commands(app):
    app.cli.add_command(create_user)
