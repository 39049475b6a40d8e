"""What time it is, for the token code, asked in one place: a test stops this
clock and moves it, so that no test waits five minutes for a token to expire."""
from datetime import timezone

from .models import utcnow


def now():
    """Now in UTC, without tzinfo, like every time the database stores."""
    return utcnow()


def seconds_since_epoch(moment):
    """A time as JWTs write it (NumericDate, RFC 7519): whole seconds since 1970."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp())
