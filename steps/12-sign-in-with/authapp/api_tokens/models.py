"""The api_tokens table (migration 0008). Flask-Migrate sees it because
importing authapp imports the views, and the views this module."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, timestamp, utcnow


class ApiToken(db.Model):
    """A personal access token. Only the SHA-256 of the token is stored: a
    stolen copy of this table calls nothing (digests.py says why one fast hash
    is enough for 256 random bits). A revoked token's row is deleted."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the token
    name: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(255))  # space-separated, as OAuth writes them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]  # required: a token that never expires outlives everyone's memory of it
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")  # one query brings the token and its owner

    @property
    def scope_list(self):
        return self.scopes.split()

    def to_dict(self):
        """Never the token: nobody can read it back, its owner neither."""
        return {"id": self.id, "name": self.name, "scopes": self.scope_list,
                "created_at": timestamp(self.created_at), "expires_at": timestamp(self.expires_at),
                "last_used_at": timestamp(self.last_used_at)}


def revoke_api_tokens(user):
    """Revoke every token of `user` (a password reset does)."""
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
