"""Every example is executed: each step's walkthrough.sh runs, command by
command and exactly as its page shows it, against the step served on a free
loopback port with a fresh database; every check passes, and every answer is
the one the page shows (docs/walkthroughs/<step>.json), recorded at the
real hash cost and compared here at the testing config's (only the two hash
settings differ: tests/test_labs.py)."""
import os
import shutil
import signal
import subprocess
import sys

import pytest

import memo
from conftest import ROOT, STEPS
from tools import appserver, ports

sys.path.insert(0, str(ROOT / "scripts"))
import walkthroughs  # noqa: E402
from docsite import tryit  # noqa: E402


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_walkthrough_runs_and_matches_the_page(step):
    assert tryit.script(step).exists(), f"{step.name} has no walkthrough.sh"
    blocks = tryit.parse(tryit.script(step).read_text(encoding="utf-8"))
    assert any(block.command.startswith("curl ") for block in blocks), "show at least one request"
    assert all(block.checks for block in blocks if block.command.startswith("curl ")), (
        "every request states what its answer must hold (#> status ...)")
    # Passwords hashed at the testing config's cost (appserver.CHEAP_HASHES): the
    # answers are the same (the recordings are made at the real cost), and a login
    # costs a millisecond instead of half a second of CPU.
    problems, results, server_log = walkthroughs.run(step, app=appserver.CHEAP_HASHES)
    assert not problems, "\n".join(problems) + f"\n--- server log ---\n{server_log[-3000:]}"
    recorded = tryit.load_recording(step)
    assert recorded is not None, f"run `make walkthroughs` to record {tryit.recording_path(step).relative_to(ROOT)}"
    assert [entry["command"] for entry in recorded] == [block.command for block in blocks], (
        f"{step.name}'s recording is from other commands: run `make walkthroughs`")
    changed = [entry["command"] for entry, now in zip(recorded, results) if entry["output"] != now["output"]]
    assert not changed, (f"{step.name}'s answers differ from what its page shows (run `make walkthroughs`):\n"
                         + "\n\n".join(changed))


def memo_inputs(item):
    """A walkthrough reads its step, the recorded answers and scripts/ (walkthroughs.py, docsite/tryit.py);
    Try it by hand also runs tools/ (run.py, reset.py)."""
    return [*memo.steps_of(item), "docs/walkthroughs", "scripts", *(["tools"] if "twice" in item.name else [])]


def serve_by_hand(folder, log_path):
    """The learner's first terminal: `make run DIR=folder FRESH=1 PORT=...` (a
    port that isn't 5000), its output in log_path as `| tee server.log` keeps it.
    In a process group of its own, so that Ctrl+C can reach all of it."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("APP_CONFIG", "DATABASE_URL", "API", "TOOLS_VIA")}
    environment["TOOLS_VENV"] = sys.prefix  # this run's .venv: the tools install nothing
    log = open(log_path, "w+")
    server = subprocess.Popen([sys.executable, "-m", "tools", "run", "--dir", str(folder), "--port", "0", "--fresh"],
                              cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    port = ports.announced_port(lambda: log_path.read_text(errors="replace"), server, appserver.START_LIMIT)
    assert port is not None, f"`run` exited, or never said where it listens:\n{log_path.read_text(errors='replace')}"
    return server, log, port


def press_ctrl_c(server, log):
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


BY_HAND = [step for step in STEPS if step.name[:2] in ("03", "04")]


@pytest.mark.parametrize("step", BY_HAND, ids=[step.name for step in BY_HAND])
def test_try_it_runs_twice_with_fresh_and_on_another_port(step, tmp_path, monkeypatch):
    """The page's Try it, by hand, twice in the same terminal folder: each time
    the step is started with FRESH=1 on a port that isn't 5000, and the requests
    reach it through API alone (no routing). The second run would meet a 409 for
    its first registration without the fresh start; 04 also reads the mail from
    server.log."""
    copy = tmp_path / step.name
    shutil.copytree(step, copy, ignore=shutil.ignore_patterns("instance", "__pycache__", ".pytest_cache"))
    terminal = tmp_path / "terminal"
    terminal.mkdir()
    monkeypatch.chdir(terminal)
    for attempt in (1, 2):
        server, log, port = serve_by_hand(copy, terminal / "server.log")
        try:
            assert port != 5000
            problems, _, _ = walkthroughs.run(step, f"http://127.0.0.1:{port}")
            started = (terminal / "server.log").read_text(errors="replace")
        finally:
            press_ctrl_c(server, log)
        assert "Fresh start" in started, started[-2000:]
        assert not problems, f"run {attempt}:\n" + "\n".join(problems) + f"\n--- server ---\n{started[-3000:]}"
