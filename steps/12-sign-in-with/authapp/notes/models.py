from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import timestamp, utcnow

TEXT_MAX_LENGTH = 2000


class Note(db.Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(TEXT_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_dict(self):
        return {"id": self.id, "text": self.text, "created_at": timestamp(self.created_at)}
