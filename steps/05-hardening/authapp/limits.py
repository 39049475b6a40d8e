"""Rate limits: how many attempts one client address, or one account, gets."""
import hashlib

from flask import current_app, request, session
from flask_limiter.util import get_remote_address

from .audit import log_event
from .extensions import limiter
from .validation import json_body, storable


def setting(name):
    # Read when a request comes in, so each app (and each test) can set its own.
    return lambda: current_app.config[name]


def json_field(name):
    """A string field of the JSON body, normalised, or "" (the view rejects bad bodies)."""
    data = json_body()
    value = data.get(name) if isinstance(data, dict) else None
    return value.strip().lower() if isinstance(value, str) and storable(value) else ""


def hashed(value):
    # The limiter's storage (maybe Redis) never holds a plain username or email.
    return hashlib.sha256(value.encode()).hexdigest()


def account_key():
    """The account a login names, by username or by email: both count together."""
    from .models import find_user
    identifier = json_field("username")
    user = find_user(identifier)
    return f"user:{user.id}" if user else f"name:{hashed(identifier)}"


def email_key():
    return f"email:{hashed(json_field('email'))}"


def session_key():
    token = session.get("sid")
    return f"session:{hashed(token)}" if isinstance(token, str) else f"address:{get_remote_address()}"


def failed_login(response):
    return response.status_code == 401  # only failures use up attempts


def wrong_current_password(response):
    return response.status_code == 403


def log_rate_limit_hit(request_limit):
    log_event("rate_limited", endpoint=request.endpoint, limit=str(request_limit.limit))


def limit(setting_name, key, message, **options):
    # scope: each setting keeps its own counters, even when two limits read alike.
    return limiter.limit(setting(setting_name), key_func=key, error_message=message, scope=setting_name,
                         on_breach=log_rate_limit_hit, **options)


TRY_LATER = "try again later"
login_attempts_per_address = limit("LOGIN_ATTEMPT_LIMIT_PER_ADDRESS", get_remote_address,
                                   f"too many logins from your address: {TRY_LATER}")
login_per_address = limit("LOGIN_LIMIT_PER_ADDRESS", get_remote_address,
                          f"too many failed logins from your address: {TRY_LATER}", deduct_when=failed_login)
login_per_account = limit("LOGIN_LIMIT_PER_ACCOUNT", account_key,
                          f"too many failed logins for this account: {TRY_LATER}", deduct_when=failed_login)
register_per_address = limit("REGISTER_LIMIT_PER_ADDRESS", get_remote_address,
                             f"too many registrations from your address: {TRY_LATER}")
change_password_per_session = limit("CHANGE_PASSWORD_LIMIT_PER_SESSION", session_key,
                                    f"too many wrong passwords: {TRY_LATER}", deduct_when=wrong_current_password)
forgot_per_address = limit("FORGOT_LIMIT_PER_ADDRESS", get_remote_address,
                           f"too many reset requests from your address: {TRY_LATER}")
forgot_per_email = limit("FORGOT_LIMIT_PER_EMAIL", email_key,
                         f"too many reset requests for this email: {TRY_LATER}")
