"""Which provider, if any: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET,
all three or none. None: the routes answer 404 and nothing else changes. Some
but not all is a mistake we refuse at start-up, in every configuration,
rather than find out at the first sign-in.

Production names its redirect URI too (OIDC_REDIRECT_URI): built from the
request, it would follow whatever Host header the request came with, and the
provider's list of registered addresses would be the only guard left."""

SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
REDIRECT_URI = "OIDC_REDIRECT_URI"


def configured(config):
    return all(config.get(name) for name in SETTINGS)


def production(config):
    return config.get("CONFIG_NAME") == "production"


def required_settings(config):
    return SETTINGS + (REDIRECT_URI,) if production(config) else SETTINGS


def refuse_half_configuration(config):
    given = [name for name in SETTINGS + (REDIRECT_URI,) if config.get(name)]
    missing = [name for name in required_settings(config) if not config.get(name)]
    if given and missing:
        raise RuntimeError(f"sign-in with a provider is half configured: set {', '.join(missing)} too, "
                           f"or none of {', '.join(given)}")
    if given and production(config):
        for name in ("OIDC_ISSUER", REDIRECT_URI):
            if not config[name].startswith("https://"):
                raise RuntimeError(f"{name} must be an https:// address in production: over plain HTTP, "
                                   "anyone on the way could answer for the provider or read the code")
