"""POST /auth/device (the app asks), POST /auth/device/approve (its user, logged in, says yes)."""
import secrets

from flask import Blueprint, current_app, g
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..access import public
from ..api_tokens.scopes import SCOPES
from ..audit import log_event
from ..digests import digest
from ..errors import FieldErrors
from ..extensions import db
from ..limits import account_key, address_key, rate_limited
from ..oauth import OAuthError, known_client, parameters
from ..sessions import login_required
from ..validation import json_object, required_strings
from .models import DeviceAuthorization
from .user_codes import new_user_code, normalized

bp = Blueprint("device", __name__, url_prefix="/auth")
UNKNOWN_CODE = "unknown, expired or already used code"  # one message: the answer tells a guesser nothing


@bp.post("/device")
@rate_limited("DEVICE_START_LIMIT_PER_ADDRESS", "too many sign-ins started", by=address_key)
@public
def start():
    asked = parameters("client_id", "scope", json_too=True)
    client_id = known_client(asked["client_id"])
    scope = requested_scope(asked["scope"])
    device_code = secrets.token_urlsafe(32)  # the app's secret: stored as its SHA-256 only
    user_code = add_authorization(digest(device_code), client_id, scope)
    config = current_app.config
    return {"device_code": device_code, "user_code": user_code,
            "verification_uri": config["FRONTEND_URL"] + "/device",
            "expires_in": int(config["DEVICE_CODE_LIFETIME"].total_seconds()),
            "interval": config["DEVICE_POLL_INTERVAL"]}


def requested_scope(scope):
    """The scopes asked for, space-separated (RFC 6749, section 3.3); all of them if none."""
    asked = scope.split() if scope else list(SCOPES)
    if not set(asked) <= set(SCOPES):
        raise OAuthError("invalid_scope", f"scopes are among: {' '.join(SCOPES)}")
    return " ".join(sorted(set(asked)))


def add_authorization(device_digest, client_id, scope):
    """Store the request; its user code. Two equal user codes are refused by
    the UNIQUE constraint (about once in 2.6e10 per pair): then draw again."""
    now, config = clock.now(), current_app.config
    while True:
        user_code = new_user_code()
        db.session.add(DeviceAuthorization(
            id=device_digest, user_code=digest(normalized(user_code)), client_id=client_id, scope=scope,
            created_at=now, expires_at=now + config["DEVICE_CODE_LIFETIME"],
            interval=config["DEVICE_POLL_INTERVAL"], next_poll_at=now))
        try:
            db.session.commit()
            return user_code
        except IntegrityError:
            db.session.rollback()


@bp.post("/device/approve")
@rate_limited("DEVICE_APPROVE_LIMIT_PER_ADDRESS", "too many codes tried", by=address_key)
@rate_limited("DEVICE_APPROVE_LIMIT_PER_ACCOUNT", "too many codes tried", by=account_key)
@login_required
def approve():
    """The logged-in user says yes to the code her app shows ({"approve": false}: no).
    Session only: a token can't approve another token."""
    data = json_object()
    (typed,) = required_strings(data, "user_code")
    approved = data.get("approve", True)
    if not isinstance(approved, bool):
        raise FieldErrors("some fields are invalid", {"approve": "must be true or false"})
    code = normalized(typed)
    record = decide(digest(code), g.user, approved) if code else None
    if record is None:
        raise FieldErrors(UNKNOWN_CODE, {"user_code": UNKNOWN_CODE})
    log_event("device_approved" if approved else "device_denied", user=g.user, client=record.client_id)
    return {"approved": approved, "client_id": record.client_id, "scope": record.scope}


def decide(user_code_digest, user, approved):
    """One conditional UPDATE: a code is decided once, by one user, before it
    expires, even when two approvals race. The record, or None."""
    now = clock.now()
    decided = db.session.execute(
        db.update(DeviceAuthorization)
        .where(DeviceAuthorization.user_code == user_code_digest, DeviceAuthorization.user_id.is_(None),
               DeviceAuthorization.denied_at.is_(None), DeviceAuthorization.expires_at > now)
        .values(user_id=user.id, approved_at=now if approved else None, denied_at=None if approved else now))
    db.session.commit()
    if decided.rowcount != 1:
        return None
    return db.session.scalar(db.select(DeviceAuthorization).where(DeviceAuthorization.user_code == user_code_digest))
