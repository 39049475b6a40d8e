"""Sudo mode: admin routes need a second factor on the account and a proof of
identity (a login, or POST /auth/reauthenticate) younger than SUDO_MAX_AGE."""
from functools import wraps

from flask import Blueprint, current_app, g
from werkzeug.exceptions import Forbidden

from .audit import log_event
from .extensions import db
from .limits import account_key, rate_limited
from .models import utcnow
from .passkeys.models import Passkey
from .proofs import require_proof
from .sessions import login_required
from .validation import json_object

bp = Blueprint("sudo", __name__, url_prefix="/auth")

NO_SECOND_FACTOR = "this needs a second factor on your account: turn on two-factor authentication or add a passkey"
NOT_RECENT = "this needs a recent proof that it is you: POST /auth/reauthenticate with your password (and code)"


@bp.post("/reauthenticate")
@rate_limited("REAUTHENTICATE_LIMIT_PER_ACCOUNT", "too many re-authentications", by=account_key)
@login_required
def reauthenticate():
    require_proof(g.user, json_object())  # the password and, with two-factor on, a code (proofs.py)
    g.session.proved_at = utcnow()
    db.session.commit()
    log_event("reauthenticated", user=g.user)
    return {"message": "proof of identity recorded", "recent_for_seconds": int(max_age().total_seconds())}


def recent_proof_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        require_recent_proof()
        return view(*args, **kwargs)
    return wrapper


def require_recent_proof():
    if not has_second_factor(g.user):
        raise Forbidden(NO_SECOND_FACTOR)
    proved_at = g.session.proved_at  # None: a session from before this step
    if proved_at is None or utcnow() - proved_at > max_age():
        raise Forbidden(NOT_RECENT)


def has_second_factor(user):
    has_passkey = db.session.scalar(db.select(Passkey.id).where(Passkey.user_id == user.id).limit(1))
    return user.two_factor_enabled or has_passkey is not None


def max_age():
    return current_app.config["SUDO_MAX_AGE"]
