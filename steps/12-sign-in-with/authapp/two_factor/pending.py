"""A pending login: the right password of an account with two-factor on. It is
no session yet; only the second factor turns it into one (views.py). Here too:
the keys that the rate limits of /auth/login/2fa count by."""
import secrets

from flask import current_app, g, session
from flask_limiter.util import get_remote_address
from sqlalchemy import literal

from ..browsers import read_cookie_for
from ..digests import digest
from ..extensions import db
from ..models import User, utcnow
from ..sessions import end_session
from .models import PendingLogin


def start_pending_login(user, only_while):
    """The right password of an account with two-factor on: no session yet.
    This browser gets a pending login instead, which only the second factor
    turns into a session (views.py). Like a session: a random token in the
    cookie, its SHA-256 in the database; expired ones are deleted here. Written
    only while `only_while` holds for the user's row, as start_session() does.
    True if it was."""
    end_session()  # whoever was logged in on this browser is not any more
    max_age = current_app.config["TWO_FACTOR_LOGIN_MAX_AGE"]
    db.session.execute(db.delete(PendingLogin).where(PendingLogin.created_at < utcnow() - max_age))
    token = secrets.token_urlsafe(32)
    row = (db.select(literal(digest(token)), User.id, literal(utcnow()))
           .where(User.id == user.id, User.disabled_at.is_(None), only_while).with_for_update(read=True))
    added = db.session.execute(db.insert(PendingLogin).from_select(["id", "user_id", "created_at"], row)
                               .returning(PendingLogin.id))
    if added.first() is None:
        db.session.rollback()  # the credentials changed meanwhile
        return False
    db.session.commit()
    session["pending_login"] = token
    return True


def pending_login():
    """This browser's pending login, if it is younger than TWO_FACTOR_LOGIN_MAX_AGE;
    else None. Read once per request: the rate limits ask for it first."""
    if "pending_login" not in g:
        token = session.get("pending_login")
        record = db.session.get(PendingLogin, digest(token)) if isinstance(token, str) else None
        max_age = current_app.config["TWO_FACTOR_LOGIN_MAX_AGE"]
        g.pending_login = record if record and utcnow() - record.created_at <= max_age else None
    return g.pending_login


def finish_pending_login(record):
    """Use the pending login up, as one conditional DELETE: of two requests that
    both proved a second factor for it, the database lets one win."""
    finished = db.session.execute(db.delete(PendingLogin).where(PendingLogin.id == record.id))
    return finished.rowcount == 1


def pending_key():
    """This browser's pending login (its id is already a SHA-256)."""
    pending = pending_login()
    return f"pending:{pending.id}" if pending else f"address:{get_remote_address()}"


def pending_account_key():
    pending = pending_login()
    return f"user:{pending.user_id}" if pending else f"address:{get_remote_address()}"


def known_for_pending():
    """This browser's id if it has logged in before to the account that waits for a code here."""
    if "known_for_pending" not in g:
        pending = pending_login()
        g.known_for_pending = read_cookie_for(pending.user if pending else None)
    return g.known_for_pending


def pending_browser_key():
    """One allowance for all of the account's known browsers, not one each: the
    number of cookies someone holds doesn't multiply the guesses at a code."""
    pending = pending_login()
    return f"known-browsers:{pending.user_id}" if pending else f"address:{get_remote_address()}"
