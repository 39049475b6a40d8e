"""The provider, as Authlib's OpenID Connect client sees it. Authlib reads the
provider's discovery document (OIDC_ISSUER + /.well-known/openid-configuration),
makes `state`, `nonce` and the PKCE pair, keeps them in the session cookie
until the callback, redeems the code, and checks the ID token: its signature
with the provider's published keys, and its iss, aud, exp and nonce."""
from authlib.integrations.flask_client import OAuth
from flask import current_app

from .settings import configured, refuse_half_configuration

NAME = "provider"
SCOPES = "openid email"
TIMEOUT = 10  # seconds: a provider that doesn't answer must not hold a worker for ever


def init_client(app):
    """One Authlib registry per app: each test's app may talk to another provider."""
    refuse_half_configuration(app.config)
    if not configured(app.config):
        return
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        # S256: the browser carries only the challenge; the verifier goes with the code, from us.
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": TIMEOUT},
    )
    app.extensions["oidc"] = oauth


def provider():
    return current_app.extensions["oidc"].create_client(NAME)


def metadata():
    """The discovery document, fetched once per app. Its issuer must be the one we
    were configured with (OpenID Connect Discovery 1.0 section 4.3): else a document
    served from our issuer's address could speak for another provider."""
    document = provider().load_server_metadata()
    if document.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise ValueError("the discovery document names another issuer")
    return document
