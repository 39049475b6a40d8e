"""An identity at a provider: who the provider says signed in, linked to one account."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, timestamp, utcnow


class Identity(db.Model):
    """(issuer, subject) names a person at a provider, for good: OpenID Connect
    Core 1.0 ("Claim Stability and Uniqueness") says only that pair is stable
    and unique. The email is not: the person can change it at the provider, and
    another person may get the old one. So the email here is only shown, never
    looked up."""
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))  # "sub": at most 255 ASCII characters (Core 1.0 section 2)
    email: Mapped[str | None] = mapped_column(String(254))  # what the provider said last time, for the list
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def to_dict(self):
        return {"id": self.id, "issuer": self.issuer, "email": self.email,
                "created_at": timestamp(self.created_at), "last_used_at": timestamp(self.last_used_at)}
