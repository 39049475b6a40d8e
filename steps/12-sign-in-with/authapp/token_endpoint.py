"""POST /auth/token: tokens for an approved device_code, or for a refresh
token (RFC 6749, section 6). POST /auth/token/revoke (RFC 7009).
No password grant: RFC 9700 (section 2.4) says it MUST NOT be used, since
the app would see the password, and no second factor or passkey could be asked."""
from flask import Blueprint, current_app

from .access import public
from .access_tokens.jwts import issue_access_token
from .device_flow.polling import collect
from .extensions import db
from .oauth import OAuthError, known_client, parameters
from .refresh_tokens.rotation import RefreshRefused, revoke, rotate, start_family

bp = Blueprint("token", __name__, url_prefix="/auth")
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@bp.post("/token")
@public
def token():
    asked = parameters("grant_type", "client_id", "device_code", "refresh_token")
    client_id = known_client(asked["client_id"])
    grant = asked["grant_type"]
    if grant == DEVICE_CODE_GRANT:
        authorization = collect(asked["device_code"], client_id)
        user, scope = authorization.user, authorization.scope
        refresh_token = start_family(user, client_id, scope)
        db.session.commit()  # the device_code's use and the new family, together
    elif grant == "refresh_token" and asked["refresh_token"] is None:
        raise OAuthError("invalid_request", "refresh_token is required")
    elif grant == "refresh_token":
        try:
            family, refresh_token = rotate(asked["refresh_token"], client_id)
        except RefreshRefused:
            raise OAuthError("invalid_grant", "this refresh token can't be used: sign in again") from None
        user, scope = family.user, family.scope
    elif grant is None:
        raise OAuthError("invalid_request", "grant_type is required")
    else:
        raise OAuthError("unsupported_grant_type", f"grant_type is {DEVICE_CODE_GRANT} or refresh_token")
    return tokens(user, scope, client_id, refresh_token)


def tokens(user, scope, client_id, refresh_token):
    """RFC 6749, section 5.1. The security headers already say Cache-Control: no-store."""
    lifetime = current_app.config["ACCESS_TOKEN_LIFETIME"]
    return {"access_token": issue_access_token(user, scope, client_id), "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds()), "refresh_token": refresh_token, "scope": scope}


@bp.post("/token/revoke")
@public
def revoke_token():
    """RFC 7009: 200 whatever the token was, so the answer tells nothing. A
    refresh token's family ends; an access token can't be called back (it
    expires within ACCESS_TOKEN_LIFETIME)."""
    (token,) = parameters("token").values()
    if token is None:
        raise OAuthError("invalid_request", "token is required")
    revoke(token)
    return {}
