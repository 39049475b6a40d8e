"""The name a user gives a passkey ("phone"): it is quoted in the owner's
mails and listed on her page, so it must be one plain line."""
import unicodedata

from ..errors import FieldErrors
from ..validation import required_strings

NAME_MAX_LENGTH = 64


def passkey_name(data):
    """The name the user gives the new passkey ("phone"); "passkey" if none."""
    if data.get("name") in (None, ""):
        return "passkey"
    (name,) = required_strings(data, "name")
    if not 0 < len(name.strip()) <= NAME_MAX_LENGTH:
        raise FieldErrors("some fields are invalid", {"name": f"must be at most {NAME_MAX_LENGTH} characters"})
    if not one_plain_line(name.strip()):
        raise FieldErrors("some fields are invalid", {"name": NOT_ONE_PLAIN_LINE})
    return name.strip()


NOT_ONE_PLAIN_LINE = "must be one line of text: no line breaks, control or text-direction characters"
# Unicode's explicit directional formatting characters (UAX #9, section 2): the
# text after one is shown in another order than it is stored ("Trojan Source").
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def one_plain_line(text):
    """The name goes into the owner's mails and onto her list of passkeys: a line
    break there would let its author write lines of our notice ("no action
    needed"), a direction character reorder them. Accents and emoji are fine."""
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS for char in text)
