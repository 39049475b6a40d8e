"""Starting a family, exchanging a refresh token for the next, revoking."""
import secrets

from flask import current_app

from .. import clock
from ..digests import digest
from ..extensions import db
from .models import RefreshFamily, RefreshToken


class RefreshRefused(Exception):
    """Unknown, expired, revoked or reused: the client gets invalid_grant, whichever it was."""


def start_family(user, client_id, scope):
    """A new sign-in: a family and its first refresh token (the secret, shown once). Not committed."""
    family = RefreshFamily(id=secrets.token_hex(16), user_id=user.id, client_id=client_id, scope=scope,
                           created_at=clock.now())
    db.session.add(family)
    return add_token(family)


def add_token(family):
    token = secrets.token_urlsafe(32)  # 256 random bits: a fast hash is enough (digests.py)
    db.session.add(RefreshToken(id=digest(token), family_id=family.id, created_at=clock.now()))
    return token


def rotate(token, client_id):
    """The family of `token` and its next refresh token, committed; RefreshRefused otherwise.
    A used token presented again revokes its family: the thief's copy and the
    owner's newer one both stop working (RFC 9700, section 4.14.2)."""
    record = db.session.get(RefreshToken, digest(token)) if isinstance(token, str) else None
    if record is None or record.family.client_id != client_id:
        raise RefreshRefused("unknown refresh token")
    family = record.family
    if record.used_at is not None:
        revoke_family(family.id)
        db.session.commit()
        current_app.logger.warning("a used refresh token came back: family %s revoked", family.id)
        raise RefreshRefused("reused refresh token")
    if family.revoked_at is not None or expired(record) or family.user.disabled_at is not None:
        raise RefreshRefused("revoked or expired refresh token")
    if not mark_used(record):
        # Another request used it a moment ago (this one waited for its write to
        # end): two parties hold this token, so it is reuse too.
        revoke_family(family.id)
        db.session.commit()
        raise RefreshRefused("reused refresh token")
    next_token = add_token(family)
    db.session.commit()
    return family, next_token


def mark_used(record):
    """One conditional UPDATE: of two requests with one token, the database
    lets exactly one through, and only while the family isn't revoked."""
    live_family = db.select(RefreshFamily.id).where(RefreshFamily.revoked_at.is_(None))
    updated = db.session.execute(
        db.update(RefreshToken)
        .where(RefreshToken.id == record.id, RefreshToken.used_at.is_(None), RefreshToken.family_id.in_(live_family))
        .values(used_at=clock.now()))
    return updated.rowcount == 1


def expired(record):
    """Idle: no refresh for too long. Absolute: too long since the sign-in, however busy."""
    now, config = clock.now(), current_app.config
    return (now - record.created_at >= config["REFRESH_TOKEN_IDLE_TIMEOUT"]
            or now - record.family.created_at >= config["REFRESH_TOKEN_ABSOLUTE_TIMEOUT"])


def revoke_family(family_id):
    db.session.execute(db.update(RefreshFamily).where(RefreshFamily.id == family_id, RefreshFamily.revoked_at.is_(None))
                       .values(revoked_at=clock.now()))


def revoke_families(user):
    """Every app signed in as `user` loses its refresh token (not committed).
    Its access token still works until it expires: at most ACCESS_TOKEN_LIFETIME."""
    db.session.execute(db.update(RefreshFamily).where(RefreshFamily.user_id == user.id,
                                                      RefreshFamily.revoked_at.is_(None))
                       .values(revoked_at=clock.now()))


def revoke(token):
    """RFC 7009: the family of this refresh token, if it is one. Anything else: nothing to do."""
    record = db.session.get(RefreshToken, digest(token))
    if record is not None:
        revoke_family(record.family_id)
        db.session.commit()
