"""GET /auth/me, answered in the ways a reader would weigh, for `make bench`.

Each variant is step 05's app, unchanged but for how /auth/me finds out who is
asking (and, where a design needs it, what login and logout leave behind). The
rest of every request is the same: the limiter, the security headers, CORS,
the signed Flask cookie. Served by gunicorn from step 05's folder:

    gunicorn --pythonpath benchmarks 'me_variants:create_app("redis")'

  as is        step 05: the session row and its user from the database, every request
  stubbed      the cookie is read and verified, nothing is looked up (the floor of the stack)
  redis        the session's user from Redis: one round trip; logout deletes the key
  cache        step 05's check, remembered per worker for CACHE_SECONDS: a logout
               takes effect up to that late, in each worker
  signed       the user in Flask's signed cookie, no lookup at all: nothing on the
               server can end such a session before the cookie expires

Not part of the tutorial: production/test_production.py checks that each one
answers like step 05, and how late each one notices a logout.
"""
import json
import time

from flask import current_app, request, session
from werkzeug.exceptions import Unauthorized

from authapp import create_app as create_step_app
from authapp.digests import digest
from authapp.sessions import current_session

CACHE_SECONDS = 5
VARIANTS = ("as is", "stubbed", "redis", "cache", "signed")
STUB_USER = {"id": 1, "username": "bench", "email": "bench@example.com"}


def create_app(variant="as is", config=None, **overrides):
    """Step 05's app (create_app(config, **overrides)) with the variant's /auth/me."""
    app = create_step_app(config, **overrides)
    if variant == "as is":
        return app
    if variant not in VARIANTS:
        raise ValueError(f"no variant {variant!r}: {', '.join(VARIANTS)}")
    me = {"stubbed": stubbed, "cache": cached, "redis": from_redis, "signed": from_the_cookie}[variant]
    app.view_functions["auth.me"] = me
    if variant == "redis":
        app.after_request(store_in_redis)
        app.before_request(forget_in_redis)
        app.extensions["bench_redis"] = redis_client(app.config["RATELIMIT_STORAGE_URI"])
    if variant == "signed":
        app.after_request(store_in_the_cookie)
    return app


def token():
    value = session.get("sid")
    if not isinstance(value, str):
        raise Unauthorized("login required")
    return value


def stubbed():
    token()  # Flask verifies the cookie's signature: part of every design here
    return {"user": STUB_USER}


_cache = {}  # one per worker process: {token digest: (time it expires, user)}


def cached():
    key, now = digest(token()), time.monotonic()
    hit = _cache.get(key)
    if hit and hit[0] > now:
        return {"user": hit[1]}
    record = current_session()
    if record is None:
        _cache.pop(key, None)
        raise Unauthorized("login required")
    _cache[key] = (now + CACHE_SECONDS, record.user.to_dict())
    return {"user": _cache[key][1]}


def redis_client(url):
    import redis  # the production profile's client (requirements-prod.txt)
    return redis.Redis.from_url(url)


def redis_key(value):
    return f"bench-session:{digest(value)}"


def from_redis():
    stored = current_app.extensions["bench_redis"].get(redis_key(token()))
    if stored is None:
        raise Unauthorized("login required")
    return {"user": json.loads(stored)}


def store_in_redis(response):
    """After a login: the session's user, under its token's digest, for as long as the session may last."""
    if request.endpoint == "auth.login" and response.status_code == 200 and "sid" in session:
        lifetime = int(current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds())
        current_app.extensions["bench_redis"].set(redis_key(session["sid"]), json.dumps(response.get_json()["user"]),
                                                  ex=lifetime)
    return response


def forget_in_redis():
    """Before a logout: the key goes, so a copy of the cookie is worthless at once."""
    if request.endpoint == "auth.logout" and isinstance(session.get("sid"), str):
        current_app.extensions["bench_redis"].delete(redis_key(session["sid"]))


def from_the_cookie():
    user = session.get("user")
    if not user:
        raise Unauthorized("login required")
    return {"user": user}


def store_in_the_cookie(response):
    if request.endpoint == "auth.login" and response.status_code == 200:
        session["user"] = response.get_json()["user"]
    return response
