"""Tokens for the links we mail: signed, timed, and single-use."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .extensions import db
from .models import User

# A salt per purpose: a token signed for one job is worthless for another.
SALT = "password-reset"
VERIFY_SALT = "verify-email"


def serializer(salt=SALT):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(user):
    """Changes whenever the password changes (each hash has a new salt), so a
    token that carries it dies the moment it has been used."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user):
    # The address too: a link mailed to an address the account has since left
    # must not work (whoever has that mailbox now is not the owner).
    return serializer().dumps({"user": user.id, "password": password_fingerprint(user), "email": user.email})


def user_for_reset_token(token):
    """The user this token may reset, or None if it is forged, expired or used."""
    try:
        data = serializer().loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadSignature:  # also covers SignatureExpired
        return None
    user = db.session.get(User, data["user"])
    # data.get: links mailed before step 06 name no address, and are refused.
    if user is None or data["password"] != password_fingerprint(user) or data.get("email") != user.email:
        return None
    return user


def make_verify_token(user, new_email=None):
    """A link that proves a mailbox: the account's own address, or `new_email`
    it wants to move to. It names the account's address at the time, so once
    the address has changed (or the password has), the link is used up."""
    return serializer(VERIFY_SALT).dumps({"user": user.id, "email": user.email, "new_email": new_email or user.email,
                                          "password": password_fingerprint(user)})


def read_verify_token(token):
    """(user, the address it had, the address the link proves), or None if the
    token is forged, expired or outdated."""
    try:
        data = serializer(VERIFY_SALT).loads(token, max_age=current_app.config["VERIFY_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    user = db.session.get(User, data["user"])
    if user is None or data["password"] != password_fingerprint(user) or data["email"] != user.email:
        return None
    return user, data["email"], data["new_email"]
