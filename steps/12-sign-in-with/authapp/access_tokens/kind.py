"""Our JWTs as a kind of bearer token (bearer.py asks each kind in turn).
The signature and the claims say who and which scopes without a database
read; the owner is read anyway, as for every kind: what a token may do is
its scopes and what its owner may do now (a role in a token would go stale)."""
from ..bearer import Grant
from ..extensions import db
from ..models import User
from .jwts import InvalidAccessToken, verify_access_token


class JwtAccessTokens:
    name = "JWT access token"

    def recognises(self, token):
        """Three dot-separated parts, the first a JSON object in base64url ("eyJ" is '{"')."""
        return token.startswith("eyJ") and token.count(".") == 2

    def grant_for(self, token):
        try:
            claims = verify_access_token(token)
        except InvalidAccessToken:
            return None
        user = db.session.get(User, int(claims["sub"]))
        if user is None:  # the account was deleted after the token was issued
            return None
        return Grant(user=user, scopes=frozenset(claims["scope"].split()), credential=claims)
