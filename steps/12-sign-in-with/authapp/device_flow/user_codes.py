"""The code a person reads on one screen and types on another (RFC 8628, section 6.1)."""
import secrets

# Twenty consonants: no vowels, so no words (rude or otherwise), and no 0/O or 1/I to confuse.
ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
LENGTH = 8  # 20^8, about 2.6e10 codes (34.5 bits): guessing is capped by the approval limits


def new_user_code():
    """e.g. "WDJB-MJHT": the dash only helps reading; it is not part of the code."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalized(typed):
    """What the person typed, as stored: upper case, without dashes or spaces
    (RFC 8628, section 6.1). None if it can't be a code at all."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(character not in ALPHABET for character in code):
        return None
    return code
