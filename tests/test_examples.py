"""examples/notes.py, run for real: the step served on a free loopback port
(tests/browser_servers.py's ApiServer, as `flask run` serves it), a user who
made her tokens through the API with her session, and the script run as a
learner runs it, the token in API_TOKEN. It lists and adds with a token that
may, and stops with a clear message, never a traceback, with a token that may
not, a revoked one, none, or an API that isn't there."""
import re
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest
import requests

import memo
from browser_servers import ApiServer
from conftest import ROOT, STEPS
from tools import appserver

SCRIPT = ROOT / "examples" / "notes.py"
PASSWORD = "correct horse battery staple"
# The first step with API tokens, and the last step, which keeps them.
WITH_TOKENS = [step for step in STEPS if int(step.name[:2]) >= 10]
TOKEN_STEPS = sorted({WITH_TOKENS[0], WITH_TOKENS[-1]}) if WITH_TOKENS else []
# A note as hostile as text can be for a terminal: an escape sequence that would set its title.
ESCAPE = "\x1b]0;owned\x07back up the photos"


@pytest.fixture(scope="module", params=TOKEN_STEPS, ids=[step.name for step in TOKEN_STEPS])
def api(request, tmp_path_factory):
    """The step serving alice, who has a note and three tokens made in her session:
    one that may read and write notes, one that may only read them, one revoked."""
    server = ApiServer(request.param, tmp_path_factory.mktemp(request.param.name),
                       cors_origins=[], frontend_url="http://127.0.0.1:3000")
    try:
        alice = logged_in_alice(server)
        assert alice.post(server.url + "/notes", json={"text": ESCAPE}).status_code == 201
        tokens = {name: new_token(server, alice, name, scopes)
                  for name, scopes in [("read and write", ["notes:read", "notes:write"]),
                                       ("read only", ["notes:read"]), ("revoked", ["notes:read", "notes:write"])]}
        revoked = alice.get(server.url + "/auth/tokens").json()["tokens"][-1]
        assert alice.delete(f"{server.url}/auth/tokens/{revoked['id']}").status_code == 204
        yield SimpleNamespace(url=server.url, alice=alice, tokens=tokens)
    finally:
        server.stop()


def logged_in_alice(server):
    """Register, follow the mailed link (printed: no mail server), log in: a session."""
    alice = requests.Session()
    alice.trust_env = False  # loopback only: no proxy from the shell
    alice.post(server.url + "/auth/register",
               json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    token = re.search(r"token=([\w.-]+)", server.verification_link("alice@example.com"))[1]
    assert alice.post(server.url + "/auth/verify-email", json={"token": token, "password": PASSWORD}).ok
    assert alice.post(server.url + "/auth/login", json={"username": "alice", "password": PASSWORD}).ok
    return alice


def new_token(server, session, name, scopes):
    answer = session.post(server.url + "/auth/tokens",
                          json={"name": name, "scopes": scopes, "expires_in_days": 7, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def run_script(api_url, token=None, *words):
    """The script as a learner runs it: the token in API_TOKEN (or none), the note's words as arguments."""
    env = {name: value for name, value in appserver.without_shell_settings().items()
           if name not in ("API", "API_TOKEN")}
    env.update(API=api_url, **({"API_TOKEN": token} if token else {}))
    return subprocess.run([sys.executable, str(SCRIPT), *words], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def notes_of_alice(api):
    return [note["text"] for note in api.alice.get(api.url + "/notes").json()["notes"]]


def test_it_lists_the_notes_and_adds_one(api):
    """With a notes:read + notes:write token: alice's notes listed (the escape sequence
    printed as \\x1b, so it can't drive the terminal), a new one added as hers, and the
    token printed nowhere."""
    done = run_script(api.url, api.tokens["read and write"], "from", "the", "script")
    assert done.returncode == 0, done.stderr
    assert "1: '\\x1b]0;owned\\x07back up the photos'" in done.stdout
    assert "\x1b" not in done.stdout
    assert re.search(r"^Added note \d+\.$", done.stdout, re.M)
    assert notes_of_alice(api)[-1] == "from the script"
    assert api.tokens["read and write"] not in done.stdout + done.stderr


def test_a_token_without_notes_write_lists_but_adds_nothing(api):
    """A read-only token: the list, then a clear 403 naming the missing scope; no note added."""
    before = notes_of_alice(api)
    done = run_script(api.url, api.tokens["read only"], "not allowed")
    assert done.returncode == 1
    assert "back up the photos" in done.stdout
    assert done.stderr == ("POST /notes: 403 this token may not do this: it needs the scope notes:write. "
                           "Make a token with the scope it names.\n")
    assert notes_of_alice(api) == before


def test_a_note_the_api_refuses_is_explained_field_by_field(api):
    """Too long a note: the API's 400, with the field and its problem, on one line."""
    before = notes_of_alice(api)
    done = run_script(api.url, api.tokens["read and write"], "x" * 2001)
    assert done.returncode == 1
    assert done.stderr == "POST /notes: 400 some fields are invalid; text must be at most 2000 characters.\n"
    assert notes_of_alice(api) == before


def test_a_revoked_token_is_refused_with_what_to_do(api):
    """A revoked token: a clear 401 and what to do, no traceback, the token not echoed."""
    done = run_script(api.url, api.tokens["revoked"], "not allowed")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("GET /notes: 401 this token is unknown, expired or revoked. "
                           "Make a new token: this one is mistyped, expired or revoked.\n")


def test_a_token_is_read_from_the_environment_never_from_the_arguments(api):
    """A token typed as an argument (it would stay in the shell's history) is not used."""
    done = run_script(api.url, None, api.tokens["read and write"])
    assert done.returncode == 1
    assert done.stderr == "Set API_TOKEN first (make a token in the browser client).\n"
    assert api.tokens["read and write"] not in notes_of_alice(api)


def test_it_sends_no_token_over_plain_http_to_another_machine():
    """http:// to a host that isn't this machine: refused before any request (192.0.2.1 is
    TEST-NET-1, RFC 5737: nothing answers there, so a request would time out, not say this)."""
    done = run_script("http://192.0.2.1:5000", "fat_" + "a" * 49)
    assert done.returncode == 1
    assert done.stderr.startswith("Not sending a token to http://192.0.2.1:5000: over plain http")


def test_no_api_listening_is_said_plainly():
    """Nothing on the port: one line saying so, no traceback."""
    with socket.socket() as probe:  # a port that was free a moment ago, and is closed again
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_script(f"http://127.0.0.1:{port}", "fat_" + "a" * 49)
    assert done.returncode == 1
    assert done.stderr == f"No answer from http://127.0.0.1:{port}: is the API running? (make run STEP=10)\n"


def memo_inputs(item):
    """The script and the step it runs against (tests/browser_servers.py, a helper, is always read)."""
    return ["examples", *memo.steps_of(item)]
