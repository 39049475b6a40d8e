"""Password reset tokens: signed, timed, and single-use."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .extensions import db
from .models import User

# A salt per purpose: a token signed for one job is worthless for another.
SALT = "password-reset"


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def password_fingerprint(user):
    """Changes whenever the password changes (each hash has a new salt), so a
    token that carries it dies the moment it has been used."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user):
    return serializer().dumps({"user": user.id, "password": password_fingerprint(user)})


def user_for_reset_token(token):
    """The user this token may reset, or None if it is forged, expired or used."""
    try:
        data = serializer().loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadSignature:  # also covers SignatureExpired
        return None
    user = db.session.get(User, data["user"])
    if user is None or data["password"] != password_fingerprint(user):
        return None
    return user
