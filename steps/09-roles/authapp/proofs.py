"""Proving it's you again: a fresh proof of identity before anything that
changes how the account is reached (its password now; its address and second
factor in later steps). A session is not enough for that: it may be a browser
left open on a shared computer, or a stolen cookie. OWASP ASVS 5.0 V7.5.1 asks
for full re-authentication before such changes; Flask-Security-Too calls the
same idea "freshness", and step 09's "sudo mode" builds on it."""
from werkzeug.exceptions import Forbidden

from .errors import FieldErrors


def require_password(user, password, field, problem):
    """Go on only if `password` is `user`'s; else 403 "wrong password", naming `field`."""
    if not user.check_password(password):
        raise FieldErrors("wrong password", {field: problem}, code=Forbidden.code)
