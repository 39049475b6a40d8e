"""The attack lab (labs/): every attack, both ways, over real HTTP.

For each step with a lab, one run of `python -m tools.attack NN` (the runner
starts each weak target and the step once, and the step's attacks share
them): every attack must get through its weak target and be held by the
step, and the run must read as the recording its page shows (docs/break-it/).
The runs here hash passwords at the testing config's tiny cost (--cheap-hashes:
no attack is about the hash's cost), which changes no other setting.
Then the lab's own rules: every weak_*.patch still applies, the loopback
guard refuses any other address, and an attack can't go past its bounds.
"""
import json
import subprocess
import sys
import threading
import types
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import memo
from tools import appserver, steps

ROOT = steps.ROOT
LABS = ROOT / "labs"
sys.path.insert(0, str(LABS))
import lab  # noqa: E402 (labs/ is not a package: its folders are named after the steps)

LABBED = [step for step in steps.all_steps() if (LABS / step.name).is_dir()]
PATCHES = sorted(LABS.glob("*/weak_*.patch"))
RUN_LIMIT = 600  # seconds for one step's whole lab: a hang guard, generous for 2 busy cores
# Labs whose attack needs the real hash cost: lab 04's five resets released at
# once get through the weak twin only while each request's scrypt keeps the
# others between check and write; at the testing cost they often run one
# after another, and the weak twin then "holds" by luck.
REAL_HASH_COST = {"04-reset"}


def memo_inputs(item):
    """A lab runs its step (and a copy of it with a weak patch from labs/<step>/), with
    labs/lab.py and tools/; its page check reads docs/break-it/<step>.txt. None reads a
    step's page: each check reads the repository but the pages of the steps it is not about."""
    patch = getattr(getattr(item, "callspec", None), "params", {}).get("patch")
    return memo.everything_but_the_pages_of_other_steps([patch.parent.name] if patch else memo.steps_of(item))


@cache
def lab_run(step_name, tmp):
    """(exit status, output, verdicts, recording) of one run of a step's lab."""
    results, recording = tmp / f"{step_name}.json", tmp / f"{step_name}.txt"
    cheap = [] if step_name in REAL_HASH_COST else ["--cheap-hashes"]
    run = subprocess.run([sys.executable, "-m", "tools.attack", step_name[:2], "--results", str(results),
                          "--record-to", str(recording), *cheap], cwd=ROOT, capture_output=True, text=True,
                         timeout=RUN_LIMIT, env=lab_environment())
    verdicts = json.loads(results.read_text()) if results.exists() else None
    return run.returncode, run.stdout + run.stderr, verdicts, recording.read_text() if recording.exists() else None


