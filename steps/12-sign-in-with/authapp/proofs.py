"""Proving it's you again: a fresh proof of identity before anything that
changes how the account is reached (its password now; its address and second
factor in later steps). A session is not enough for that: it may be a browser
left open on a shared computer, or a stolen cookie. OWASP ASVS 5.0 V7.5.1 asks
for full re-authentication before such changes; Flask-Security-Too calls the
same idea "freshness", and step 09's "sudo mode" builds on it."""
from werkzeug.exceptions import Forbidden

from .errors import FieldErrors
from .two_factor.codes import proves_second_factor, second_factor
from .validation import required_strings


def require_password(user, password, field, problem):
    """Go on only if `password` is `user`'s; else 403 "wrong password", naming `field`."""
    if not user.check_password(password):
        raise FieldErrors("wrong password", {field: problem}, code=Forbidden.code)


def require_proof(user, data, password_field="password", problem="is not your password"):
    """The whole proof: the password in `password_field` and, with two-factor
    on, a current code or a recovery code too. Turning two-factor off,
    changing the email and changing the password all ask for it: else a thief
    with a session and the password could move the address and the password,
    and the owner's phone would guard nothing."""
    (password,) = required_strings(data, password_field)
    factor = second_factor(data) if user.two_factor_enabled else None
    require_password(user, password, password_field, problem)
    if factor and not proves_second_factor(user, *factor):
        field, _ = factor
        raise FieldErrors("wrong code", {field: "is not a valid code"}, code=Forbidden.code)
