"""Two-factor's tables. Its columns of the users table (the secret, the last
step used, the failures in a row) stay on User, in authapp/models.py."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, utcnow


class PendingLogin(db.Model):
    """A login that has passed the password and waits for the second factor. It is
    no session: /auth/me doesn't know it. The browser's cookie holds a random
    token, this table its SHA-256, as for sessions."""
    __tablename__ = "pending_logins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(db.Model):
    """One unused recovery code, as its SHA-256 (recovery_codes.py says why a fast
    hash is enough here). A used code is deleted."""
    __tablename__ = "recovery_codes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
