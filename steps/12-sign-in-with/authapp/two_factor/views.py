"""Two-factor authentication's routes: after the password, a code from an
authenticator app (totp.py), or one of the recovery codes (recovery_codes.py)
for the day the phone is lost.

    POST /auth/2fa/setup    {"password"}          a new secret and its QR code; nothing changes yet
    POST /auth/2fa/confirm  {"code"}              two-factor on: ten recovery codes, shown once
    POST /auth/login/2fa    {"code"} or {"recovery_code"}   after the password: the session
    POST /auth/2fa/disable  {"password", "code"}  two-factor off (a recovery code works too)
    GET  /auth/2fa                                on or off, and how many recovery codes are left
"""
import json

from flask import Blueprint, current_app, g, session
from werkzeug.exceptions import Conflict, Unauthorized

from ..access import public
from ..audit import log_event
from ..browsers import remember_browser
from ..errors import FieldErrors
from ..extensions import db
from ..limits import account_key, rate_limited
from ..mail import send_mail
from ..models import User
from ..proofs import require_password, require_proof
from ..sessions import login_required, revoke_sessions, start_session
from ..validation import json_object, required_strings
from . import totp
from .codes import proves_second_factor, second_factor
from .pending import (
    finish_pending_login,
    known_for_pending,
    pending_account_key,
    pending_browser_key,
    pending_key,
    pending_login,
)
from .recovery_codes import codes_left, forget_codes, new_codes

bp = Blueprint("two_factor", __name__, url_prefix="/auth")

# Setting up, confirming and turning off two-factor: one count for the three.
two_factor_change_limit = rate_limited("TWO_FACTOR_CHANGE_LIMIT_PER_ACCOUNT", "too many two-factor changes",
                                       by=account_key, shared=True)

SETUP = "two_factor_setup"  # the key of a setup in progress, in Flask's session cookie


@bp.get("/2fa")
@login_required
def status():
    return {"enabled": g.user.two_factor_enabled, "recovery_codes_left": codes_left(g.user)}


@bp.post("/2fa/setup")
@two_factor_change_limit
@login_required
def setup():
    (password,) = required_strings(json_object(), "password")
    # A session left open on a shared computer is not enough (proofs.py).
    require_password(g.user, password, "password", "is not your password")
    if g.user.two_factor_enabled:
        raise Conflict("two-factor authentication is already on: turn it off first")
    secret = totp.new_secret()
    # Nothing is stored yet: the secret waits in this browser's cookie, encrypted,
    # until a code from the app proves that the app has it (confirm, below).
    session[SETUP] = totp.encrypt(json.dumps({"user": g.user.id, "secret": secret}))
    uri, qr_svg = totp.provisioning(g.user, secret)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg}


@bp.post("/2fa/confirm")
@two_factor_change_limit
@login_required
def confirm():
    (code,) = required_strings(json_object(), "code")
    code = totp.read_code("code", code)
    secret = secret_being_set_up()
    if secret is None:
        raise FieldErrors("no two-factor setup is waiting: start again with /auth/2fa/setup", {})
    step = totp.matching_step(secret, code)
    if step is None:
        raise FieldErrors("wrong code", {"code": "is not the code your app shows (is the phone's clock right?)"})
    if not totp.turn_on(g.user, secret, step):  # another request turned it on meanwhile
        raise Conflict("two-factor authentication is already on")
    codes = new_codes(g.user)
    revoke_sessions(g.user)  # sessions that the password alone started end here...
    start_session(g.user)  # ...and this browser gets a new session id (commits it all)
    remember_browser(g.user)  # known again: the new secret made every browser unknown (browsers.py)
    log_event("two_factor_enabled", user=g.user)
    send_mail(g.user.email, "Two-factor authentication is on",
              f"Logging in to {g.user.username} now takes a code from your authenticator app after the password.\n\n"
              "If that wasn't you, reset your password now with 'forgot password', then contact us.\n")
    return {"recovery_codes": codes}


def secret_being_set_up():
    """The secret this browser is setting up for the logged-in user; None if there
    is none, it is older than TWO_FACTOR_SETUP_MAX_AGE, or another user's."""
    data = totp.decrypt(session.get(SETUP, ""), max_age=current_app.config["TWO_FACTOR_SETUP_MAX_AGE"])
    data = json.loads(data) if data else {}
    return data["secret"] if data.get("user") == g.user.id else None


