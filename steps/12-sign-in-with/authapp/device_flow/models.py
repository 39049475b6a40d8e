"""One request of an app for tokens, from its start to its approval and its tokens."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User


class DeviceAuthorization(db.Model):
    __tablename__ = "device_authorizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the device_code
    user_code: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the code, normalized
    client_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    interval: Mapped[int]  # seconds the app must wait between polls; slow_down adds 5
    next_poll_at: Mapped[datetime]  # a poll before this is too fast
    # Who approved it (or refused it), and when the app collected its tokens: each happens once.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    approved_at: Mapped[datetime | None]
    denied_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(lazy="joined")
