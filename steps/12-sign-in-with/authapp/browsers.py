"""Known browsers: OWASP's "device cookies". After a login, the browser gets a
signed cookie saying "this browser has logged in to account 3 before". The
rate limits use it to tell the account's owner from everybody else."""
import hashlib
import secrets

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature

from .models import find_user
from .tokens import password_fingerprint, serializer
from .validation import json_string

# A salt per purpose: a token signed for one job is worthless for another.
SALT = "known-browser"


def remember_browser(user):
    """Mark this browser as known for `user`. A browser already known for them
    keeps its id, and so its count: one cookie can't mint fresh allowances by
    logging in again. A new browser gets a new random id."""
    browser = read_cookie_for(user) or secrets.token_urlsafe(16)
    value = serializer(SALT).dumps({"user": user.id, "browser": browser, "credentials": credentials_of(user)})
    config = current_app.config

    @after_this_request
    def set_cookie(response):
        response.set_cookie(config["KNOWN_BROWSER_COOKIE_NAME"], value,
                            max_age=config["KNOWN_BROWSER_MAX_AGE"], httponly=True,
                            secure=config["SESSION_COOKIE_SECURE"], samesite=config["SESSION_COOKIE_SAMESITE"])
        return response


def known_browser():
    """This browser's id if its cookie is genuine, not too old, and for the
    account this login names; otherwise None (an unknown browser)."""
    if "known_browser" not in g:
        g.known_browser = read_cookie_for(find_user(json_string("username")))
    return g.known_browser


def read_cookie_for(user):
    config = current_app.config
    try:
        data = serializer(SALT).loads(request.cookies.get(config["KNOWN_BROWSER_COOKIE_NAME"], ""),
                                  max_age=config["KNOWN_BROWSER_MAX_AGE"])
    except BadSignature:  # no cookie, a forged one, or an expired one
        return None
    if user is None or data.get("user") != user.id or data.get("credentials") != credentials_of(user):
        return None  # another account's cookie, or one minted before its password changed
    return data["browser"]


def credentials_of(user):
    """What a cookie is tied to: a new password (a change or a reset), or
    two-factor turned on or off (a new secret each time), makes every browser
    that was known before unknown again (tokens.py: the fingerprint)."""
    second_factor = hashlib.sha256((user.totp_secret or "").encode()).hexdigest()[:16]
    return f"{password_fingerprint(user)}:{second_factor}"