def lab_environment():
    return dict(steps.environment_without_app_settings(), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("labs")


@pytest.mark.parametrize("step", LABBED, ids=[step.name for step in LABBED])
def test_every_attack_gets_through_the_weak_target_and_is_held_by_the_step(step, scratch):
    status, output, verdicts, _ = lab_run(step.name, scratch)
    attacks = sorted(path.name for path in (LABS / step.name).glob("attack_*.py"))
    assert verdicts is not None and [entry["attack"] for entry in verdicts] == attacks, output
    for entry in verdicts:
        assert entry["weak"] == "got through", f"{entry['attack']} on the weak target: {entry['weak']}\n{output}"
        assert entry["target"] == "held", f"{entry['attack']} on steps/{step.name}: {entry['target']}\n{output}"
    assert status == 0, output


@pytest.mark.parametrize("step", LABBED, ids=[step.name for step in LABBED])
def test_the_page_shows_the_run_as_it_is_today(step, scratch):
    """The "Break it" section shows docs/break-it/<step>.txt: it must be what the lab prints now."""
    _, output, _, recording = lab_run(step.name, scratch)
    recorded = lab.recording_path(step)
    assert recorded.exists(), f"record the lab: python3 -m tools attack {step.name[:2]} --record"
    assert recording == recorded.read_text(encoding="utf-8"), (
        f"the lab's run differs from {recorded.relative_to(ROOT)}: if that is intended, record it again with "
        f"python3 -m tools attack {step.name[:2]} --record\n--- this run ---\n{output}")


def test_cheap_hashes_change_the_hash_cost_and_no_other_setting(tmp_path):
    """What --cheap-hashes serves is each step's development config with the two hash
    methods of its testing config: the attacks meet the same app, only cheaper logins."""
    show = ("import json, sys\nfrom flask.cli import ScriptInfo\n"
            "config = ScriptInfo(app_import_path=sys.argv[1]).load_app().config\n"
            "print(json.dumps({name: repr(value) for name, value in config.items()}))")
    for step in (LABBED[0], LABBED[-1]):  # before and after the legacy hash setting (step 05)
        env = appserver.environment(tmp_path / f"{step.name}.sqlite")
        configs = [json.loads(subprocess.run([sys.executable, "-c", show, app], cwd=step, env=env, check=True,
                                             capture_output=True, text=True).stdout.splitlines()[-1])
                   for app in (appserver.APP, lab.CHEAP_HASHES)]
        development, cheap = configs
        changed = {name for name in development.keys() | cheap.keys() if development.get(name) != cheap.get(name)}
        assert changed <= {"PASSWORD_HASH_METHOD", "LEGACY_PASSWORD_HASH_METHOD"}, changed
        assert cheap["PASSWORD_HASH_METHOD"] == repr("scrypt:256:8:1") != development["PASSWORD_HASH_METHOD"]


def test_a_copy_that_is_still_the_previous_step_fails_the_lab(tmp_path):
    """`make start STEP=03` copies step 02: before the learner writes sessions, the lab must fail (exit 1)."""
    copy = tmp_path / "03-sessions"
    lab.shutil.copytree(steps.find_step("02"), copy, ignore=lab.shutil.ignore_patterns(*steps.MACHINE_PARTS))
    results = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "tools.attack", "03", "--dir", str(copy), "--target-only",
                          "--results", str(results), "--cheap-hashes"], cwd=ROOT, capture_output=True, text=True,
                         timeout=RUN_LIMIT, env=lab_environment())
    assert run.returncode == 1, run.stdout + run.stderr
    assert [entry["target"] for entry in json.loads(results.read_text())] == ["missing"]
    assert "the feature is missing" in run.stdout and "set no session cookie" in run.stdout


@pytest.mark.parametrize("patch", PATCHES, ids=[f"{p.parent.name}/{p.name}" for p in PATCHES])
def test_every_weak_patch_still_applies(patch, tmp_path):
    step = steps.find_step(patch.parent.name)
    copy = lab.patched_copy(step, patch, tmp_path)
    changed = [file_patch.path for file_patch in lab.parse_patch(patch.read_text())]
    assert changed, f"{patch.name} changes nothing"
    for path in changed:
        assert (copy / path).read_text() != (step / path).read_text(), f"{patch.name} left {path} as it was"


def test_a_patch_that_no_longer_matches_is_refused(tmp_path):
    """No fuzz: a patch made for other lines fails loudly instead of patching the wrong place."""
    step = steps.find_step("02")
    patch = tmp_path / "weak_stale.patch"
    patch.write_text("--- a/authapp/auth.py\n+++ b/authapp/auth.py\n@@ -1,1 +1,1 @@\n-not the first line\n+x\n")
    with pytest.raises(lab.PatchDoesNotApply):
        lab.patched_copy(step, patch, tmp_path)


@pytest.mark.parametrize("url", ["http://192.0.2.1:5000/", "http://10.0.0.1/", "http://0.0.0.0:5000/",
                                 "http://[2001:db8::1]:5000/", "http://[::]:5000/"])
def test_the_loopback_guard_refuses_other_addresses(url):
    with pytest.raises(lab.NotLoopback) as refused:
        lab.require_loopback(url)
    assert refused.value.code == 2 and "not loopback" in refused.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000/", "http://127.8.9.10/", "http://[::1]:5000/",
                                 "http://localhost:5000/"])
