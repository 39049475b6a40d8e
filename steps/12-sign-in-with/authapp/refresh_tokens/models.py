"""A family is one sign-in of one app; each refresh token belongs to one."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User


class RefreshFamily(db.Model):
    __tablename__ = "refresh_families"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never shown
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]  # the sign-in: the absolute limit counts from here
    # Set once, never cleared: reuse detected, RFC 7009 revocation, logout everywhere, a reset.
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class RefreshToken(db.Model):
    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the token
    family_id: Mapped[str] = mapped_column(ForeignKey("refresh_families.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]  # the last use of the family: the idle limit counts from here
    used_at: Mapped[datetime | None]  # exchanged for the next one: presenting it again is reuse

    family: Mapped[RefreshFamily] = relationship(lazy="joined")
