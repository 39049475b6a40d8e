"""Authorization: Bearer fat_... (RFC 6750) on GET /auth/me: how a token is
read, recognised and looked up, and how every other header is refused."""
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from authapp import create_app
from authapp.access import access_rule
from authapp.api_tokens.format import new_token
from authapp.api_tokens.models import ApiToken
from authapp.extensions import db
from authapp.models import utcnow
from conftest import PASSWORD, bearer, new_api_token


@pytest.fixture
def token(bob):
    """A token of bob's with every scope."""
    return new_api_token(bob)


@pytest.mark.contract
def test_a_token_reads_its_owners_account(script, token):
    """GET /auth/me with a token that has account:read answers for its owner."""
    response = script.get("/auth/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "bob"


@pytest.mark.contract
def test_an_unknown_token_is_401_invalid_token(script, token):
    """A well-formed token we never issued, or one with a character changed: 401 invalid_token."""
    forged = "fat_" + "A" * 49  # our shape, but no token of ours
    for unknown in (forged, token[:-1] + ("a" if token[-1] != "a" else "b")):
        response = script.get("/auth/me", headers=bearer(unknown))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_token"'
        assert "error" in response.get_json()


@pytest.mark.contract
def test_no_credentials_on_a_token_route_is_401_and_names_the_bearer_scheme(script):
    """RFC 6750 section 3: a request with no credentials is told how to
    authenticate, without an error code."""
    response = script.get("/auth/me")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp"'


@pytest.mark.contract
@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_case_insensitive(script, token, scheme):
    """RFC 9110 section 11.1: the scheme's case doesn't matter; the token's does."""
    assert script.get("/auth/me", headers={"Authorization": f"{scheme} {token}"}).status_code == 200
    assert script.get("/auth/me", headers={"Authorization": f"{scheme} {token.swapcase()}"}).status_code == 401


HOSTILE_HEADERS = {
    "the scheme alone": "Bearer",
    "the scheme and a space": "Bearer ",
    "another scheme": "Basic Ym9iOmNvcnJlY3QgaG9yc2U=",
    "no scheme": "fat_" + "A" * 49,
    "two tokens": "Bearer fat_a fat_b",
    "a comma list": "Bearer fat_a, Bearer fat_b",
    "a huge token": "Bearer " + "A" * 100_000,
    "a NUL": "Bearer fat_\x00abc",
    "unicode": "Bearer fat_ünïcödé",
    "a quoted token": 'Bearer "fat_abc"',
    "a tab": "Bearer\tfat_abc",
    "a token=": "Bearer token=fat_abc",
}


@pytest.mark.contract
@pytest.mark.parametrize("header", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS.keys())
def test_hostile_authorization_headers_get_a_json_401(script, token, header):
    """Anything but `Bearer <b64token>` is a JSON 401 invalid_token, never a 500 nor a login."""
    response = script.get("/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_token"'
    assert response.is_json and "error" in response.get_json()


@pytest.mark.contract
def test_two_authorization_headers_are_refused(script, token):
    """Two Authorization headers, even with the same good token, reach the app
    joined by a comma (as WSGI servers join them): a malformed header, a 401."""
    response = script.get("/auth/me", headers=[("Authorization", f"Bearer {token}"),
                                                ("Authorization", f"Bearer {token}")])
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_token"'


class QueryCounter:
    """Counts the SQL statements the app's engine runs (SQLAlchemy events)."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.counted)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.counted)

    def counted(self, *args):
        self.count += 1


def checksum_changed(token):
    last = token[-1]
    return token[:-1] + ("0" if last != "0" else "1")


def typo(token):
    middle = len(token) // 2
    return token[:middle] + ("x" if token[middle] != "x" else "y") + token[middle + 1:]


@pytest.mark.parametrize("mangle", [checksum_changed, typo, lambda token: token[:-1], lambda token: token + "0",
                                    lambda token: "ghp_" + token[4:]], ids=["forged checksum", "typo",
                                                                            "one short", "one long", "other prefix"])
def test_a_typo_or_a_forged_checksum_is_refused_without_a_query(app, script, token, mangle):
    """The checksum is checked before the database is asked: a flood of
    made-up tokens costs no query."""
    with QueryCounter(app) as queries:
        response = script.get("/auth/me", headers=bearer(mangle(token)))
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate") == 'Bearer realm="authapp", error="invalid_token"'
    assert queries.count == 0


@pytest.mark.contract
def test_a_revoked_token_is_refused_at_once(bob, script):
    """Revoked is gone: the next use is a 401 invalid_token, and a second revocation a 404."""
    token = new_api_token(bob)
    token_id = bob.get("/auth/tokens").get_json()["tokens"][0]["id"]
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200
    assert bob.delete(f"/auth/tokens/{token_id}").status_code == 204
    response = script.get("/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert bob.get("/auth/tokens").get_json() == {"tokens": []}
    assert bob.delete(f"/auth/tokens/{token_id}").status_code == 404  # twice is a 404


@pytest.mark.contract
def test_another_users_token_id_is_a_404(bob, app, script):
    """Alice can't revoke, nor learn of, bob's token: the same 404 as no token at all."""
    token = new_api_token(bob)
    token_id = bob.get("/auth/tokens").get_json()["tokens"][0]["id"]
    alice = app.test_client()
    alice.post("/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    alice.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    mine, nobodys = alice.delete(f"/auth/tokens/{token_id}"), alice.delete(f"/auth/tokens/{token_id + 1000}")
    assert mine.status_code == nobodys.status_code == 404
    assert mine.get_json() == nobodys.get_json()
    assert alice.get("/auth/tokens").get_json() == {"tokens": []}
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200  # still bob's, still working


def test_an_expired_token_is_refused(app, bob, script):
    """Past its expires_at, a token is a 401 invalid_token, like an unknown one."""
    token = new_api_token(bob, expires_in_days=1)
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = script.get("/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_leaked_database_holds_no_usable_token(app, bob, script):
    """Every value of every api_tokens row, sent as a token, is refused; and
    none of them holds the token."""
    token = new_api_token(bob)
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    values = [str(value) for row in rows for value in row if value is not None]
    assert values and not any(token in value or token[4:] in value for value in values)
    for value in values:
        assert script.get("/auth/me", headers=bearer(value)).status_code == 401
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200


def test_unknown_expired_and_revoked_tokens_take_the_same_single_query(app, bob, script):
    """One SELECT, the same for each: no answer comes faster because a token
    was known once (benchmarks/ measures the times; a test counts the work)."""
    expired, revoked = new_api_token(bob), new_api_token(bob)
    with app.app_context():
        db.session.execute(db.update(ApiToken).where(ApiToken.id == 1).values(expires_at=utcnow()))
        db.session.commit()
    assert bob.delete("/auth/tokens/2").status_code == 204
    counts = {}
    for name, token in {"unknown": new_token(), "expired": expired, "revoked": revoked}.items():
        with QueryCounter(app) as queries:
            assert script.get("/auth/me", headers=bearer(token)).status_code == 401
        counts[name] = queries.count
    assert counts == {"unknown": 1, "expired": 1, "revoked": 1}


NEW_PASSWORD = "a brand new passphrase for bob"


@pytest.mark.contract
def test_a_password_change_keeps_the_tokens(bob, script, token):
    """The owner, with the password, chose to change it: her scripts keep
    running (she revokes a token herself if she fears for it; a reset revokes them all)."""
    changed = bob.post("/auth/change-password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert script.get("/auth/me", headers=bearer(token)).status_code == 200


def session_only_routes():
    """Every route that needs a login but names no scope, as app.url_map lists it."""
    app = create_app("testing")
    found = []
    for rule in app.url_map.iter_rules():
        declared = access_rule(app.view_functions[rule.endpoint])
        if declared == "public" or declared.startswith("token "):
            continue
        path = rule.rule.replace("<int(max=2147483647):", "<").split("<")[0]
        path += "1" + rule.rule.split(">")[1] if "<" in rule.rule else ""
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


# Step 12's identity routes are 404 without a provider. Configured with one
# (never asked: the session check comes first), they must refuse a token too.
PROVIDER_NEVER_ASKED = {"OIDC_ISSUER": "https://id.example.invalid", "OIDC_CLIENT_ID": "app",
                        "OIDC_CLIENT_SECRET": "s" * 32}


def test_a_token_reaches_no_session_only_route(app, script, admins_token):
    """The account's security (password, email, two-factor, passkeys, tokens,
    re-authentication, identities) and the admin routes never take a token, not
    even an admin's with every scope. Every such route of app.url_map is tried."""
    app.config.update(PROVIDER_NEVER_ASKED)
    assert script.get("/auth/me", headers=bearer(admins_token)).status_code == 200  # a token that works
    let_in = {}
    for method, path in session_only_routes():
        response = script.open(path, method=method, json={}, headers=bearer(admins_token))
        if response.status_code != 401 or response.get_json() != {"error": "login required"}:
            let_in[f"{method} {path}"] = (response.status_code, response.get_json())
    assert let_in == {}


def test_the_walk_finds_the_session_only_routes():
    """The walk above is no test if it finds nothing: it must see these."""
    found = session_only_routes()
    for route in [("POST", "/auth/tokens"), ("GET", "/auth/tokens"), ("DELETE", "/auth/tokens/1"),
                  ("POST", "/auth/change-password"), ("GET", "/admin/users"), ("POST", "/auth/2fa/setup")]:
        assert route in found
    assert ("GET", "/auth/identities") in found and ("POST", "/auth/identities/link/start") in found
    assert ("GET", "/auth/me") not in found  # it takes a token with account:read
    assert len(found) > 15
