"""Proving the mailbox: verify the address after registering, resend the
link, and change the address (it changes only once the new one is proven)."""
from functools import partial

from flask import Blueprint, current_app, g
from sqlalchemy.exc import IntegrityError

from .access import public
from .audit import log_event
from .errors import FieldErrors
from .extensions import db
from .limits import account_key, address_key, email_key, rate_limited
from .mail import send_mail
from .models import User
from .passwords import nobody
from .proofs import require_password, require_proof
from .sessions import login_required
from .tokens import make_verify_token, read_verify_token
from .validation import canonical_email, email_problem, json_object, json_string, required_strings

bp = Blueprint("verification", __name__, url_prefix="/auth")

RESEND_ANSWER = {"message": "if that email belongs to an account waiting for verification, a new link is on its way"}


def link_account_key():
    """verify_email's rate-limit key: the account its link names. A link asks for that
    account's password, which must get no more guesses than at login, however many links."""
    found = read_verify_token(json_string("token"))
    return f"link-user:{found[0].id}" if found else ""


def send_verification_mail(user, new_email=None, really=True):
    """Mail the link that proves `new_email` (default: the account's own address)."""
    token = make_verify_token(user, new_email)
    link = f"{current_app.config['FRONTEND_URL'].rstrip('/')}/verify-email?token={token}"
    hours = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 3600
    what = f"make {new_email} the address of" if new_email else "confirm the address of"
    # Someone else may have registered with this address: tell its owner how to take the account.
    yours = "" if new_email else "If the address is yours but the account isn't, 'forgot password' makes it yours.\n"
    send_mail(new_email or user.email, "Confirm your email address",
              f"Someone, hopefully you, wants to {what} the account {user.username}.\n\n"
              f"Confirm it here within {hours} hours, with the account's password:\n{link}\n\n"
              f"If it wasn't you, ignore this mail: nothing changes without this link.\n{yours}", really=really)


@bp.post("/verify-email")
@public
# A link asks for its account's password: few guesses at it. A forged link costs no hash: the view says 400.
@rate_limited("VERIFY_LIMIT_PER_ACCOUNT", "too many tries for this account", by=link_account_key,
              exempt_when=lambda: not link_account_key())
def verify_email():
    token, password = required_strings(json_object(), "token", "password")
    found = read_verify_token(token)
    if found is None:
        raise invalid_link()
    user, old_email, new_email = found
    # The link proves the mailbox, the password whose account it is: else the owner
    # of an address someone else registered would verify their account.
    require_password(user, password, "password", "is not the password of this account")
    try:
        proven = user.prove_email(old_email, new_email, password)
        db.session.commit()
    except IntegrityError:  # another account took the new address meanwhile: the database said no
        db.session.rollback()
        raise FieldErrors("already registered", {"email": "is already taken by another account"}, code=409) from None
    if not proven:  # used by another request meanwhile
        raise invalid_link()
    if old_email != new_email:  # ASVS 5.0 V6.3.7: the old address hears that it happened, too
        send_mail(old_email, "Your email address was changed",
                  f"The email address of the account {user.username} is now {new_email}.\n\n"
                  "If that wasn't you, write to us from this address: reset links now go to the new one.\n")
    log_event("email_verified" if old_email == new_email else "email_changed", user=user)
    return {"user": user.to_dict()}


@bp.post("/resend-verification")
@public
@rate_limited("RESEND_LIMIT_PER_ADDRESS", "too many verification requests from your address", by=address_key)
@rate_limited("RESEND_LIMIT_PER_EMAIL", "too many verification requests for this email", by=email_key)
def resend_verification():
    (email,) = required_strings(json_object(), "email")
    if problem := email_problem(email):
        raise FieldErrors("some fields are invalid", {"email": problem})
    email = canonical_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    waiting = user is not None and not user.email_verified
    log_event("verification_requested", user=user, identifier=email)
    # Unknown, verified or waiting, the same work is done (as for forgot-password),
    # so the answer's timing doesn't tell. Only a waiting account gets the mail.
    send_verification_mail(user or nobody(email), really=waiting)
    return RESEND_ANSWER, 202


@bp.post("/change-email")
@rate_limited("CHANGE_EMAIL_LIMIT_PER_ACCOUNT", "too many email changes", by=account_key)
@rate_limited("CHANGE_EMAIL_LIMIT_PER_NEW_EMAIL", "too many confirmation mails for this address",
              by=partial(email_key, "new_email"))
@login_required
def change_email():
    data = json_object()
    _, new_email = required_strings(data, "password", "new_email")
    require_proof(g.user, data)  # with two-factor on, a code too: reset links follow the address
    if problem := email_problem(new_email):
        raise FieldErrors("some fields are invalid", {"new_email": problem})
    new_email = canonical_email(new_email)
    if new_email == g.user.email:
        raise FieldErrors("some fields are invalid", {"new_email": "is already your email"})
    if db.session.scalar(db.select(User.id).where(User.email == new_email)):
        raise FieldErrors("already registered", {"new_email": "is already taken"}, code=409)
    send_verification_mail(g.user, new_email)
    # Told now, not after the change: if it wasn't them, the owner can still
    # reset the password, which kills the link (it carries the password's fingerprint).
    send_mail(g.user.email, "Your email address is about to change",
              f"Someone logged in as {g.user.username} asked to change its email address to {new_email}.\n\n"
              "If that wasn't you, reset your password now with 'forgot password': the change\n"
              "then never happens. Then check your mailbox's security.\n")
    log_event("email_change_requested", user=g.user)
    return {"message": f"confirm the change with the link we mailed to {new_email}"}, 202


def invalid_link():
    return FieldErrors("invalid verification link", {"token": "is invalid, expired or already used"})
