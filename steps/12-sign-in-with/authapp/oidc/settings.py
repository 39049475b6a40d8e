"""Which provider, if any: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET,
all three or none. None: the routes answer 404 and nothing else changes. Some
but not all is a mistake we refuse at start-up, in every configuration,
rather than find out at the first sign-in."""

SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


def configured(config):
    return all(config.get(name) for name in SETTINGS)


def refuse_half_configuration(config):
    missing = [name for name in SETTINGS if not config.get(name)]
    if missing and len(missing) < len(SETTINGS):
        raise RuntimeError(f"sign-in with a provider is half configured: set {', '.join(missing)} too, "
                           f"or none of {', '.join(SETTINGS)}")
    if not missing and config.get("CONFIG_NAME") == "production" and not config["OIDC_ISSUER"].startswith("https://"):
        raise RuntimeError("OIDC_ISSUER must be an https:// address in production: over plain HTTP, "
                           "anyone on the way could answer for the provider")
