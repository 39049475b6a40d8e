"""Issuing and checking access tokens. Named jwts.py, not jwt.py: PyJWT is `jwt`.

What a checker must refuse (RFC 8725, JSON Web Token Best Current Practices):
an algorithm the token chooses ("none", or HS256 with our public key as the
secret), a key the token brings or points to (jwk, jku, x5u, x5c), an extension
we don't understand (crit), a missing claim, another kind of JWT (an ID token:
typ), and a token for another audience or from another issuer."""
import secrets

import jwt
from flask import current_app

from .. import clock
from .keys import signing_keys

ALGORITHM = "ES256"  # one algorithm, ours: never the one the token's header names
TYPE = "at+jwt"  # RFC 9068, section 2.1: the type that tells an access token from any other JWT
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti", "client_id", "scope"]
# Header members that would let the token choose the key that checks it, or
# make us obey rules we don't know (crit): a token with one is refused.
REFUSED_HEADERS = {"jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"}


class InvalidAccessToken(Exception):
    """Not one of our access tokens, or no longer valid. The message is for the log, not the client."""


def issue_access_token(user, scope, client_id):
    """A signed access token for `user`: the claims of RFC 9068, section 2.2."""
    config = current_app.config
    issued_at = clock.now()
    claims = {"iss": config["ACCESS_TOKEN_ISSUER"], "aud": config["ACCESS_TOKEN_AUDIENCE"],
              "sub": str(user.id),  # a string: RFC 7519 says so, and PyJWT refuses a number
              "iat": clock.seconds_since_epoch(issued_at),
              "exp": clock.seconds_since_epoch(issued_at + config["ACCESS_TOKEN_LIFETIME"]),
              "jti": secrets.token_urlsafe(16), "client_id": client_id, "scope": scope}
    keys = signing_keys()
    return jwt.encode(claims, keys.signing_key, algorithm=ALGORITHM, headers={"typ": TYPE, "kid": keys.kid})


def verify_access_token(token):
    """The claims of a valid access token; InvalidAccessToken otherwise."""
    try:
        header = jwt.get_unverified_header(token)  # read only to choose our key: trusted for nothing else
        key = verification_key(header)
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=current_app.config["ACCESS_TOKEN_AUDIENCE"],
                            issuer=current_app.config["ACCESS_TOKEN_ISSUER"],
                            # exp and iat are checked below, against clock.now(): PyJWT reads the
                            # real time, which a test can't stop. "require": PyJWT would accept
                            # a token without exp, one that never expires.
                            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False})
    except jwt.PyJWTError as error:
        raise InvalidAccessToken(str(error)) from None
    check_times(claims)
    if not (isinstance(claims["scope"], str) and isinstance(claims["client_id"], str) and is_user_id(claims["sub"])):
        raise InvalidAccessToken("malformed claims")
    return claims


def verification_key(header):
    """Our public key for the header's kid. Everything else in the header is refused or ignored."""
    if str(header.get("typ", "")).lower() not in (TYPE, f"application/{TYPE}"):
        raise InvalidAccessToken("not an access token (typ)")
    if REFUSED_HEADERS & header.keys():
        raise InvalidAccessToken(f"refused header: {sorted(REFUSED_HEADERS & header.keys())}")
    kid = header.get("kid")
    key = signing_keys().verify_keys.get(kid) if isinstance(kid, str) else None  # a dict: never a path, never SQL
    if key is None:
        raise InvalidAccessToken("unknown kid")
    return key


def check_times(claims):
    """Expired (exp is the first second it is no longer valid), or issued in the future."""
    now = clock.seconds_since_epoch(clock.now())
    issued_at, expires_at = claims["iat"], claims["exp"]
    if not all(type(value) is int for value in (issued_at, expires_at)):  # not True, not 1.5, not "1"
        raise InvalidAccessToken("exp and iat must be whole numbers")
    if now >= expires_at:
        raise InvalidAccessToken("expired")
    if issued_at > now:
        raise InvalidAccessToken("issued in the future")


def is_user_id(sub):
    """A user id as we write it: ASCII digits ("²" is a digit to Python), at most 10 (a 32-bit id)."""
    return sub.isascii() and sub.isdigit() and len(sub) <= 10
