"""The database tables, in SQLAlchemy 2.x typed style."""
import unicodedata
from datetime import datetime, timezone

from flask import current_app, g
from sqlalchemy import ForeignKey, String, false, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import generate_password_hash

from .extensions import db
from .hashing import check_hash, method_of, written_method
from .roles import roles_of


def utcnow():
    """Now, in UTC, without tzinfo: SQLite and PostgreSQL then agree on what they return."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def timestamp(moment):
    """ISO 8601 in UTC, e.g. "2026-11-29T10:15:00Z"; None stays None."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def normalized(password):
    """One form for the same text: "é" can be typed as one character or as "e"
    plus an accent, and both must be the same password. NIST SP 800-63B-4
    (3.1.1.2) asks for NFKC or NFKD normalisation before hashing."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password):
    return generate_password_hash(normalized(password), method=current_app.config["PASSWORD_HASH_METHOD"])


class User(db.Model):
    __tablename__ = "users"
    # SQLite hands a deleted user's id to the next new row unless told not to;
    # anything that still holds the old id (a session, a link) would then point
    # at somebody else. PostgreSQL never reuses ids.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see below), so the UNIQUE constraint is case-insensitive.
    username: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # 254: the longest usable address
    password_hash: Mapped[str] = mapped_column(String(255))
    # True once the owner has followed a link we mailed to `email`. Accounts
    # older than this step were set to True by migration 0004 (see there).
    email_verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor authentication (two_factor/totp.py): the TOTP secret, encrypted, or None
    # while two-factor is off; and the time step of the last code accepted, so
    # that no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None]
    # Wrong second factors in a row at login; at 100 the second factor is locked
    # until a password reset (two_factor/views.py).
    second_factor_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an admin (admin/): no login, and every session refused, until enabled.
    disabled_at: Mapped[datetime | None]

    @validates("username", "email")
    def normalize(self, key, value):
        # "Alice" and "alice" are one account: the database decides, not our code.
        return login_name(value)

    def set_password(self, password):
        # We never store the password, only a salted, deliberately slow hash of it.
        self.password_hash = hash_password(password)

    def set_password_if_unchanged(self, password):
        """set_password() as one conditional UPDATE, which matches only while the
        hash loaded with this user is still stored: of two requests racing with
        the same reset link, the database lets one win. True if this one did."""
        updated = db.session.execute(
            db.update(User).where(User.id == self.id, User.password_hash == self.password_hash)
            .values(password_hash=hash_password(password)))
        return updated.rowcount == 1

    def prove_email(self, old_email, new_email, password):
        """Make `new_email` this account's verified address, as one conditional
        UPDATE that matches only while the account still has `old_email` and
        the hash loaded with this user: of two requests racing with one link,
        the database lets one win. True if this one did. (For a new account both
        addresses are the same; for a change of email they differ.)
        It stores a new hash of the same password (a new salt): every link
        carries the old hash's fingerprint, so none made before works again,
        even once the address has gone A -> B -> A."""
        updated = db.session.execute(
            db.update(User).where(User.id == self.id, User.email == old_email, User.password_hash == self.password_hash)
            .values(email=new_email, email_verified=True, password_hash=hash_password(password)))
        return updated.rowcount == 1

    @property
    def two_factor_enabled(self):
        return self.totp_secret is not None

    def check_password(self, password):
        return check_hash(self.password_hash, normalized(password))

    def needs_rehash(self):
        """True when the hash was made with other settings than today's (a wrapped one too)."""
        return method_of(self.password_hash) != written_method(current_app.config["PASSWORD_HASH_METHOD"])

    def to_dict(self):
        """The public view of a user: never the hash."""
        return {"id": self.id, "username": self.username, "email": self.email,
                "email_verified": self.email_verified, "roles": roles_of(self)}


def login_name(text):
    """A username or email as it is stored and looked up: trimmed, lower-case."""
    return text.strip().lower()


def find_user(name):
    """The user with this username or email (usernames can't contain '@').
    Looked up once per request: the rate limits ask before the login does."""
    name = login_name(name)
    found = g.setdefault("users_by_name", {})
    if name not in found:
        found[name] = db.session.scalar(db.select(User).where(or_(User.username == name, User.email == name)))
    return found[name]


class AlreadyTaken(Exception):
    """Another account has this username or email; `fields` says which."""

    def __init__(self, fields):
        super().__init__(fields)
        self.fields = fields


def add_user(username, email, password):
    """Add a user and commit. No "is it taken?" query first: two requests could
    both pass it. The UNIQUE constraints decide, and the loser gets AlreadyTaken."""
    user = User(username=username, email=email)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyTaken(taken_fields(user)) from None
    return user


def taken_fields(user):
    """Which of the user's unique fields another account already has."""
    taken = {}
    for field in ("username", "email"):
        column = getattr(User, field)
        if db.session.scalar(db.select(User.id).where(column == getattr(user, field))):
            taken[field] = "is already taken"
    return taken


class UserSession(db.Model):
    """One logged-in browser. The cookie holds a random token; this table holds
    only its SHA-256, so a stolen copy of the database logs nobody in."""
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its owner last proved who she is: the login, or /auth/reauthenticate (sudo.py).
    proved_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")  # one query brings the session and its user
