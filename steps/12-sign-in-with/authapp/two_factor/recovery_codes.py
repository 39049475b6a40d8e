"""Recovery codes: ten single-use codes, shown once when two-factor is turned
on, for the day the phone is lost (NIST calls them look-up secrets).

Each code holds 120 random bits: 24 characters from a 32-character alphabet.
That is why a fast hash (SHA-256) is enough to store them: NIST SP 800-63B-4
(look-up secrets) and OWASP ASVS 5.0 (V6.5.2) ask for a salted, deliberately
slow password hash only below 112 bits. Nobody can try 2^120 guesses against a
stolen copy of the table, slow hash or not. And a fast hash can be looked up:
one DELETE finds a code and uses it up, so each code works once, even when two
requests bring it at the same instant.
"""
import secrets

from ..digests import digest
from ..errors import FieldErrors
from ..extensions import db
from .models import RecoveryCode

COUNT = 10
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O or U to misread
LENGTH = 24  # characters of 5 bits: 120 bits
GROUP = 4  # shown as XXXX-XXXX-XXXX-XXXX-XXXX-XXXX
# Read as meant: lower case, O for 0, I and L for 1; spaces and dashes dropped.
TYPED = str.maketrans("OIL", "011", " -")


def canonical(code):
    return code.upper().translate(TYPED)


def new_codes(user):
    """Replace the user's recovery codes with COUNT new ones, and return them:
    the only time they are ever seen. The database keeps their SHA-256 only."""
    codes = []
    for _ in range(COUNT):
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        codes.append("-".join(code[start:start + GROUP] for start in range(0, LENGTH, GROUP)))
    forget_codes(user)
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(canonical(code))) for code in codes)
    return codes


def read_recovery_code(field, code):
    """The code as stored (canonical), or a 400 if it can't be one of ours."""
    code = canonical(code)
    if len(code) != LENGTH or not set(code) <= set(ALPHABET):
        raise FieldErrors("some fields are invalid", {field: "must be one of your recovery codes (XXXX-XXXX-...)"})
    return code


def use_recovery_code(user, code):
    """True if `code` (canonical) is one of the user's unused codes; it is used up."""
    used = db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                            RecoveryCode.code_hash == digest(code)))
    return used.rowcount == 1


def codes_left(user):
    return db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id))


def forget_codes(user):
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
