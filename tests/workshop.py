"""Helpers for the workshop tests: a copy of the repository as a learner has
it (no .venv, no workspace/), and the tools typed in it the way a learner
types them without make: `python3 -m tools <command>`, with a PATH that
holds python3 and nothing else (no make, no git, no bash).

The commands reuse this test run's virtual environment (TOOLS_VENV), so
nothing is installed again: its stamps already match the pins.
"""
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.ports import free_port  # noqa: F401 (a port for the commands a test types, as a learner would)

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["tools", "steps", "docs", "scripts", "client", "labs", "Makefile", ".gitignore", "README.md",
         "requirements.txt", "requirements-dev.txt", "requirements-prod.txt"]
LEFT_OUT = shutil.ignore_patterns("instance", "__pycache__", ".pytest_cache", "workspace", "site", "build",
                                  "wheelhouse", "*.sqlite", "assets", "generated")
SETTINGS = {"APP_CONFIG", "DATABASE_URL", "SECRET_KEY", "CORS_ORIGINS", "TOOLS_VIA", "TOOLS_INSIDE", "TOOLS_VENV",
            "PYTHONPATH", "OFFLINE", "FLASK_APP"}


def this_venv():
    assert sys.prefix != sys.base_prefix, "run the repository tests inside .venv: make test, or python3 -m tools test"
    return sys.prefix


def clone(target):
    """A copy of the repository's working tree, as a fresh clone has it."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=LEFT_OUT)
        elif source.exists():
            shutil.copy2(source, target / part)
    return target


def wrapper(folder, name, python):
    """An executable `name` that runs `python` (a script, not a symlink, so that
    the venv's Python still knows it is in a venv)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    path.chmod(0o755)
    return path


class Learner:
    """Types commands in a copy of the repository, without make."""

    def __init__(self, repository, bin_dir, venv=None, **environment):
        self.repository = Path(repository)
        wrapper(bin_dir, "python3", sys.executable)
        self.env = {name: value for name, value in os.environ.items() if name not in SETTINGS}
        self.env.update(PATH=str(bin_dir), TOOLS_VENV=str(venv or this_venv()), PYTHONDONTWRITEBYTECODE="1",
                        **environment)
        assert shutil.which("make", path=self.env["PATH"]) is None

    def tools(self, *args, timeout=300, **environment):
        return subprocess.run(["python3", "-m", "tools", *args], cwd=self.repository, capture_output=True,
                              text=True, timeout=timeout, env={**self.env, **environment})

    def start_tools(self, *args):
        """A long-running command (run, client): in its own process group, so
        that stop() ends it with everything it started."""
        log = open(self.repository / f"tools-{args[0]}.log", "w+")
        process = subprocess.Popen(["python3", "-m", "tools", *args], cwd=self.repository, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log
        return process


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
    process.log.seek(0)
    return process.log.read()


def wait_for(url, process, limit=120):
    """The body of the first answer from url; fails if the process ends first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, stop(process)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on {url}:\n{stop(process)}")


def in_parallel(calls):
    """{name: result} of (name, function, *args) calls, two at a time (two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(function, *args) for name, function, *args in calls}
        return {name: future.result() for name, future in futures.items()}


def edit(path, old, new):
    text = Path(path).read_text()
    assert old in text, f"{path} no longer contains {old!r}: update the test's edit"
    Path(path).write_text(text.replace(old, new, 1))
