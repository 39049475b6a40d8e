"""`flask create-user`: make an account from the terminal."""
import click
from flask.cli import with_appcontext

from .errors import FieldErrors
from .models import AlreadyTaken, add_user
from .roles.cli import grant_role, revoke_role
from .validation import check_registration
from .verification import send_verification_mail


@click.command("create-user")
@click.argument("username")
@click.argument("email")
@with_appcontext
def create_user(username, email):
    """Create a user. The password is asked for, never passed as an argument
    (arguments end up in your shell history and in `ps` output)."""
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        username, email = check_registration(username, email, password)  # the same rules as the API
        user = add_user(username, email, password)
    except FieldErrors as error:
        raise click.ClickException("; ".join(f"{name} {problem}" for name, problem in error.fields.items())) from None
    except AlreadyTaken:
        raise click.ClickException("that username or email is already taken") from None
    send_verification_mail(user)  # the same rule as the API: the owner proves the mailbox
    click.echo(f"created user {user.username} (id {user.id}); the link that verifies {user.email} is in the mail")


def register_commands(app):
    app.cli.add_command(create_user)
    app.cli.add_command(grant_role)
    app.cli.add_command(revoke_role)
