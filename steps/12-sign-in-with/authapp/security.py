"""Hardening for every request: which proxies to believe, the Origin check,
and the security headers a JSON API should send."""
from flask import current_app, request
from werkzeug.exceptions import Forbidden
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import allowed_origins

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# A JSON API never needs to load, frame or sniff anything (the choices follow
# the OWASP Secure Headers Project's recommendations for an API).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Other sites may not embed our answers (<script src>, <img>): that would
    # pull them into their process. Our front end's fetch() uses CORS instead.
    "Cross-Origin-Resource-Policy": "same-origin",
    # Answers about accounts are never stored by a browser or a proxy.
    "Cache-Control": "no-store",
    # Not "1; mode=block": that old filter could be abused to create XSS, and
    # browsers have removed it. "0" switches it off where it still exists.
    "X-XSS-Protection": "0",
}


def init_security(app):
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops:
        # Believe exactly the X-Forwarded-For entries our own proxies added.
        # Anything further left was written by the client and could say anything.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.before_request(refuse_unknown_origins)
    app.after_request(add_security_headers)


def refuse_unknown_origins():
    """A browser names the page's origin on every cross-origin POST. One that
    isn't ours is a forged request (CSRF), even from a same-site page."""
    origin = request.headers.get("Origin")
    if request.method in STATE_CHANGING and origin and origin not in allowed_origins(current_app.config):
        raise Forbidden("this origin may not make changes here")


def add_security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = current_app.config["HSTS"]
    return response
