"""Hostile answers: a real authenticator's answer, then broken the ways an
attacker would break it (truncated base64, wrong types, CBOR bombs, deep
nesting, NUL, huge). Each gets a 4xx with a JSON error, never a 500, and
never a session."""
import json

import cbor2
import pytest

from conftest import PASSWORD, SoftwareAuthenticator, add_passkey, b64url, unb64url

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def changed(answer, field, value):
    """A copy of the answer with answer[field] (or answer["response"][field]) set to `value`."""
    answer = json.loads(json.dumps(answer))
    (answer["response"] if field in answer["response"] else answer)[field] = value
    return answer


def cbor_changed(answer, **fields):
    """The answer with fields of its attestation object (CBOR) changed."""
    attestation = cbor2.loads(unb64url(answer["response"]["attestationObject"]))
    return changed(answer, "attestationObject", b64url(cbor2.dumps({**attestation, **fields})))


def client_data(answer, **fields):
    data = json.loads(unb64url(answer["response"]["clientDataJSON"]))
    return changed(answer, "clientDataJSON", b64url(json.dumps({**data, **fields}).encode()))


def truncated(answer, field):
    return changed(answer, field, answer["response"][field][:-7])


# Each breaks a good answer to create() (registration) or get() (login).
BOTH = {
    "truncated clientDataJSON": lambda a: truncated(a, "clientDataJSON"),
    "one base64 character": lambda a: changed(a, "clientDataJSON", "A"),
    "not base64 at all": lambda a: changed(a, "clientDataJSON", "!!! <script> ~~~"),
    "non-ASCII base64": lambda a: changed(a, "clientDataJSON", "ÿÿÿÿ"),
    "clientDataJSON not JSON": lambda a: changed(a, "clientDataJSON", b64url(b"\xff\xfe not json")),
    "clientDataJSON nested deep": lambda a: changed(a, "clientDataJSON", b64url(b"[" * 5000)),
    "challenge a number": lambda a: client_data(a, challenge=12345),
    "challenge missing": lambda a: client_data(a, challenge=None) | {},
    "type of the other ceremony": lambda a: client_data(a, type="payment.get"),
    "type a lone surrogate": lambda a: client_data(a, type="\ud800"),  # quoted in the error: escaped there
    "origin a lone surrogate": lambda a: client_data(a, origin="\ud800"),
    "id a number": lambda a: changed(a, "id", 42),
    "id is not rawId": lambda a: changed(a, "id", b64url(b"another credential")),
    "id with NUL": lambda a: changed(a, "id", a["id"] + "\x00"),
    "rawId with a lone surrogate": lambda a: changed(a, "rawId", "\ud800" + a["rawId"]),
    "response a list": lambda a: changed(a, "response", []),
    "response missing": lambda a: {key: value for key, value in a.items() if key != "response"},
    "type not public-key": lambda a: changed(a, "type", "password"),
    "credential id of 2000 bytes": lambda a: {**a, "id": b64url(bytes(2000)), "rawId": b64url(bytes(2000))},
}
REGISTRATION = {
    **BOTH,
    "truncated attestationObject": lambda a: truncated(a, "attestationObject"),
    "attestationObject a CBOR string": lambda a: changed(a, "attestationObject", b64url(cbor2.dumps("hello"))),
    "CBOR nested deep": lambda a: changed(a, "attestationObject", b64url(b"\x81" * 8000 + b"\x00")),
    "CBOR claims 2^63 bytes": lambda a: changed(a, "attestationObject", b64url(b"\x5b" + b"\x7f" + b"\xff" * 7)),
    "fmt a number": lambda a: cbor_changed(a, fmt=1),
    "unknown fmt": lambda a: cbor_changed(a, fmt="mine"),
    "packed with a forged signature": lambda a: cbor_changed(a, fmt="packed", attStmt={"alg": -7, "sig": b"\x30\x00"}),
    "none with a statement": lambda a: cbor_changed(a, attStmt={"sig": b"x"}),
    "authData too short": lambda a: cbor_changed(a, authData=bytes(10)),
    "public key garbage": lambda a: cbor_changed(
        a, authData=cbor2.loads(unb64url(a["response"]["attestationObject"]))["authData"][:-20] + bytes(20)),
}
LOGIN = {
    **BOTH,
    "truncated signature": lambda a: truncated(a, "signature"),
    "signature not DER": lambda a: changed(a, "signature", b64url(bytes(64))),
    "authenticatorData too short": lambda a: changed(a, "authenticatorData", b64url(bytes(5))),
    "userHandle not base64": lambda a: changed(a, "userHandle", "A"),
    "userHandle a number": lambda a: changed(a, "userHandle", 7),
}


