"""What a token looks like, after GitHub's design (github.blog, "Behind
GitHub's new authentication token formats", 2021):

    fat_  +  43 base62 characters: 256 random bits  +  6 base62 characters: a CRC32 of them

The prefix says what it is: a secret scanner or a grep of a log finds it, and
a person who finds one knows where to revoke it. The checksum lets us refuse a
typo or a made-up token without a database query. Letters and digits only:
a double-click selects the whole token. The checksum is no secret (anyone can
compute a CRC32): it stops typos and floods, the 256 random bits stop guessing."""
import secrets
import string
import zlib

PREFIX = "fat_"  # "Flask Auth Token"
ALPHABET = string.digits + string.ascii_letters  # base62
RANDOM_LENGTH = 43  # 62**43 > 2**256: room for every 256-bit number
CHECKSUM_LENGTH = 6  # 62**6 > 2**32: room for every CRC32
LENGTH = len(PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH


def base62(number, length):
    """`number` in base62, padded with zeros on the left to `length` characters."""
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits)).rjust(length, ALPHABET[0])


def checksum(random_part):
    return base62(zlib.crc32(random_part.encode()), CHECKSUM_LENGTH)


def new_token():
    """A fresh token: shown once to its owner, then only its digest is kept."""
    random_part = base62(int.from_bytes(secrets.token_bytes(32), "big"), RANDOM_LENGTH)
    return PREFIX + random_part + checksum(random_part)


def well_formed(token):
    """True if `token` has our prefix, our length, our alphabet and a checksum
    that fits: no database query is needed to refuse anything else."""
    if len(token) != LENGTH or not token.startswith(PREFIX):
        return False
    body = token[len(PREFIX):]
    if not all(character in ALPHABET for character in body):
        return False
    random_part, check = body[:RANDOM_LENGTH], body[RANDOM_LENGTH:]
    return secrets.compare_digest(check, checksum(random_part))
