"""Time-based one-time passwords (TOTP, RFC 6238), computed by pyotp, with the
secret encrypted at rest by Fernet (the cryptography package).

The server and the user's authenticator app share a secret. Both compute a
6-digit code from it and the time step: the number of 30-second periods since
1970. We accept the code of the step before and after the current one as well
(RFC 6238, section 5.2: clocks drift, people type slowly), and every code only
once: the step of the last code accepted is stored, and only a later step
passes after it (RFC 6238 says a verifier MUST NOT accept an OTP twice).
"""
import hmac
import io
import re
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import or_

from ..errors import FieldErrors
from ..extensions import db
from ..models import User
from .settings import encryption_keys

CODE = re.compile(r"[0-9]{6}")  # not \d: that also matches other scripts' digits
WINDOW = 1  # time steps either side of now


def now():
    """The server's clock, never one the client names (ASVS 5.0 V6.5.8). A
    function of its own, so that the tests can move time without waiting."""
    return time.time()


def new_secret():
    """160 random bits (RFC 4226's recommendation; NIST asks for at least 112),
    from the secrets module, written in base32 as authenticator apps expect."""
    return pyotp.random_base32()


def fernet():
    """Encrypts with the first TOTP_ENCRYPTION_KEY, decrypts with any of them."""
    return MultiFernet([Fernet(key) for key in encryption_keys(current_app.config["TOTP_ENCRYPTION_KEY"])])


def encrypt(text):
    """Authenticated encryption (AES and HMAC-SHA256): unreadable without the
    key, and any change to it is detected."""
    return fernet().encrypt(text.encode()).decode()


def decrypt(token, max_age=None):
    """The text, or None if the token was changed, made with another key, or is
    older than `max_age` seconds."""
    try:
        return fernet().decrypt(token.encode(), ttl=max_age).decode()
    except InvalidToken:
        return None


def secret_of(user):
    secret = decrypt(user.totp_secret)
    if secret is None:  # a configuration error, not the user's: say so in the log
        raise RuntimeError(f"TOTP_ENCRYPTION_KEY can't decrypt the secret of user {user.id}: "
                           "was the key replaced without keeping the old one after it?")
    return secret


def provisioning(user, secret):
    """What an authenticator app needs: an otpauth:// URI, and the same as a QR
    code (an SVG document, which an <img> or the page itself can show)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config["TOTP_ISSUER"])
    svg = io.BytesIO()
    segno.make_qr(uri).save(svg, kind="svg", xmldecl=False, scale=4)
    return uri, svg.getvalue().decode()


def read_code(field, code):
    """The code without the space apps show in the middle ("123 456"), or a 400."""
    code = code.replace(" ", "")
    if not CODE.fullmatch(code):
        raise FieldErrors("some fields are invalid", {field: "must be the 6 digits your authenticator app shows"})
    return code


def matching_step(secret, code):
    """The time step, within WINDOW of now, whose code this is; or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):  # in constant time
            return step
    return None


def use_code(user, code):
    """True if `code` is the user's code for a step near now that is later than
    the last one accepted, and records that step. One conditional UPDATE
    decides: of two requests with the same code, even at the same instant,
    the database lets one win."""
    step = matching_step(secret_of(user), code)
    if step is None:
        return False
    not_used_yet = or_(User.totp_last_step.is_(None), User.totp_last_step < step)
    updated = db.session.execute(db.update(User).where(User.id == user.id, not_used_yet).values(totp_last_step=step))
    return updated.rowcount == 1


def turn_on(user, secret, step):
    """Store the secret, encrypted, with the step of the code that confirmed it.
    Conditional too: two confirmations at once can't both set a secret."""
    updated = db.session.execute(db.update(User).where(User.id == user.id, User.totp_secret.is_(None))
                                 .values(totp_secret=encrypt(secret), totp_last_step=step))
    return updated.rowcount == 1


def turn_off(user):
    db.session.execute(db.update(User).where(User.id == user.id).values(totp_secret=None, totp_last_step=None))