@bp.post("/login/2fa")
@public
# Per password entry, and per account as for passwords, with the known browsers'
# own allowance (no lockout by someone who has only the password), which all of
# the account's known browsers share.
@rate_limited("TWO_FACTOR_LIMIT_PER_LOGIN", "too many codes for this login", by=pending_key)
@rate_limited("TWO_FACTOR_LIMIT_PER_ACCOUNT", "too many codes for this account", by=pending_account_key,
              exempt_when=known_for_pending)
@rate_limited("TWO_FACTOR_LIMIT_PER_KNOWN_BROWSER", "too many codes from this browser", by=pending_browser_key,
              exempt_when=lambda: not known_for_pending())
def login_with_code():
    field, value = second_factor(json_object())
    pending = pending_login()  # this browser's, after the right password (pending.py)
    if pending is None or not pending.user.two_factor_enabled:
        raise Unauthorized("no login is waiting for a code here: log in with your password first")
    user = pending.user
    attempt = count_attempt(user)
    if attempt is None:
        raise Unauthorized(LOCKED)
    if not proves_second_factor(user, field, value):
        log_event("login_code_failed", user=user)
        if attempt == MAX_FAILURES:
            send_locked_notice(user)
        raise Unauthorized("invalid code")
    if not finish_pending_login(pending):  # another request finished this login meanwhile
        raise Unauthorized("no login is waiting for a code here: log in with your password first")
    db.session.execute(db.update(User).where(User.id == user.id).values(second_factor_failures=0))
    start_session(user)  # a new session id, as for every login (commits the used code too)
    remember_browser(user)
    log_event("login_succeeded", user=user, second_factor=field)
    if field == "recovery_code":
        send_mail(user.email, "A recovery code was used",
                  f"Someone logged in to {user.username} with a recovery code. "
                  f"Recovery codes left: {codes_left(user)}.\n\n"
                  "If that wasn't you, your recovery codes are no longer secret: log in, turn two-factor\n"
                  "authentication off and on again (that makes new codes), and change your password.\n")
    return {"user": user.to_dict()}


# NIST SP 800-63B-4 section 3.2.2: at most 100 consecutive failed attempts at
# one account. The rate limits (above) make reaching it take hours; this is
# the hard stop behind them.
MAX_FAILURES = 100
LOCKED = "too many wrong codes in a row: reset your password to unlock the second factor"


def count_attempt(user):
    """Count this attempt before the code is checked, in one conditional UPDATE,
    so simultaneous ones can't slip past the cap; in a transaction of its own,
    committed at once, so it stays counted whatever this request does next.
    Its number in the current run of failures (a right code sets it back to 0),
    or None when MAX_FAILURES have failed in a row: then only a password reset
    unlocks (authapp/passwords.py)."""
    with db.engine.begin() as connection:
        counted = connection.execute(
            db.update(User).where(User.id == user.id, User.second_factor_failures < MAX_FAILURES)
            .values(second_factor_failures=User.second_factor_failures + 1).returning(User.second_factor_failures))
        return counted.scalar()


def send_locked_notice(user):
    send_mail(user.email, "Your second factor is locked",
              f"Someone typed {MAX_FAILURES} wrong codes in a row after the password of {user.username}.\n"
              "Logging in with a code or a recovery code is locked until the password is reset.\n\n"
              "Reset it now with 'forgot password': that unlocks it, and whoever knew the old password\n"
              "can't use it any more.\n")


@bp.post("/2fa/disable")
@two_factor_change_limit
@login_required
def disable():
    data = json_object()
    second_factor(data)  # this route always takes a code: a missing one is a 400, even when it is off
    require_proof(g.user, data)
    if not g.user.two_factor_enabled:
        raise Conflict("two-factor authentication is already off")
    totp.turn_off(g.user)
    forget_codes(g.user)
    db.session.commit()
    remember_browser(g.user)  # it gave the password and a code: known again (browsers.py)
    log_event("two_factor_disabled", user=g.user)
    send_mail(g.user.email, "Two-factor authentication is off",
              f"Logging in to {g.user.username} now takes the password alone.\n\n"
              "If that wasn't you, reset your password now with 'forgot password', then turn\n"
              "two-factor authentication on again.\n")
    return {"message": "two-factor authentication is off"}

