"""GET /.well-known/jwks.json: the public keys that check our access tokens."""
from flask import Blueprint

from ..access import public
from .keys import signing_keys

bp = Blueprint("jwks", __name__)


@bp.get("/.well-known/jwks.json")
@public
def jwks():
    return signing_keys().jwks()
