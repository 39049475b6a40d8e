"""Two-factor's check of its one production setting. config.py refuses to
start production without a usable TOTP_ENCRYPTION_KEY and asks this module
what usable means (FEATURE_CHECKS there)."""
from cryptography.fernet import Fernet

# The development key (config.py): it is in this repository, so anyone could
# read the secrets it encrypts.
DEVELOPMENT_KEY = "ZGV2LW9ubHkga2V5LCBrbm93biB0byBldmVyeWJvZHk="


def usable_encryption_keys(value, config):
    """Fernet keys, none of them the development one. (`config`, the other
    settings, is there for checks that compare two, as the passkeys' do.)"""
    keys = encryption_keys(value)
    return bool(keys) and DEVELOPMENT_KEY not in keys and all(map(is_fernet_key, keys))


def encryption_keys(value):
    """TOTP_ENCRYPTION_KEY as a list: "new,old" gives ["new", "old"]."""
    return [key.strip() for key in (value or "").split(",") if key.strip()]


def is_fernet_key(key):
    try:
        Fernet(key)  # 32 random bytes in URL-safe base64
    except ValueError:
        return False
    return True
