"""Security events in one greppable line each, never with a password or token."""
import hashlib
import hmac
import logging

from flask import current_app, request

from .models import login_name


def init_audit(app):
    """INFO and up, whatever the root logger's level: these lines are the point.
    Set when an app is built, not at import: importing a module changes nothing."""
    app.logger.getChild("audit").setLevel(logging.INFO)


def pseudonym(identifier):
    """A keyed hash of a username or email: equal inputs give equal values, so
    events can be correlated, but nobody can look them up in a list of emails."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, login_name(identifier).encode(), hashlib.sha256).hexdigest()[:16]


def log_event(event, user=None, identifier=None, **details):
    """e.g. `login_failed who=3f2a... address=203.0.113.9`"""
    if user is not None:
        who = f"user={user.id}"
    else:
        who = f"who={pseudonym(identifier)}" if identifier else "who=-"
    extra = "".join(f" {name}={value!r}" for name, value in details.items())
    # current_app.logger is "authapp"; its child prints through Flask's handler.
    current_app.logger.getChild("audit").info("%s %s address=%s%s", event, who, request.remote_addr, extra)
