"""Server-side sessions: the cookie carries a random token, the database says
whether it is still valid. Deleting the row logs that browser out for good."""
import hashlib
import secrets
from datetime import timedelta
from functools import wraps

from flask import current_app, g, session
from werkzeug.exceptions import Unauthorized

from .extensions import db
from .models import UserSession, utcnow

# Writing last_seen_at on every request would cost a database write per
# request; once a minute is precise enough for a 30-minute idle timeout.
TOUCH_INTERVAL = timedelta(minutes=1)


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user):
    """Log `user` in with a brand-new token (never reuse one from before login)."""
    end_session()
    token = secrets.token_urlsafe(32)  # 256 random bits
    db.session.add(UserSession(id=digest(token), user_id=user.id))
    db.session.commit()
    session["sid"] = token


def end_session():
    """Delete this browser's session row, if any, and empty the cookie."""
    token = session.pop("sid", None)
    if token:
        db.session.execute(db.delete(UserSession).where(UserSession.id == digest(token)))
        db.session.commit()
    session.clear()


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
    return wrapper
