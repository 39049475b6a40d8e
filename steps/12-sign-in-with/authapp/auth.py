"""The auth blueprint: register, log in, log out, who am I."""
from functools import cache

from flask import Blueprint, current_app, g
from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.security import generate_password_hash

from .access import public, token_or_session
from .audit import log_event
from .browsers import known_browser, remember_browser
from .errors import FieldErrors
from .hashing import check_hash
from .limits import address_key, browser_key, name_key, rate_limited
from .models import AlreadyTaken, User, add_user, find_user
from .sessions import current_session, end_session, start_session
from .two_factor.pending import start_pending_login
from .validation import PASSWORD_MAX_LENGTH, check_registration, json_object, no_form_body, required_strings
from .verification import send_verification_mail

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.post("/register")
@public
@rate_limited("REGISTER_LIMIT_PER_ADDRESS", "too many registrations from your address", by=address_key)
def register():
    username, email, password = required_strings(json_object(), "username", "email", "password")
    username, email = check_registration(username, email, password)
    try:
        user = add_user(username, email, password)
    except AlreadyTaken as taken:  # the database said no: see add_user()
        raise FieldErrors("already registered", taken.fields, code=409) from taken
    log_event("registered", user=user)
    send_verification_mail(user)  # no login until the link in it is followed
    return {"user": user.to_dict()}, 201


@bp.post("/login")
@public
@rate_limited("LOGIN_LIMIT_PER_ADDRESS", "too many logins from your address", by=address_key, exempt_when=known_browser)
@rate_limited("LOGIN_LIMIT_PER_NAME", "too many logins with this name", by=name_key, exempt_when=known_browser)
@rate_limited("LOGIN_LIMIT_PER_KNOWN_BROWSER", "too many logins from this browser", by=browser_key,
              exempt_when=lambda: not known_browser())
def login():
    identifier, password = required_strings(json_object(), "username", "password")
    if len(password) > PASSWORD_MAX_LENGTH:  # no account has one: don't spend a hash on it
        too_long = f"must be at most {PASSWORD_MAX_LENGTH} characters"
        raise FieldErrors("some fields are invalid", {"password": too_long})
    user = find_user(identifier)
    if not password_matches(user, password):
        log_event("login_failed", identifier=identifier)
        # One answer for "no such user" and "wrong password": no hint for an attacker.
        raise Unauthorized("invalid credentials")
    if user.disabled_at is not None:  # told only to someone who knows the password, as below
        log_event("login_disabled", user=user)
        raise Forbidden("account disabled")
    if not user.email_verified:
        # Told only to someone who knows the password. No session, no known browser.
        log_event("login_unverified", user=user)
        raise Forbidden("email not verified")
    if user.needs_rehash():  # the only moment we have the password to re-hash it
        user.set_password_if_unchanged(password)  # never over a password changed meanwhile
    # A reset, a change or two-factor turned on during the slow hash wins: each
    # row below is written only while the user's row still says what we checked.
    same_password = User.password_hash == user.password_hash
    if not user.two_factor_enabled and start_session(user, only_while=same_password & User.totp_secret.is_(None)):
        remember_browser(user)  # from now on, this browser is known for this account
        log_event("login_succeeded", user=user)
        return {"user": user.to_dict()}
    # Two-factor is on (perhaps since a moment ago). No session, no known browser:
    # only a pending login that a code finishes (two_factor/).
    if not start_pending_login(user, only_while=same_password & User.totp_secret.is_not(None)):
        raise Unauthorized("invalid credentials")  # the password changed meanwhile
    log_event("login_needs_second_factor", user=user)
    return {"two_factor_required": True}


@bp.post("/logout")
@public
def logout():
    no_form_body()  # a page on another site could post a form here
    if record := current_session():
        log_event("logout", user=record.user)
    end_session()  # deletes the row: a copy of the cookie is now worthless
    return "", 204


@bp.get("/me")
@token_or_session("account:read")
def me():
    return {"user": g.user.to_dict()}


def password_matches(user, password):
    """Check the password, taking as long for an unknown user as for a known one,
    so that response times don't reveal which usernames exist."""
    if user is None:
        check_hash(dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password)


@cache
def dummy_hash(method):
    """A hash of nothing in particular, made with the same method and cost as real ones."""
    return generate_password_hash("no user has this password", method=method)
