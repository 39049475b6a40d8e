"""Forgot, reset and change password."""
from flask import Blueprint, current_app, g

from .access import public
from .api_tokens.models import revoke_api_tokens
from .audit import log_event
from .browsers import remember_browser
from .errors import FieldErrors
from .extensions import db
from .limits import account_key, address_key, email_key, rate_limited
from .mail import send_mail
from .models import User
from .proofs import require_proof
from .sessions import login_required, revoke_sessions, start_session
from .tokens import make_reset_token, user_for_reset_token
from .validation import canonical_email, email_problem, json_object, password_problem, required_strings

bp = Blueprint("passwords", __name__, url_prefix="/auth")

FORGOT_ANSWER = {"message": "if that email is registered, a reset link is on its way"}


@bp.post("/forgot-password")
@public
@rate_limited("FORGOT_LIMIT_PER_ADDRESS", "too many reset requests from your address", by=address_key)
@rate_limited("FORGOT_LIMIT_PER_EMAIL", "too many reset requests for this email", by=email_key)
def forgot_password():
    (email,) = required_strings(json_object(), "email")
    if problem := email_problem(email):
        raise FieldErrors("some fields are invalid", {"email": problem})
    email = canonical_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    log_event("reset_requested", user=user, identifier=email)
    # Registered or not, the same work is done (a token signed, a mail written
    # and handed to the mail thread), so the answer's timing doesn't tell.
    # Only a registered address really gets the mail.
    send_reset_mail(user or nobody(email), really=user is not None)
    return FORGOT_ANSWER, 202


def nobody(email):
    """A stand-in user for an unregistered address (never saved)."""
    return User(id=0, username="nobody", email=email, password_hash="")


def send_reset_mail(user, really=True):
    link = f"{current_app.config['FRONTEND_URL'].rstrip('/')}/reset-password?token={make_reset_token(user)}"
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    send_mail(user.email, "Reset your password",
              f"Someone, hopefully you, asked to reset the password of {user.username}.\n\n"
              f"Choose a new password here within {minutes} minutes:\n{link}\n\n"
              "If it wasn't you, ignore this mail: your password has not changed.\n", really=really)


@bp.post("/reset-password")
@public
def reset_password():
    token, password = required_strings(json_object(), "token", "password")
    user = user_for_reset_token(token)
    if user is None:
        raise invalid_reset_link()
    require_good_password("password", password, user)
    if not user.set_password_if_unchanged(password):  # used by another request meanwhile
        raise invalid_reset_link()
    user.email_verified = True  # the link reached this mailbox: that proves it
    user.second_factor_failures = 0  # a reset unlocks the second factor (two_factor/)
    revoke_sessions(user)  # whoever knew the old password is logged out everywhere
    revoke_api_tokens(user)  # and every token goes: whoever had the password could have made one
    db.session.commit()
    if not user.two_factor_enabled:  # with two-factor on, a browser is known only after a code (two_factor/)
        remember_browser(user)  # it proved the mailbox: from here, others' guesses can't lock its owner out
    log_event("reset_completed", user=user)
    send_password_changed_notice(user)
    return {"message": "password changed: log in with your new password"}


@bp.post("/change-password")
@rate_limited("CHANGE_PASSWORD_LIMIT_PER_ACCOUNT", "too many password changes", by=account_key)
@login_required
def change_password():
    data = json_object()
    _, new = required_strings(data, "current_password", "new_password")
    require_good_password("new_password", new, g.user)  # first: a refused new password uses up no code
    # With two-factor on, a code too (proofs.py).
    require_proof(g.user, data, "current_password", "is not your current password")
    g.user.set_password(new)
    revoke_sessions(g.user)  # whoever knew the old password is logged out everywhere...
    start_session(g.user)  # ...and this browser gets a new session id (commits it all)
    log_event("password_changed", user=g.user)
    send_password_changed_notice(g.user)
    return {"message": "password changed"}


def invalid_reset_link():
    return FieldErrors("invalid reset link", {"token": "is invalid, expired or already used"})


def require_good_password(field, password, user):
    if problem := password_problem(password, (user.username, user.email)):
        raise FieldErrors("some fields are invalid", {field: problem})


def send_password_changed_notice(user):
    send_mail(user.email, "Your password was changed",
              f"The password of {user.username} was just changed.\n\n"
              "If that wasn't you, reset it now with 'forgot password', then check your mailbox's security.\n")
