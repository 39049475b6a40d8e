"""Rate limits: how many attempts a client address, a login name or a browser gets.

Logins follow OWASP's "Slow Down Online Guessing Attacks with Device Cookies":
a browser that has logged in to an account before is *known* for it and has an
allowance of its own, so nobody else's guessing can lock the owner out. Every
other attempt shares the limits per client address and per name typed.
Every attempt counts as it arrives, so a burst sent at one instant can't
outrun a limit.
"""
from functools import partial

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import StorageError
from werkzeug.exceptions import ServiceUnavailable

from .audit import log_event
from .browsers import known_browser, read_cookie_for
from .errors import http_error_as_json
from .models import find_user, login_name
from .sessions import digest, pending_login, session_record
from .tokens import password_fingerprint, read_verify_token
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
    protect(app, "verification.resend_verification",
            limit("RESEND_LIMIT_PER_ADDRESS", get_remote_address, "too many verification requests from your address"),
            limit("RESEND_LIMIT_PER_EMAIL", email_key, "too many verification requests for this email"))
    protect(app, "verification.verify_email",
            limit("VERIFY_LIMIT_PER_ACCOUNT", link_account_key, "too many tries for this account",
                  exempt_when=lambda: not link_account_key()))  # a forged link costs no hash: the view says 400
    protect(app, "verification.change_email",
            limit("CHANGE_EMAIL_LIMIT_PER_ACCOUNT", account_key, "too many email changes"),
            limit("CHANGE_EMAIL_LIMIT_PER_NEW_EMAIL", partial(email_key, "new_email"),
                  "too many confirmation mails for this address"))
    # The second factor at login: per password entry, and per account as for
    # passwords, with the known browsers' own allowance (no lockout by someone
    # who has only the password), which all of the account's known browsers share.
    protect(app, "two_factor.login_with_code",
            limit("TWO_FACTOR_LIMIT_PER_LOGIN", pending_key, "too many codes for this login"),
            limit("TWO_FACTOR_LIMIT_PER_ACCOUNT", pending_account_key, "too many codes for this account",
                  exempt_when=known_for_pending),
            limit("TWO_FACTOR_LIMIT_PER_KNOWN_BROWSER", pending_browser_key, "too many codes from this browser",
                  exempt_when=lambda: not known_for_pending()))
    changes = limit("TWO_FACTOR_CHANGE_LIMIT_PER_ACCOUNT", account_key, "too many two-factor changes", shared=True)
    for endpoint in ("two_factor.setup", "two_factor.confirm", "two_factor.disable"):
        protect(app, endpoint, changes)  # one count for the three
    # Passkeys: nobody guesses a signature, so a login needs no count per name
    # or account; per address, against floods (each options request stores a
    # challenge). Adding and removing ask for the password: few guesses at it.
    passkey_logins = limit("PASSKEY_LOGIN_LIMIT_PER_ADDRESS", get_remote_address,
                           "too many passkey logins from your address", shared=True)
    for endpoint in ("passkeys.login_options", "passkeys.login_verify"):
        protect(app, endpoint, passkey_logins)
    passkey_changes = limit("PASSKEY_CHANGE_LIMIT_PER_ACCOUNT", account_key, "too many passkey changes", shared=True)
    for endpoint in ("passkeys.register_options", "passkeys.register_verify", "passkeys.remove"):
        protect(app, endpoint, passkey_changes)


def make_limit(limiter, setting, key, message, shared=False, **options):
    # The number is read from the config at each request; scope gives every
    # setting counters of its own, even when two limits read alike. shared:
    # one count for every route the limit protects, not one per route.
    decorate = limiter.shared_limit if shared else limiter.limit
    return decorate(lambda: current_app.config[setting], key_func=key, scope=setting,
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


def email_key(field="email"):
    """The mailbox, as forgot-password will look it up: "alice@ｅxample.com" (a
    full-width letter) is the same mailbox as "alice@example.com"."""
    typed = json_string(field)
    return f"{field}:{digest(canonical_email(typed) or login_name(typed))}"


def link_account_key():
    """The account a verification link names: a link asks for its password, which
    must get no more guesses there than at login, however many links there are."""
    found = read_verify_token(json_string("token"))
    return f"link-user:{found[0].id}" if found else ""


def account_key():
    """The account this request's session belongs to, however many sessions it has."""
    record = session_record()
    return f"user:{record.user_id}" if record else f"address:{get_remote_address()}"


def pending_key():
    """This browser's pending login (sessions.py: its id is already a SHA-256)."""
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