@pytest.fixture
def alice(client, authenticator):
    """Alice is logged in with her password and has a passkey on `authenticator`."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert add_passkey(client, authenticator).status_code == 201
    return client


def answers_get_a_4xx(browser, path, cases, answer_for):
    """{case: what went wrong} for every case whose answer was not a JSON 4xx."""
    problems = {}
    for name, breaking in cases.items():
        response = browser.post(path, json=breaking(answer_for()))
        if not (400 <= response.status_code < 500 and "error" in (response.get_json(silent=True) or {})):
            problems[name] = f"{response.status_code} {response.get_data(as_text=True)[:200]}"
    return problems


def test_broken_new_passkeys_get_a_4xx_never_a_500(alice, app):
    app.config["PASSKEY_CHANGE_LIMIT_PER_ACCOUNT"] = "1000 per hour"  # these tests are about bodies

    def fresh_answer():
        options = alice.post("/auth/passkeys/register/options", json={"password": PASSWORD}).get_json()
        return SoftwareAuthenticator().create(options)

    assert answers_get_a_4xx(alice, "/auth/passkeys/register/verify", REGISTRATION, fresh_answer) == {}
    assert len(alice.get("/auth/passkeys").get_json()["passkeys"]) == 1  # only the good one from the fixture


def test_broken_logins_get_a_4xx_never_a_500_and_no_session(alice, app, authenticator):
    app.config["PASSKEY_LOGIN_LIMIT_PER_ADDRESS"] = "1000 per minute"
    alice.post("/auth/logout")

    def fresh_answer():
        return authenticator.get(alice.post("/auth/passkeys/login/options").get_json())

    assert answers_get_a_4xx(alice, "/auth/passkeys/login/verify", LOGIN, fresh_answer) == {}
    assert alice.get("/auth/me").status_code == 401


@pytest.fixture
def logged_in(client):
    """Alice is logged in with her password (no passkey yet)."""
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    return client


@pytest.mark.parametrize("text", ["[" * 3000, "{not json", "null"])
@pytest.mark.parametrize("path", ["/auth/passkeys/register/verify", "/auth/passkeys/login/verify"])
def test_a_body_that_is_no_json_object_is_a_400(logged_in, path, text):
    response = logged_in.post(path, data=text, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "the request body must be a JSON object"


@pytest.mark.parametrize("path", ["/auth/passkeys/register/verify", "/auth/passkeys/login/verify"])
def test_a_body_over_16_kilobytes_is_a_413_before_anything_reads_it(logged_in, path):
    # An answer with certificates is bigger than anything else we accept, but not this big.
    too_big = logged_in.post(path, json={"id": "A" * 16 * 1024})
    assert too_big.status_code == 413 and "error" in too_big.get_json()
    assert logged_in.post(path, json={"id": "A" * 8 * 1024}).status_code == 400  # over 4 KB is fine here


@pytest.mark.parametrize("field", ["password", "name"])
@pytest.mark.parametrize("bad", ["\ud800", "\x00", 42, ["a"]], ids=["lone surrogate", "NUL", "number", "list"])
def test_options_refuse_a_field_they_cannot_use(logged_in, field, bad):
    body = {"password": PASSWORD, "name": "laptop"}
    body[field] = body[field] + bad if isinstance(bad, str) else bad
    response = logged_in.post("/auth/passkeys/register/options", data=json.dumps(body),
                              content_type="application/json")
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


def test_passkey_routes_want_json(logged_in):
    # Any web page can post a form, without asking the API first (no CORS preflight).
    for path in ["/auth/passkeys/register/options", "/auth/passkeys/login/options",
                 "/auth/passkeys/register/verify", "/auth/passkeys/login/verify"]:
        assert logged_in.post(path, data={"password": PASSWORD}).status_code == 415, path
    assert logged_in.delete("/auth/passkeys/1", data={"password": PASSWORD}).status_code == 415


def test_removing_an_id_that_cannot_be_ours_is_a_404(logged_in):
    response = logged_in.delete("/auth/passkeys/2147483647", json={"password": PASSWORD})
    assert response.get_json() == {"error": "you have no passkey with this id"}
    # Beyond the column's 32 bits: no route at all (2^64 would be too big for
    # SQLite's INTEGER, and a 500).
    for passkey_id in ["99999999999999999999", "2147483648", "-1", "abc", "1%00"]:
        response = logged_in.delete(f"/auth/passkeys/{passkey_id}", json={"password": PASSWORD})
        assert response.status_code == 404 and "error" in response.get_json(), passkey_id


def test_a_credential_id_over_1023_bytes_is_refused(alice):
    # WebAuthn's limit; the passkeys table would store any length.
    options = alice.post("/auth/passkeys/register/options", json={"password": PASSWORD}).get_json()
    response = alice.post("/auth/passkeys/register/verify",
                          json=SoftwareAuthenticator().create(options, credential_id=bytes(1024)))
    assert response.status_code == 400
    assert response.get_json() == {"error": "passkey not accepted: a credential id has 1023 bytes at most"}
