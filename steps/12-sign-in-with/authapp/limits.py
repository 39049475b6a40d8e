"""Rate limits: how many attempts a client address, a login name or a browser gets.

Logins follow OWASP's "Slow Down Online Guessing Attacks with Device Cookies":
a browser that has logged in to an account before is *known* for it and has an
allowance of its own, so nobody else's guessing can lock the owner out. Every
other attempt shares the limits per client address and per name typed.
Every attempt counts as it arrives, so a burst sent at one instant can't
outrun a limit.
"""
from functools import wraps
from threading import Lock

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import StorageError
from werkzeug.exceptions import ServiceUnavailable

from .audit import log_event
from .browsers import known_browser
from .digests import digest
from .errors import http_error_as_json
from .models import find_user, login_name
from .sessions import session_record
from .tokens import password_fingerprint
from .validation import canonical_email, json_string

TRY_LATER = "try again later"
RETRY_AFTER_STORAGE_ERROR = 30  # seconds: long enough for Redis to restart, short enough for a person


def rate_limited(setting, message, by, **options):
    """Declare a rate limit on a view, under its route (one decorator per
    limit, counted top to bottom). The limit stays next to the view it guards;
    the Limiter of whichever app serves the view counts it (init_limits)."""
    def declare(view):
        limited_view = view if hasattr(view, "rate_limits") else counted(view)
        limited_view.rate_limits.insert(0, (setting, message, by, options))
        return limited_view
    return declare


def counted(view):
    """`view`, counted against the limits it declares before it runs."""
    @wraps(view)
    def counted_view(*args, **kwargs):
        current_app.extensions["rate_limits"].count(counted_view)
        return view(*args, **kwargs)
    counted_view.rate_limits = []
    return counted_view


def init_limits(app):
    """Give this app a Limiter of its own, with its own counters and its own
    on/off switch (RATELIMIT_ENABLED): one Limiter shared by every app in a
    process would run with the settings of the app built last. The views
    declare their limits (@rate_limited), so it doesn't matter whether they
    are registered before or after this."""
    app.extensions["rate_limits"] = AppLimits(Limiter(get_remote_address, app=app))
    app.register_error_handler(StorageError, counters_unreachable)  # Redis down: a 503, below


class AppLimits:
    """An app's Limiter, and each limited view's counter, made at its first request."""

    def __init__(self, limiter):
        self.limiter = limiter
        self.counters = {}
        self.lock = Lock()

    def count(self, view):
        # One counter per view, made once: Flask-Limiter counts every limit it
        # is given, so two requests making one at the same time would count twice.
        with self.lock:
            if view not in self.counters:
                self.counters[view] = self.counter(view)
        self.counters[view]()

    def counter(self, view):
        """Flask-Limiter's decorators, stacked on a function that does nothing,
        named as the view: Flask-Limiter files each view's limits under its name."""
        count = wraps(view)(lambda: None)
        for setting, message, by, options in view.rate_limits:
            count = make_limit(self.limiter, setting, by, message, **options)(count)
        return count


def make_limit(limiter, setting, key, message, shared=False, **options):
    # The number is read from the config at each request; scope gives every
    # setting counters of its own, even when two limits read alike. shared:
    # one count for every route the limit protects, not one per route.
    decorate = limiter.shared_limit if shared else limiter.limit
    return decorate(lambda: current_app.config[setting], key_func=key, scope=setting,
                    error_message=f"{message}: {TRY_LATER}", on_breach=log_rate_limit_hit, **options)


def address_key():
    """The client's address (behind trusted proxies: the one they saw, security.py)."""
    return get_remote_address()


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
