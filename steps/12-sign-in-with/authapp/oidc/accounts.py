"""Which account an identity signs into, and when a new one is made. The rules
(DESIGN.md, Part 3), each against a known takeover:
- an identity is found by (issuer, subject), never by email: the same address
  at a provider may belong to someone else tomorrow, or be unverified today;
- a new account only when the provider vouches for the address
  (email_verified) and no account holds it: else whoever registers the
  victim's address at a provider first would get, or pre-hijack, her account
  (Sudhodanan and Paverd, USENIX Security 2022);
- an address already held is never linked automatically: its owner signs in
  the usual way and links from her settings (views.py), proving it is her."""
import re
import secrets

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User, utcnow
from ..validation import canonical_email
from .models import Identity


class SignInRefused(Exception):
    """Back to the front end without a session, with this error code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def find_identity(issuer, subject):
    return db.session.scalar(db.select(Identity).where(Identity.issuer == issuer, Identity.subject == subject))


def account_for(issuer, subject, userinfo):
    """The account this identity signs into, made now if the rules allow."""
    identity = find_identity(issuer, subject)
    if identity is None:
        identity = new_account(issuer, subject, userinfo)
    identity.email = shown_email(userinfo)  # the provider's address may change: the account doesn't
    identity.last_used_at = utcnow()
    db.session.commit()
    return identity.user


def new_account(issuer, subject, userinfo):
    email = canonical_email(userinfo["email"]) if isinstance(userinfo.get("email"), str) else None
    if email is None or userinfo.get("email_verified") is not True:  # "true" (a string) is not a yes
        raise SignInRefused("email_not_verified")
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise SignInRefused("account_exists")  # sign in the usual way, then link from settings
    user = User(username=new_username(email), email=email, email_verified=True)
    # A password nobody knows: the account signs in with the provider, and its owner
    # can set one of her own with "forgot password" (a mail to the verified address).
    user.set_password(secrets.token_urlsafe(32))
    identity = Identity(user=user, issuer=issuer, subject=subject)
    db.session.add_all([user, identity])
    try:
        db.session.flush()
    except IntegrityError:  # the same address or identity, made by a request at the same moment
        db.session.rollback()
        raise SignInRefused("account_exists") from None
    return identity


def link(user, issuer, subject, userinfo):
    """Add this identity to `user`, who has just proved it is her; never take it from another account."""
    identity = find_identity(issuer, subject)
    if identity is not None and identity.user_id != user.id:
        raise SignInRefused("identity_taken")
    if identity is None:
        identity = Identity(user=user, issuer=issuer, subject=subject)
        db.session.add(identity)
    identity.email = shown_email(userinfo)
    identity.last_used_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SignInRefused("identity_taken") from None


def new_username(email):
    """alice_3f2a9c from alice@example.com: the part before the @ in the characters
    a username allows, and 6 random hex digits so that two Alices don't collide."""
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0])[:20] or "user"
    return f"{base}_{secrets.token_hex(3)}"


def shown_email(userinfo):
    email = userinfo.get("email")
    return email[:254] if isinstance(email, str) else None
