"""Personal access tokens: a credential for scripts, command-line tools and CI
jobs, which can't keep a browser's cookie. A feature of its own, so a folder
of its own, as two-factor (07) and passkeys (08) are.

    views.py    the routes: POST, GET /auth/tokens and DELETE /auth/tokens/<id>
    format.py   what a token looks like: fat_, 256 random bits, a checksum
    scopes.py   what a token may be allowed to do
    kind.py     how bearer.py recognises one of ours and finds its owner
    models.py   its table: api_tokens (a SHA-256 of each token, never the token)

This file imports nothing, for the reason two_factor/__init__.py gives.
"""
