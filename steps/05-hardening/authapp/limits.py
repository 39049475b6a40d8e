"""Rate limits: how many attempts a client address, a login name or a browser gets.

Logins follow OWASP's "Slow Down Online Guessing Attacks with Device Cookies":
a browser that has logged in to an account before is *known* for it and has an
allowance of its own, so nobody else's guessing can lock the owner out. Every
other attempt shares the limits per client address and per name typed.
Every attempt counts as it arrives, so a burst sent at one instant can't
outrun a limit.
"""
from functools import partial

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import StorageError
from werkzeug.exceptions import ServiceUnavailable

from .audit import log_event
from .browsers import known_browser
from .errors import http_error_as_json
from .models import find_user, login_name
from .sessions import digest, session_record
from .tokens import password_fingerprint
from .validation import canonical_email, json_string

TRY_LATER = "try again later"
RETRY_AFTER_STORAGE_ERROR = 30  # seconds: long enough for Redis to restart, short enough for a person


def init_limits(app):
    """Give this app a Limiter of its own, with its own counters and its own
    on/off switch (RATELIMIT_ENABLED): one Limiter shared by every app in a
    process would run with the settings of the app built last."""
    limiter = app.extensions["rate_limits"] = Limiter(get_remote_address, app=app)  # the app keeps it alive
    limit = partial(make_limit, limiter)
    app.register_error_handler(StorageError, counters_unreachable)  # Redis down: a 503, below
    protect(app, "auth.login",
            limit("LOGIN_LIMIT_PER_ADDRESS", get_remote_address, "too many logins from your address",
                  exempt_when=known_browser),
            limit("LOGIN_LIMIT_PER_NAME", name_key, "too many logins with this name", exempt_when=known_browser),
            limit("LOGIN_LIMIT_PER_KNOWN_BROWSER", browser_key, "too many logins from this browser",
                  exempt_when=lambda: not known_browser()))
    protect(app, "auth.register",
            limit("REGISTER_LIMIT_PER_ADDRESS", get_remote_address, "too many registrations from your address"))
    protect(app, "passwords.change_password",
            limit("CHANGE_PASSWORD_LIMIT_PER_ACCOUNT", account_key, "too many password changes"))
    protect(app, "passwords.forgot_password",
            limit("FORGOT_LIMIT_PER_ADDRESS", get_remote_address, "too many reset requests from your address"),
            limit("FORGOT_LIMIT_PER_EMAIL", email_key, "too many reset requests for this email"))


def make_limit(limiter, setting, key, message, **options):
    # The number is read from the config at each request; scope gives every
    # setting counters of its own, even when two limits read alike.
    return limiter.limit(lambda: current_app.config[setting], key_func=key, scope=setting,
                         error_message=f"{message}: {TRY_LATER}", on_breach=log_rate_limit_hit, **options)


def protect(app, endpoint, *limits):
    """Wrap a view in its limits, as stacked @limiter.limit(...) decorators would."""
    view = app.view_functions[endpoint]
    for limit in limits:
        view = limit(view)
    app.view_functions[endpoint] = view


def name_key():
    """The name a login typed, as stored. "alice" and "alice@example.com" count
    apart, so a 429 for one says nothing about the other. The account's password
    is part of the key: a new password (after a reset) starts a new count."""
    name = login_name(json_string("username"))
    user = find_user(name)
    # digest(): the limiter's storage (maybe Redis) never holds a plain username or email.
    return f"name:{digest(name)}" + (f":{password_fingerprint(user)}" if user else "")


def browser_key():
    return f"browser:{known_browser()}"


def email_key():
    """The mailbox, as forgot-password will look it up: "alice@ｅxample.com" (a
    full-width letter) is the same mailbox as "alice@example.com"."""
    typed = json_string("email")
    return f"email:{digest(canonical_email(typed) or login_name(typed))}"


def account_key():
    """The account this request's session belongs to, however many sessions it has."""
    record = session_record()
    return f"user:{record.user_id}" if record else f"address:{get_remote_address()}"


def counters_unreachable(error):
    """The limiter's storage (Redis in production) can't be reached: a 503,
    not a 500, and no attempt goes uncounted. Failing open would give a
    password guesser unlimited tries for as long as Redis is down, and taking
    Redis down may be within an attacker's reach. The routes without a limit
    keep working."""
    current_app.logger.error("rate limit storage unreachable: %s", error)
    return http_error_as_json(ServiceUnavailable(f"the rate limits can't be checked just now: {TRY_LATER}",
                                                 retry_after=RETRY_AFTER_STORAGE_ERROR))


def log_rate_limit_hit(request_limit):
    log_event("rate_limited", identifier=json_string("username") or json_string("email"),
              endpoint=request.endpoint, limit=str(request_limit.limit))
