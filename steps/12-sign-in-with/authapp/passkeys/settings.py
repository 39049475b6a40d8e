"""The passkeys' check of their production settings. config.py refuses to
start production without a usable WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN and asks
this module what usable means (FEATURE_CHECKS there): settings a browser
accepts, or every passkey ceremony would fail."""
import re


def usable_rp_id(value, config):
    """A domain name of ours: never localhost, which would bind every passkey
    to "localhost" and make it work nowhere else."""
    return is_domain_name(value) and value != "localhost"


def usable_origin(value, config):
    return origin_fits_rp_id(value, str(config.get("WEBAUTHN_RP_ID") or ""))


def is_domain_name(text):
    """example.com, not https://example.com, example.com:443 or 192.0.2.7."""
    labels = text.split(".")
    return (all(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", label) for label in labels)
            and not labels[-1].isdigit())


def origin_fits_rp_id(origin, rp_id):
    """WebAuthn: the page's origin must be secure (https) and its host the RP
    ID or a subdomain of it; an origin has no path."""
    found = re.fullmatch(r"https://([^/:]+)(:\d+)?", origin)
    return bool(found) and (found[1] == rp_id or found[1].endswith(f".{rp_id}"))
