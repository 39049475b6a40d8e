"""The passkey tables: the public keys that log their users in, and the
ceremonies in progress (migration 0006). Flask-Migrate sees them because
importing authapp imports this package, and the package this module."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import timestamp, utcnow


class Passkey(db.Model):
    """A public key that logs its user in (WebAuthn). The private key stays in
    the user's authenticator: a phone, a laptop, a security key or a password
    manager. A stolen copy of this table logs nobody in."""
    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The authenticator's id for the credential (at most 1023 bytes). UNIQUE: a
    # credential belongs to one account, whoever else sends its id.
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE format, as the authenticator sent it
    # The random id the authenticator keeps for the account (not users.id:
    # nothing about the account leaks through it). The same for all its passkeys.
    user_handle: Mapped[bytes] = mapped_column(LargeBinary(64))
    # How often the authenticator says it has signed (32 bits, beyond INTEGER's
    # 2^31). Synced passkeys always say 0.
    sign_count: Mapped[int] = mapped_column(BigInteger)
    # WebAuthn's BE and BS flags: may it be copied to other devices (fixed for
    # its life), and has it been (may change).
    backup_eligible: Mapped[bool]
    backed_up: Mapped[bool]
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    def to_dict(self):
        return {"id": self.id, "name": self.name, "created_at": timestamp(self.created_at),
                "last_used_at": timestamp(self.last_used_at), "backed_up": self.backed_up}


class PasskeyChallenge(db.Model):
    """A WebAuthn ceremony in progress in one browser: the challenge its
    authenticator must sign. The cookie holds a random token, this table its
    SHA-256, as for sessions (ceremonies.py)."""
    __tablename__ = "passkey_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the token
    purpose: Mapped[str] = mapped_column(String(8))  # "register" or "login"
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64))
    # Adding a passkey: whose, with which user handle, and its name.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_handle: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
