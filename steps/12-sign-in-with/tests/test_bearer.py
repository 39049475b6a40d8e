"""Authorization: Bearer fat_... (RFC 6750): what a token may reach, what it
may do there, and how every other header is refused."""
import pytest
from sqlalchemy import event

from authapp import create_app
from authapp.access import access_rule
from authapp.extensions import db
from conftest import bearer, new_api_token

NOTE = {"text": "written by a script"}


@pytest.fixture
def token(bob):
    """A token of bob's with every scope."""
    return new_api_token(bob)


@pytest.mark.contract
def test_a_token_reads_its_owners_account(script, token):
    response = script.get("/auth/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "bob"


@pytest.mark.contract
def test_a_token_writes_reads_and_deletes_its_owners_notes(script, token, bob):
    added = script.post("/notes", json=NOTE, headers=bearer(token))
    assert added.status_code == 201
    note_id = added.get_json()["note"]["id"]
    assert script.get(f"/notes/{note_id}", headers=bearer(token)).get_json()["note"]["text"] == NOTE["text"]
    assert [note["id"] for note in bob.get("/notes").get_json()["notes"]] == [note_id]  # bob's, in his browser
    assert script.delete(f"/notes/{note_id}", headers=bearer(token)).status_code == 204
    assert script.get("/notes", headers=bearer(token)).get_json() == {"notes": []}


@pytest.mark.contract
@pytest.mark.parametrize("scopes, method, path, needed", [
    (["notes:read"], "POST", "/notes", "notes:write"),
    (["notes:read"], "GET", "/auth/me", "account:read"),
    (["account:read"], "GET", "/notes", "notes:read"),
    (["notes:write"], "GET", "/notes", "notes:read"),
])
def test_a_token_without_the_scope_is_403_insufficient_scope(script, bob, scopes, method, path, needed):
    """Scope escalation: a read-only token can't write, a write token can't read."""
    token = new_api_token(bob, scopes=scopes)
    response = script.open(path, method=method, json=NOTE if method == "POST" else None, headers=bearer(token))
    assert response.status_code == 403
    challenge = f'Bearer realm="authapp", error="insufficient_scope", scope="{needed}"'
    assert response.headers["WWW-Authenticate"] == challenge
    assert needed in response.get_json()["error"]
    assert bob.get("/notes").get_json() == {"notes": []}  # and nothing was written


@pytest.mark.contract
def test_an_unknown_token_is_401_invalid_token(script, token):
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
    response = script.get("/notes")
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
    response = script.get("/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_token"'
    assert response.is_json and "error" in response.get_json()


@pytest.mark.contract
def test_two_authorization_headers_are_400_invalid_request(script, token):
    response = script.get("/auth/me", headers=[("Authorization", f"Bearer {token}"),
                                                ("Authorization", f"Bearer {token}")])
    assert response.status_code in (400, 401)  # joined into one by some servers: then a malformed one
    assert 'error="invalid_' in response.headers["WWW-Authenticate"]


@pytest.mark.contract
def test_a_session_cookie_and_a_token_together_are_400(bob, token):
    """Which one speaks? Neither: RFC 6750 section 3.1 calls more than one method invalid_request."""
    response = bob.get("/auth/me", headers=bearer(token))
    assert response.status_code == 400
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authapp", error="invalid_request"'
    assert "not both" in response.get_json()["error"]


@pytest.mark.contract
@pytest.mark.parametrize("path", ["/auth/me", "/notes", "/"])
def test_a_token_in_the_url_is_refused(script, token, path):
    """URLs are written into logs, browser history and Referer headers: a
    token there is leaked. RFC 6750 section 2.3 allows it; we never do."""
    response = script.get(f"{path}?access_token={token}")
    assert response.status_code == 400
    assert "Authorization header" in response.get_json()["error"]


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


@pytest.fixture
def admins_token(admin, clock):
    """A token with every scope, of an admin with two-factor on (so a code too)."""
    token = new_api_token(admin, code=clock.code(admin.secret))
    clock.tick()  # that code is used: the next step's is fresh
    return token


# Step 12's identity routes are 404 without a provider. Configured with one
# (never asked: the session check comes first), they must refuse a token too.
PROVIDER_NEVER_ASKED = {"OIDC_ISSUER": "https://id.example.invalid", "OIDC_CLIENT_ID": "app",
                        "OIDC_CLIENT_SECRET": "s" * 32}


@pytest.mark.parametrize("method, path", session_only_routes())
def test_a_token_reaches_no_session_only_route(app, script, admins_token, method, path):
    """The account's security (password, email, two-factor, passkeys, tokens,
    re-authentication, identities) and the admin routes never take a token, not
    even an admin's with every scope."""
    app.config.update(PROVIDER_NEVER_ASKED)
    response = script.open(path, method=method, json={}, headers=bearer(admins_token))
    assert response.status_code == 401, response.get_json()
    assert response.get_json() == {"error": "login required"}


def test_the_walk_finds_the_session_only_routes():
    """The walk above is no test if it finds nothing: it must see these."""
    found = session_only_routes()
    for route in [("POST", "/auth/tokens"), ("GET", "/auth/tokens"), ("DELETE", "/auth/tokens/1"),
                  ("POST", "/auth/change-password"), ("GET", "/admin/users"), ("POST", "/auth/2fa/setup")]:
        assert route in found
    assert len(found) > 15


def test_an_admins_token_is_no_admin(admin, admins_token, script, bob):
    """In sudo mode she may delete anyone's note; her token, even with
    notes:write, only her own: a token never carries an admin's powers."""
    note_id = bob.post("/notes", json=NOTE).get_json()["note"]["id"]
    response = script.delete(f"/notes/{note_id}", headers=bearer(admins_token))
    assert response.status_code == 404
    assert bob.get(f"/notes/{note_id}").status_code == 200


def test_a_token_does_no_more_than_its_owner_may_now(script, token, monkeypatch):
    """Its scopes and its owner's permissions, both, read at every use: were
    notes taken from every account tomorrow, yesterday's tokens would lose them too."""
    from authapp import roles
    assert script.get("/notes", headers=bearer(token)).status_code == 200
    monkeypatch.setattr(roles, "EVERY_ACCOUNT", frozenset({"account:read"}))
    response = script.get("/notes", headers=bearer(token))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


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
    assert queries.count == 0
