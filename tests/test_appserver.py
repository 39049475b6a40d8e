"""The machinery that serves a step (tools/appserver.py) follows one
environment rule at every entry point: a variable left in the shell that a
step reads (DATABASE_URL, MAIL_SERVER, APP_CONFIG, ...) or a proxy never
reaches the server it starts, whether `check` and `doctor` start it
(tools/liveapp.py), the labs, the walkthroughs or the browser tests."""
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT
from tools import liveapp

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "labs"))
import lab  # noqa: E402

import walkthroughs  # noqa: E402
from browser_servers import ApiServer  # noqa: E402

STEP = ROOT / "steps" / "01-models"  # the first step: every later one reads the same settings, and more


def shell_settings(folder):
    """What a learner's shell may hold: settings a step reads, each a value no
    entry point would choose (an unknown config makes any step refuse to start)."""
    return {"APP_CONFIG": "from-the-shell",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'leaked.sqlite'}",
            "MAIL_SERVER": "mail.from-the-shell.invalid",
            "TRUSTED_PROXY_COUNT": "7",
            "WEBAUTHN_RP_ID": "from-the-shell.invalid",
            "https_proxy": "http://proxy.from-the-shell.invalid:3128"}


def process_environment(pid):
    """The environment a running process was started with, as the kernel keeps it."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode("utf-8", "replace").split("\0") if "=" in entry)


@contextmanager
def walkthrough_server():
    with walkthroughs.running_step(STEP) as (_, server, _):
        yield server.process


@contextmanager
def lab_server():
    app = lab.App(STEP, STEP.name)
    try:
        problem = app.start()
        assert problem is None, problem
        yield app.server.process
    finally:
        app.stop()


@contextmanager
def browser_test_server(workdir):
    api = ApiServer(STEP, workdir, cors_origins=["http://127.0.0.1:9"], frontend_url="http://127.0.0.1:9")
    try:
        yield api.process
    finally:
        api.stop()


ENTRY_POINTS = {"walkthroughs": lambda workdir: walkthrough_server(),
                "labs": lambda workdir: lab_server(),
                "browser tests": browser_test_server}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads a process's environment from /proc")
@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_a_server_never_gets_the_shells_settings(entry_point, tmp_path, monkeypatch):
    """Each entry point that serves a step, started from a shell holding app
    settings and a proxy: the server process has none of those values, and the
    database the shell names is never created."""
    settings = shell_settings(tmp_path)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with ENTRY_POINTS[entry_point](tmp_path) as process:
        environment = process_environment(process.pid)
    leaked = sorted(name for name, value in settings.items() if environment.get(name) == value)
    assert not leaked, f"the server of the {entry_point} got these from the shell: {', '.join(leaked)}"
    assert not (tmp_path / "leaked.sqlite").exists()


def test_check_runs_a_step_whatever_the_shell_holds(tmp_path, monkeypatch):
    """`check` and `doctor` (liveapp.prove_it_runs) upgrade and serve the step
    as if the shell were clean: an unknown APP_CONFIG there would stop the
    server, a DATABASE_URL there would be created."""
    for name, value in shell_settings(tmp_path).items():
        monkeypatch.setenv(name, value)
    assert liveapp.prove_it_runs(STEP, sys.executable, STEP.name, limit=30) == []
    assert not (tmp_path / "leaked.sqlite").exists()


def memo_inputs(item):
    """The step served, the entry points (tools/ is read by every check anyway) and the labs' runner."""
    return [STEP.relative_to(ROOT).as_posix(), "scripts/walkthroughs.py", "scripts/docsite", "labs/lab.py"]
