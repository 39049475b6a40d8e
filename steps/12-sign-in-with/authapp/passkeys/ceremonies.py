"""WebAuthn ceremonies in progress: the challenge that a browser's
authenticator must sign, kept between the options and the answer.

A challenge is random (64 bytes from the secrets module, made by py_webauthn;
WebAuthn asks for 16 at least), works once, works only in the browser that
asked for it, and only for PASSKEY_CEREMONY_MAX_AGE. As for sessions, the
browser's cookie holds a random token and the table holds its SHA-256, next
to the challenge.
"""
import math
import secrets

from flask import current_app, session
from werkzeug.exceptions import ServiceUnavailable

from ..digests import digest
from ..extensions import db
from ..models import utcnow
from .models import PasskeyChallenge

COOKIE_KEY = "passkey_ceremony"  # its key in Flask's session cookie


def start_ceremony(purpose, challenge, user=None, user_handle=None, name=None):
    """Keep `challenge` for this browser ("register" or "login"); a ceremony
    it had before is over. Expired ones of every browser are deleted here, so
    that a flood of requests for options can't fill the table."""
    db.session.execute(db.delete(PasskeyChallenge).where(PasskeyChallenge.created_at < utcnow() - max_age()))
    if isinstance(previous := session.get(COOKIE_KEY), str):
        db.session.execute(db.delete(PasskeyChallenge).where(PasskeyChallenge.id == digest(previous)))
    refuse_when_full()
    token = secrets.token_urlsafe(32)
    db.session.add(PasskeyChallenge(id=digest(token), purpose=purpose, challenge=challenge,
                                    user_id=user.id if user else None, user_handle=user_handle, name=name))
    db.session.commit()
    session[COOKIE_KEY] = token


def refuse_when_full():
    """A flood from many addresses outruns the limit per address, and each
    request for options stores a row: past PASSKEY_CEREMONIES_MAX live ones,
    new ceremonies wait for old ones to expire (a 503 that says how long).
    Evicting live ones instead would let the flood cancel real users' logins."""
    kept, oldest = db.session.execute(
        db.select(db.func.count(), db.func.min(PasskeyChallenge.created_at))).one()
    if kept >= current_app.config["PASSKEY_CEREMONIES_MAX"]:
        db.session.commit()  # the expired ones deleted above stay deleted
        wait = math.ceil((oldest + max_age() - utcnow()).total_seconds())
        raise ServiceUnavailable("too many passkey ceremonies in progress: try again later", retry_after=max(wait, 1))


def take_ceremony(purpose):
    """This browser's ceremony of `purpose`, used up; None if it has none, or
    an expired one. It is used up even if the answer turns out wrong, or was
    sent to the other ceremony's route: every answer needs a new challenge."""
    token = session.pop(COOKIE_KEY, None)
    record = db.session.get(PasskeyChallenge, digest(token)) if isinstance(token, str) else None
    if record is None:
        return None
    fits = record.purpose == purpose and utcnow() - record.created_at <= max_age()
    return record if use_up(record) and fits else None


def use_up(record):
    """Delete the ceremony, as one conditional DELETE: of two requests that
    brought the same cookie and both found it, the database lets one win."""
    used = db.session.execute(db.delete(PasskeyChallenge).where(PasskeyChallenge.id == record.id))
    db.session.commit()
    return used.rowcount == 1


def max_age():
    return current_app.config["PASSKEY_CEREMONY_MAX_AGE"]
