"""Server-side sessions: the cookie carries a random token, the database says
whether it is still valid. Deleting the row logs that browser out for good."""
import secrets
from datetime import timedelta
from functools import wraps

from flask import current_app, g, session
from sqlalchemy import literal, true
from werkzeug.exceptions import Unauthorized

from .digests import digest
from .extensions import db
from .models import User, UserSession, utcnow
from .refresh_tokens.rotation import revoke_families
from .two_factor.models import PendingLogin

# Writing last_seen_at on every request would cost a database write per
# request; once a minute is precise enough for a 30-minute idle timeout.
TOUCH_INTERVAL = timedelta(minutes=1)


def start_session(user, only_while=None):
    """Log `user` in with a brand-new token (never reuse one from before login).
    `only_while`, if given, is a condition on the user's row, such as "the password
    hash is still the one the password was checked against": the session is
    written only if it holds at that moment. True if the session was started."""
    end_session()
    token = secrets.token_urlsafe(32)  # 256 random bits
    if not add_session_row(digest(token), user, only_while):
        db.session.rollback()  # the credentials changed meanwhile: nothing of this login is kept
        return False
    db.session.commit()
    session["sid"] = token
    return True


def add_session_row(session_id, user, only_while):
    """INSERT the session row, SELECTed from the user's row where `only_while`
    holds: one statement, so a password change can't slip in between a check and
    the insert. FOR SHARE (PostgreSQL; SQLite writes one at a time anyway) waits
    for a change that is being written, then judges the changed row."""
    now = utcnow()
    row = (db.select(literal(session_id), User.id, literal(now), literal(now), literal(now))
           .where(User.id == user.id, User.disabled_at.is_(None), true() if only_while is None else only_while)
           .with_for_update(read=True))
    added = db.session.execute(db.insert(UserSession).from_select(
        ["id", "user_id", "created_at", "last_seen_at", "proved_at"], row).returning(UserSession.id))
    return added.first() is not None  # RETURNING, since not every driver counts an INSERT ... SELECT


def end_session():
    """Delete this browser's session row, if any, and empty the cookie."""
    token = session.pop("sid", None)
    if token:
        db.session.execute(db.delete(UserSession).where(UserSession.id == digest(token)))
        db.session.commit()
    if pending := session.pop("pending_login", None):  # a login that waited for a code: over too
        db.session.execute(db.delete(PendingLogin).where(PendingLogin.id == digest(pending)))
        db.session.commit()
    session.clear()


def revoke_sessions(user):
    """End every session of `user` on the server, every login of theirs
    that waits for a second factor, and every app's refresh tokens."""
    db.session.execute(db.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(db.delete(PendingLogin).where(PendingLogin.user_id == user.id))
    revoke_families(user)


def session_record():
    """The sessions row this request's cookie names, valid or not, or None (reads only)."""
    token = session.get("sid")
    return db.session.get(UserSession, digest(token)) if isinstance(token, str) else None


def current_session():
    """The valid UserSession for this request's cookie, or None.
    It also writes: it deletes an expired session, and records activity (at
    most once a minute), committing both."""
    record = session_record()
    if record is None or record.user is None:  # no such session, or its user is gone
        return None
    if record.user.disabled_at is not None:  # an admin disabled the account (admin/)
        return None
    now = utcnow()
    idle_limit = current_app.config["SESSION_IDLE_TIMEOUT"]
    absolute_limit = current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    if now - record.last_seen_at > idle_limit or now - record.created_at > absolute_limit:
        end_session()
        return None
    if now - record.last_seen_at > TOUCH_INTERVAL:
        record.last_seen_at = now
        db.session.commit()
    return record


def login_required(view):
    """Run the view only for a logged-in user (as g.user); otherwise a 401."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        record = current_session()
        if record is None:
            raise Unauthorized("login required")
        g.session, g.user = record, record.user
        return view(*args, **kwargs)
    wrapper.access_rule = "login required"  # deny by default (access.py)
    return wrapper
