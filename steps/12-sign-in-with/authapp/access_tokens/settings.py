"""The signing key's settings. config.py refuses to start production without a
usable ACCESS_TOKEN_SIGNING_KEY and asks this module what usable means."""
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

# The development key (config.py): it is in this repository, so anyone could
# sign tokens with it. Make your own with
# openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
DEVELOPMENT_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcGSZljjHKU4ol/AI
A+gWvdsQefhTnRBm/UpmEYszWpGhRANCAARd5ztiJOjsQ8ExymzEgwTOmUR3uJeS
vlPuybMdYDhycelzGYL3GXNkKA6yEWeFzk89aK9RrwqO/fCXwiAedUiw
-----END PRIVATE KEY-----
"""


def usable_signing_key(value, config):
    """A P-256 private key in PEM, and not the development one."""
    key = private_key(value)
    return key is not None and key.private_numbers() != private_key(DEVELOPMENT_KEY).private_numbers()


def private_key(pem):
    """The EC P-256 private key in `pem`, or None if it is anything else (ES256 signs only with P-256)."""
    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError):
        return None
    return key if is_p256(key) else None


def public_key(pem):
    """The EC P-256 key in `pem` (public, or the public half of a private one), or None."""
    key = private_key(pem)
    if key is not None:
        return key.public_key()
    try:
        key = load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError):
        return None
    return key if is_p256(key) else None


def is_p256(key):
    return isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and key.curve.name == "secp256r1"
