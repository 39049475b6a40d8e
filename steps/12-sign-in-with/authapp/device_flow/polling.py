"""The app polls POST /auth/token with its device_code until the user has
decided (RFC 8628, section 3.4): each answer is an error code it acts on."""
from datetime import timedelta

from .. import clock
from ..digests import digest
from ..extensions import db
from ..oauth import OAuthError
from .models import DeviceAuthorization

SLOW_DOWN_STEP = 5  # seconds added to the interval at each poll too soon (RFC 8628, section 3.5)


def collect(device_code, client_id):
    """The approved authorization, marked used; an OAuthError for everything else."""
    if device_code is None:
        raise OAuthError("invalid_request", "device_code is required")
    record = db.session.get(DeviceAuthorization, digest(device_code))
    if record is None or record.client_id != client_id:
        raise OAuthError("invalid_grant", "unknown device_code")
    now = clock.now()
    if record.used_at is not None:
        raise OAuthError("invalid_grant", "this device_code has been used: start again")
    if now >= record.expires_at:
        raise OAuthError("expired_token", "the device_code has expired: start again")
    if record.denied_at is not None:
        raise OAuthError("access_denied", "the user said no")
    keep_the_pace(record, now)
    if record.approved_at is None:
        raise OAuthError("authorization_pending", "the user hasn't decided yet")
    if record.user.disabled_at is not None or not mark_used(record):
        raise OAuthError("invalid_grant", "this device_code can't be used")
    return record


def keep_the_pace(record, now):
    """A poll before next_poll_at gets slow_down, and the interval grows by 5 seconds."""
    on_time = db.session.execute(
        db.update(DeviceAuthorization)
        .where(DeviceAuthorization.id == record.id, DeviceAuthorization.next_poll_at <= now)
        .values(next_poll_at=now + timedelta(seconds=record.interval)))
    if on_time.rowcount == 1:
        db.session.commit()
        return
    interval = record.interval + SLOW_DOWN_STEP
    db.session.execute(db.update(DeviceAuthorization).where(DeviceAuthorization.id == record.id)
                       .values(interval=interval, next_poll_at=now + timedelta(seconds=interval)))
    db.session.commit()
    raise OAuthError("slow_down", f"poll every {interval} seconds at most", interval=interval)


def mark_used(record):
    """One conditional UPDATE: a device_code gives tokens once, however many polls race (not committed)."""
    used = db.session.execute(db.update(DeviceAuthorization)
                              .where(DeviceAuthorization.id == record.id, DeviceAuthorization.used_at.is_(None))
                              .values(used_at=clock.now()))
    return used.rowcount == 1
