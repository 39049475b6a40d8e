"""The common-password blocklist NIST SP 800-63B-4 section 3.1.1.2 requires."""
from functools import cache
from pathlib import Path

BLOCKLIST = Path(__file__).parent / "data" / "common-passwords.txt"  # source and licence: data/README.md


@cache
def common_passwords():
    return frozenset(BLOCKLIST.read_text(encoding="utf-8").split("\n")) - {""}


def is_common(password):
    # The list is lower-case; "PasswordPassword" is as guessable as "passwordpassword".
    return password.lower() in common_passwords()
