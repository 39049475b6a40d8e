"""Bearer tokens (RFC 6750), read in one place: `Authorization: Bearer <token>`,
and nowhere else (never from the URL, never from the body). Which kinds of
token exist is a small registry: each kind says whether a token is one of its
own and whose it is (api_tokens/kind.py). What a token may do here is its
scopes and its owner's permissions, both: its owner's read now, at every use."""
import re
from dataclasses import dataclass

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException

from .roles import permissions_of

REALM = "authapp"
# RFC 6750 section 2.1: "Bearer", one or more spaces, then a b64token. The
# scheme is case-insensitive (RFC 9110 section 11.1); the token is not.
CREDENTIALS = re.compile(r"(?i:bearer) +([A-Za-z0-9\-._~+/]+=*)", re.ASCII)
MAX_HEADER_LENGTH = 4096  # far above any token we issue; a bigger header is read no further


@dataclass(frozen=True)
class Grant:
    """Who a bearer token speaks for, and what it says it may do."""
    user: object
    scopes: frozenset
    credential: object  # the kind's own record of it (an ApiToken row)


class BearerError(HTTPException):
    """An RFC 6750 answer: JSON like every error, plus the WWW-Authenticate
    header that says what went wrong (`error`), and which scope was missing."""

    def __init__(self, code, description, error=None, scope=None):
        super().__init__(description)
        self.code = code
        self.challenge = f'Bearer realm="{REALM}"'
        if error:
            self.challenge += f', error="{error}"'
        if scope:
            self.challenge += f', scope="{scope}"'

    def get_headers(self, *args, **kwargs):
        return [*super().get_headers(*args, **kwargs), ("WWW-Authenticate", self.challenge)]


def invalid_token(description):
    return BearerError(401, description, "invalid_token")


def invalid_request(description):
    return BearerError(400, description, "invalid_request")


def register_token_kind(app, kind):
    """Teach `app` a kind of bearer token (create_app does it for each)."""
    app.extensions.setdefault("token_kinds", []).append(kind)


def has_bearer_token():
    return "Authorization" in request.headers


def bearer_token():
    """The token in this request's Authorization header; a 401 if the header is
    malformed. Two Authorization headers reach us joined by a comma (WSGI
    servers join them), so they are malformed too."""
    header = request.headers["Authorization"]
    match = CREDENTIALS.fullmatch(header) if len(header) <= MAX_HEADER_LENGTH else None
    if match is None:
        raise invalid_token("the Authorization header must be: Bearer <token>")
    return match.group(1)


def bearer_grant():
    """The Grant of this request's bearer token (read once per request), or a 401."""
    if "grant" not in g:
        token = bearer_token()
        kind = next((kind for kind in current_app.extensions["token_kinds"] if kind.recognises(token)), None)
        grant = kind.grant_for(token) if kind else None
        if grant is None:
            raise invalid_token("this token is unknown, expired or revoked")
        if grant.user.disabled_at is not None:  # an admin disabled the account: its tokens with it
            raise invalid_token("this token's account is disabled")
        g.grant = grant
    return g.grant


def allowed_scopes(grant):
    """A token never does more than its owner may do now: a demoted owner's tokens lose it at once."""
    return grant.scopes & permissions_of(grant.user)


def refuse_mixed_credentials():
    """Before every request. One credential per request: with a cookie and a
    token, which one speaks? (RFC 6750 section 3.1: more than one method is an
    invalid_request.) And a token never travels in a URL: URLs end up in logs,
    in browser history and in Referer headers."""
    if has_bearer_token() and current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        raise invalid_request("send a session cookie or a bearer token, not both")
    if "access_token" in request.args:
        raise invalid_request("a token never goes in a URL: send it in the Authorization header")
