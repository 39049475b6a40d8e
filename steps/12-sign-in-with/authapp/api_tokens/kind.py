"""Our tokens as a kind of bearer token: bearer.py asks each kind it knows
whether a token is one of its own, then asks that kind whose it is."""
from datetime import timedelta

from sqlalchemy import or_

from ..bearer import Grant
from ..digests import digest
from ..extensions import db
from ..models import utcnow
from .format import well_formed
from .models import ApiToken

# Writing last_used_at on every request would cost a write per request; its
# owner only needs to know roughly when a token was last used (sessions.py too).
TOUCH_INTERVAL = timedelta(minutes=1)


class PersonalAccessTokens:
    """fat_ tokens, looked up by their SHA-256."""

    name = "personal access token"

    def recognises(self, token):
        return well_formed(token)  # no query: a typo or a made-up token stops here

    def grant_for(self, token):
        """The token's owner and scopes, or None for a token that is unknown,
        expired or revoked: one query, the same one in every case, so none of
        them answers faster than another."""
        now = utcnow()
        row = db.session.scalar(db.select(ApiToken).where(
            ApiToken.digest == digest(token), ApiToken.expires_at > now))
        if row is None:
            return None
        grant = Grant(user=row.user, scopes=frozenset(row.scope_list), credential=row)
        record_use(row, now)
        return grant


def record_use(row, now):
    """last_used_at, at most once a minute: one conditional UPDATE, so two uses
    at once write it once, and a token revoked meanwhile (its row deleted) is
    written by nobody."""
    if row.last_used_at is not None and now - row.last_used_at <= TOUCH_INTERVAL:
        return
    db.session.execute(db.update(ApiToken).where(
        ApiToken.id == row.id,
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_INTERVAL),
    ).values(last_used_at=now))
    db.session.commit()
