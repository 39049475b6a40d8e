"""Roles from a table, permissions in code.

Which users hold which role is data (the user_roles table, changed only from
the terminal: roles/cli.py). What a role may do is code (PERMISSIONS, below):
a reviewer reads it in one place, and no row of the database can invent a
permission. Roles are read from the database on every request, never from the
cookie: a demoted admin is a plain user from her next request on.
"""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Each role's permissions, "what:verb". A view asks for a permission
# (@permission_required in access.py), never for a role: a new role is a
# new line here, not a change to every view.
PERMISSIONS = {
    "admin": frozenset({"users:read", "users:disable", "sessions:revoke", "notes:delete-any"}),
}


class UserRole(db.Model):
    """One role held by one user."""
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


def roles_of(user):
    """The names of the user's roles, sorted, as the database has them now."""
    return sorted(db.session.scalars(db.select(UserRole.role).where(UserRole.user_id == user.id)))


def permissions_of(user):
    """Every permission the user's roles give."""
    return frozenset().union(*(PERMISSIONS.get(role, ()) for role in roles_of(user)))
