"""Roles from a table (granted from the terminal: roles/cli.py), permissions
in code. Read on every request, never from the cookie: a demotion counts at once."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# A view asks for a permission, never for a role: a new role is one line here.
PERMISSIONS = {
    "admin": frozenset({"users:read", "users:disable", "sessions:revoke", "notes:delete-any"}),
}
# What every account may do with its own things, whatever its roles: an API
# token's scopes are checked against these too (api_tokens/scopes.py).
EVERY_ACCOUNT = frozenset({"account:read", "notes:read", "notes:write"})


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


def roles_of(user):
    return sorted(db.session.scalars(db.select(UserRole.role).where(UserRole.user_id == user.id)))


def permissions_of(user):
    return EVERY_ACCOUNT.union(*(PERMISSIONS.get(role, ()) for role in roles_of(user)))