def test_the_loopback_guard_lets_this_machine_through(url):
    assert lab.require_loopback(url) == url


# ---- the bounds, on a tiny server of our own (counting what reaches it)


class Counting(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.seen += 1
        if self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://192.0.2.1/")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    server.seen = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def toy_attack(attack, max_requests=3, max_seconds=30):
    return types.SimpleNamespace(attack=attack, MAX_REQUESTS=max_requests, MAX_SECONDS=max_seconds)


def toy_app(server):
    return types.SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", step="02-register-login")


def test_the_request_after_max_requests_is_refused_before_it_is_sent(tiny_server):
    def greedy(target):
        client = target.client()
        for _ in range(10):
            client.get("/")
        return lab.Outcome(got_through=True)

    result = lab.run_attack(toy_attack(greedy, max_requests=3), toy_app(tiny_server))
    assert result.verdict == "out of bounds" and result.requests == 3
    assert tiny_server.seen == 3
    assert "request 4 refused: MAX_REQUESTS is 3" in result.evidence[0]


def test_an_attack_past_max_seconds_is_stopped_and_sends_nothing_more(tiny_server):
    release, finished, refused = threading.Event(), threading.Event(), []

    def slow(target):
        release.wait()  # a stand-in for an attack that never ends on its own
        try:
            target.client().get("/")
        except lab.OutOfBounds as error:
            refused.append(str(error))
        finally:
            finished.set()

    result = lab.run_attack(toy_attack(slow, max_seconds=1), toy_app(tiny_server))
    release.set()
    assert finished.wait(timeout=30)
    assert result.verdict == "out of bounds" and "MAX_SECONDS is 1" in result.evidence[0]
    assert refused and tiny_server.seen == 0


def test_an_attack_that_turns_to_another_address_stops_the_lab(tiny_server):
    def wanders(target):
        target.url = "http://192.0.2.1"  # as if a redirect or a typo pointed away from this machine
        target.client().get("/")

    with pytest.raises(lab.NotLoopback):
        lab.run_attack(toy_attack(wanders), toy_app(tiny_server))
    assert tiny_server.seen == 0


def test_a_redirect_elsewhere_is_shown_to_the_attack_not_followed(tiny_server):
    def follows(target):
        answer = target.client().get("/away")
        return lab.Outcome(got_through=False, evidence=[f"{answer.status} {answer.headers['Location']}"])

    result = lab.run_attack(toy_attack(follows), toy_app(tiny_server))
    assert result.verdict == "held" and result.evidence == ["302 http://192.0.2.1/"]
    assert result.requests == 1 and tiny_server.seen == 1


def test_at_once_really_runs_the_requests_together():
    """Each function waits at a barrier of its own for the other: run one after the other,
    both would time out; at_once runs them side by side, so both get through."""
    both_inside = threading.Barrier(2, timeout=10)

    def meet():
        return both_inside.wait()

    results = lab.at_once(meet, meet)
    assert sorted(results) == [0, 1]


MISUSES = {"no step": ([], "Which step?"),
           "no such step": (["99"], "There is no step '99'"),
           "no copy there": (["02", "--dir", "/nonexistent/02-x"], "There is no authapp/ in /nonexistent/02-x"),
           "partial recording": (["02", "--record", "--target-only"], "--record keeps a whole run")}
for unlabbed in [step for step in steps.all_steps() if step not in LABBED][:1]:  # step 01: no login to attack
    MISUSES["no lab"] = ([unlabbed.name[:2]], f"Step {unlabbed.name} has no lab yet")


@pytest.mark.parametrize("argv, says", MISUSES.values(), ids=MISUSES.keys())
def test_misuse_exits_2_with_a_message_and_starts_nothing(argv, says, capsys):
    with pytest.raises(SystemExit) as stopped:
        lab.main(argv)
    assert stopped.value.code == 2 and says in capsys.readouterr().err
