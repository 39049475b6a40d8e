"""The designs for GET /auth/me that `make bench` compares (benchmarks/me_variants.py)
answer like step 05, and notice a logout as late as the bench's table says: at
once (step 05's database check, a Redis lookup), up to CACHE_SECONDS late (a
per-worker cache), or never (the user in Flask's signed cookie: a copy of the
cookie outlives the logout). On step 05's testing config, with a real Redis."""
import os
import sys

import pytest

from production import services

sys.path[:0] = [services.STEP_05, os.path.join(services.ROOT, "benchmarks")]
import me_variants  # noqa: E402

from authapp.extensions import db  # noqa: E402

ALICE = {"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple 2024"}
PUBLIC = {"username": "alice", "email": "alice@example.com"}


@pytest.fixture(scope="module")
def redis_url():
    with services.redis_server() as url:
        yield url


def logged_in(variant, redis_url, tmp_path):
    """(app, the browser that logged in, another client holding a copy of its cookie)."""
    app = me_variants.create_app(variant, "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}",
                                 RATELIMIT_STORAGE_URI=redis_url)
    with app.app_context():
        db.create_all()
    browser = app.test_client()
    assert browser.post("/auth/register", json=ALICE).status_code == 201
    assert browser.post("/auth/login", json={"username": "alice", "password": ALICE["password"]}).status_code == 200
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    return app, browser, copy


@pytest.mark.parametrize("variant, after_logout", [("as is", 401), ("redis", 401), ("cache", 200), ("signed", 200)])
def test_each_design_answers_like_step_05_and_notices_a_logout_as_the_table_says(variant, after_logout, redis_url,
                                                                               tmp_path, monkeypatch):
    app, browser, copy = logged_in(variant, redis_url, tmp_path)
    me = browser.get("/auth/me")
    assert me.status_code == 200 and {key: me.get_json()["user"][key] for key in PUBLIC} == PUBLIC
    assert app.test_client().get("/auth/me").status_code == 401  # no cookie, no user
    assert copy.get("/auth/me").status_code == 200
    assert browser.post("/auth/logout").status_code == 204
    assert copy.get("/auth/me").status_code == after_logout
    if variant == "cache":  # the logout takes effect once the entry is older than CACHE_SECONDS
        later = me_variants.time.monotonic() + me_variants.CACHE_SECONDS + 0.1
        monkeypatch.setattr(me_variants.time, "monotonic", lambda: later)
        assert copy.get("/auth/me").status_code == 401


def test_the_stubbed_check_reads_the_cookie_and_looks_nothing_up(redis_url, tmp_path):
    app, browser, copy = logged_in("stubbed", redis_url, tmp_path)
    assert browser.get("/auth/me").get_json() == {"user": me_variants.STUB_USER}
    assert app.test_client().get("/auth/me").status_code == 401
    assert browser.post("/auth/logout").status_code == 204
    assert copy.get("/auth/me").status_code == 200  # the floor of the stack, not a design
