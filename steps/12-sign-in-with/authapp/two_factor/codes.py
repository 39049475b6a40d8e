"""The second factor a request sends: a code from the app or a recovery code,
never both. Read here, checked here: the login's second step (views.py) and
every proof of identity (proofs.py) ask the same way."""
from ..errors import FieldErrors
from ..validation import required_strings
from . import totp
from .recovery_codes import read_recovery_code, use_recovery_code


def second_factor(data):
    """("code", "123456") or ("recovery_code", "ABCD..."): exactly one of the two, well-formed."""
    sent = [name for name in ("code", "recovery_code") if data.get(name) not in (None, "")]
    if len(sent) != 1:
        problem = "send a code or a recovery_code, not both" if sent else "is required (or a recovery_code)"
        raise FieldErrors("some fields are missing or invalid", {"code": problem})
    (field,) = sent
    (value,) = required_strings(data, field)
    return field, (totp.read_code if field == "code" else read_recovery_code)(field, value)


def proves_second_factor(user, field, value):
    """True if `value` works for `user`; every code works once."""
    return totp.use_code(user, value) if field == "code" else use_recovery_code(user, value)
