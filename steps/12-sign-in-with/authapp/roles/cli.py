"""flask grant-role / revoke-role: no route changes a role, so it takes a shell on the server."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..models import find_user
from . import PERMISSIONS, UserRole


def user_and_role(name, role):
    user = find_user(name)
    if user is None:
        raise click.ClickException(f"no user called {name!r}")
    if role not in PERMISSIONS:
        raise click.ClickException(f"no role called {role!r}: the roles are {', '.join(sorted(PERMISSIONS))}")
    return user


@click.command("grant-role")
@click.argument("name")
@click.argument("role")
@with_appcontext
def grant_role(name, role):
    """Give the user NAME (a username or email) the role ROLE."""
    user = user_and_role(name, role)
    if db.session.get(UserRole, (user.id, role)) is None:
        db.session.add(UserRole(user_id=user.id, role=role))
        db.session.commit()
        audit("role_granted", user, role)
    click.echo(f"{user.username} has the role {role}")


@click.command("revoke-role")
@click.argument("name")
@click.argument("role")
@with_appcontext
def revoke_role(name, role):
    """Take the role ROLE from the user NAME. The last admin stays."""
    user = user_and_role(name, role)
    # Locked (PostgreSQL): two revocations at once can't both count two admins.
    holders = db.session.scalars(db.select(UserRole.user_id).where(UserRole.role == role).with_for_update()).all()
    if user.id not in holders:
        raise click.ClickException(f"{user.username} doesn't have the role {role}")
    if role == "admin" and len(holders) == 1:
        raise click.ClickException(f"{user.username} is the last admin: grant the role to someone else first")
    db.session.execute(db.delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == role))
    db.session.commit()
    audit("role_revoked", user, role)
    click.echo(f"{user.username} no longer has the role {role}")


def audit(event, user, role):
    current_app.logger.getChild("audit").info("%s user=%s role=%s by=terminal", event, user.id, role)
