"""The token routes, for a browser's session only: a token can't make,
list or revoke tokens (a stolen one could otherwise make itself a successor).

    POST   /auth/tokens       {"name", "scopes", "expires_in_days", "password"}   201 {"token", "api_token"}
                              (with two-factor on, a "code" or "recovery_code" too); the token is shown once
    GET    /auth/tokens                                 this account's tokens, never a token itself
    DELETE /auth/tokens/<id>                            204: revoked at once
"""
from datetime import timedelta

from flask import Blueprint, current_app, g
from werkzeug.exceptions import Conflict, NotFound

from ..audit import log_event
from ..digests import digest
from ..errors import FieldErrors
from ..extensions import db
from ..limits import account_key, rate_limited
from ..mail import send_mail
from ..models import User, timestamp, utcnow
from ..passkeys.names import NOT_ONE_PLAIN_LINE, one_plain_line
from ..proofs import require_proof
from ..sessions import login_required
from ..validation import json_object, required_strings
from .format import new_token
from .models import ApiToken
from .scopes import SCOPES

bp = Blueprint("api_tokens", __name__, url_prefix="/auth/tokens")

NAME_MAX_LENGTH = 64


@bp.post("")
@rate_limited("API_TOKEN_CREATE_LIMIT_PER_ACCOUNT", "too many new tokens", by=account_key)
@login_required
def create():
    data = json_object()
    name, scopes, lifetime = token_name(data), requested_scopes(data), lifetime_of(data)  # first: a refused
    # body uses up no code. A session left open on a shared computer must not mint
    # a key that outlives it: the password again, and a code with two-factor on.
    require_proof(g.user, data)
    token = new_token()
    row = ApiToken(user_id=g.user.id, digest=digest(token), name=name, scopes=" ".join(scopes),
                   expires_at=utcnow() + lifetime)
    # One new token at a time per account (PostgreSQL locks the user's row; SQLite
    # writes one at a time anyway), so two requests at once can't both pass the cap.
    db.session.execute(db.select(User.id).where(User.id == g.user.id).with_for_update())
    if len(tokens_of(g.user)) >= current_app.config["API_TOKENS_PER_ACCOUNT"]:
        db.session.rollback()
        raise Conflict(f"an account can have {current_app.config['API_TOKENS_PER_ACCOUNT']} tokens at most: "
                       "revoke one first")
    db.session.add(row)
    db.session.commit()
    log_event("api_token_created", user=g.user, token=row.id, scopes=row.scopes)
    send_mail(g.user.email, "A new API token for your account",
              f"The API token \"{row.name}\" can now act for {g.user.username} ({', '.join(scopes)}) "
              f"until {timestamp(row.expires_at)}.\n\n"
              "If that wasn't you, reset your password now with 'forgot password': that revokes every token.\n")
    return {"token": token, "api_token": row.to_dict()}, 201


@bp.get("")
@login_required
def list_tokens():
    return {"tokens": [row.to_dict() for row in tokens_of(g.user)]}


@bp.delete("/<int(max=2147483647):token_id>")  # a larger id is no row: SQLite would raise on it
@login_required
def revoke(token_id):
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == g.user.id))
    if row is None:  # someone else's, or nobody's: the same answer
        raise NotFound("you have no token with this id")
    name = row.name
    if not delete_once(token_id):  # another request revoked it meanwhile
        raise NotFound("you have no token with this id")
    log_event("api_token_revoked", user=g.user, token=token_id)
    send_mail(g.user.email, "An API token was revoked",
              f"The API token \"{name}\" can no longer act for {g.user.username}.\n\n"
              "If that wasn't you, reset your password now with 'forgot password'.\n")
    return "", 204


def delete_once(token_id):
    """Delete the token's row, and commit. Of two revocations at once, the
    database deletes it once: True only for the request that did, which alone
    goes on to the audit line and the mail."""
    deleted = db.session.execute(db.delete(ApiToken).where(ApiToken.id == token_id))
    db.session.commit()
    return deleted.rowcount == 1


def tokens_of(user):
    return db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()


def token_name(data):
    """A name to tell tokens apart ("backup script"): it goes into mails, so one plain line."""
    (name,) = required_strings(data, "name")
    name = name.strip()
    if not 0 < len(name) <= NAME_MAX_LENGTH:
        raise FieldErrors("some fields are invalid", {"name": f"must be 1 to {NAME_MAX_LENGTH} characters"})
    if not one_plain_line(name):
        raise FieldErrors("some fields are invalid", {"name": NOT_ONE_PLAIN_LINE})
    return name


def requested_scopes(data):
    """At least one scope, each one we know; in a fixed order, each once."""
    scopes = data.get("scopes")
    known = ", ".join(SCOPES)
    if not isinstance(scopes, list) or not scopes or not all(isinstance(scope, str) for scope in scopes):
        raise FieldErrors("some fields are invalid", {"scopes": f"must be a list of one or more of: {known}"})
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise FieldErrors("unknown scope", {"scopes": f"unknown: {', '.join(unknown)[:200]}; use {known}"})
    return [scope for scope in SCOPES if scope in scopes]


def lifetime_of(data):
    """Every token expires: after 30 days unless asked, a year at most."""
    days = data.get("expires_in_days", current_app.config["API_TOKEN_DEFAULT_DAYS"])
    most = current_app.config["API_TOKEN_MAX_DAYS"]
    # bool is an int in Python: true would be one day.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        raise FieldErrors("some fields are invalid", {"expires_in_days": f"must be a whole number from 1 to {most}"})
    return timedelta(days=days)
