"""Sound memoization for `make test`: a check whose inputs have not changed
since it last passed is not run again; its green outcome is re-used.

Every test (a "check") gets a key: a hash of exactly what it reads.
- Files: the test's own module, the helpers in tests/ (every file there that
  is not a test_*.py module: conftest.py, suites.py, the .toml lists ...),
  tools/, requirements*.txt and pytest.ini; plus what its module declares
  with a function `memo_inputs(item)` returning paths (files or folders,
  relative to the repository; the helpers below name a test's steps). A
  declared path that starts with "-" is left out of the others (see
  everything_but_the_pages_of_other_steps: a check that reads the whole
  repository except the pages of the steps it is not about). A
  module that declares nothing reads EVERYTHING: every file git lists
  (tracked, or new and not ignored), and Chromium's version. So a new
  module (labs, ...) is always keyed soundly, only more coarsely.
- What is not a file: the Python version, every installed package and its
  version, the value of every environment variable that configures a step
  or a check (CHROMIUM, DATABASE_URL, ...), and Chromium's version for a
  module that declares CHROMIUM among its inputs.

A test is re-used only when its last outcome was green (setup, call and
teardown passed; a skip is not green) under an identical key. A failure, an
error or a skip is never recorded, so it runs again every time. The record
lives in build/test-record.json (git-ignored). `CI=true` or `FRESH=1`
(`make test FRESH=1`) re-use nothing; the record is still refreshed.

Memoization is on when tools/testing.py asks for it (TEST_MEMO=1: `make
test`, `python3 -m tools test`); a bare `pytest` runs everything.
"""
import hashlib
import importlib.metadata
import json
import os
import platform
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path("build") / "test-record.json"  # inside the repository's root
EVERYTHING = "."
CHROMIUM = "<chromium>"  # an input: the browser's version (tests/browser.py finds it)
# Environment variables a check may read that are not files: the browser, and
# every variable that configures a step (tools/steps.py strips most of them
# from the checks' subprocesses; keyed anyway, to be sure).
KEYED_VARIABLES = ("CHROMIUM", "CI", "PATH", "PYTHONPATH", "TOOLS_VENV", "TOOLS_VIA", "LANG", "LC_ALL", "TZ",
                   "NODE", "OIDC_PROVIDER_DIR")  # the test OpenID provider's Node (oidc-provider/)


def switched_on():
    return os.environ.get("TEST_MEMO", "") == "1"


def fresh():
    """CI and FRESH=1 re-use nothing."""
    return any(os.environ.get(name, "").lower() not in ("", "0", "false", "no") for name in ("CI", "FRESH"))


class Files:
    """The repository's files (as git lists them) and their digests, each read once."""

    def __init__(self, root):
        self.root = Path(root)
        self.listed = self.list_files()
        self.digests = {}

    def list_files(self):
        try:
            output = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                    cwd=self.root, capture_output=True, check=True).stdout
            return sorted(set(name for name in output.decode("utf-8", "surrogateescape").split("\0") if name))
        except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked zip): walk it
            skip = {".git", ".venv", "venv", "build", "site", "__pycache__", "instance", "node_modules"}
            return sorted(path.relative_to(self.root).as_posix() for path in self.root.rglob("*")
                          if path.is_file() and not skip & set(path.relative_to(self.root).parts))

    def digest(self, name):
        """sha256 of a file's bytes, with its executable bit (walkthrough.sh), or 'missing'."""
        if name not in self.digests:
            path = self.root / name
            try:
                executable = bool(path.stat().st_mode & stat.S_IXUSR)
                self.digests[name] = hashlib.sha256(path.read_bytes()).hexdigest() + ("+x" if executable else "")
            except OSError:
                self.digests[name] = "missing"
        return self.digests[name]

    def under(self, path):
        """Every listed file at or under a path (a folder or a file)."""
        path = path.strip("/")
        if path in ("", "."):
            return list(self.listed)
        return [name for name in self.listed if name == path or name.startswith(path + "/")]

    def helpers(self):
        """tests/ files that are not test modules: every module's shared code and lists."""
        return [name for name in self.under("tests") if name.count("/") == 1
                and not name.split("/")[1].startswith("test_")]


def step_names():
    """Every step's folder name: ["01-models", "02-register-login", ...]."""
    return sorted(step.name for step in (ROOT / "steps").glob("[0-9][0-9]-*"))


def steps_of(item):
    """The step folders a test is parametrised with (a step's folder or its
    name), e.g. ["steps/04-reset", "steps/05-hardening"] for a red/green pair."""
    names = {step.name for step in (ROOT / "steps").glob("[0-9][0-9]-*")}
    values = getattr(getattr(item, "callspec", None), "params", {}).values()
    found = {Path(str(value)).name for value in values if Path(str(value)).name in names}
    return [f"steps/{name}" for name in sorted(found)]


def steps_through(item):
    """Every step up to the last one the test is parametrised with: what a
    promises check or a link of the migrations chain reads."""
    named = steps_of(item)
    if not named:
        return []
    last = named[-1].split("/")[1]
    return [f"steps/{step.name}" for step in sorted((ROOT / "steps").glob("[0-9][0-9]-*")) if step.name <= last]


LEAVE_OUT = "-"  # a declared "-docs/steps/05-hardening.md": left out of the paths declared with it
# What the documentation holds for one step, each named after it: its page, its
# deeper page, its moves, its recorded walkthrough and its recorded lab run.
PER_STEP_DOCS = (("docs/steps", ".md"), ("docs/deeper", ".md"), ("docs/moves", ""),
                 ("docs/walkthroughs", ".json"), ("docs/break-it", ".txt"))


def everything_but_the_pages_of_other_steps(kept):
    """Every file of the repository except the documentation of the steps not
    in `kept` (step folders or names). For a check that reads much of the
    repository (a copy of it, the site as built, the tools it runs) but the
    page of only some steps: editing page 05 need not re-run the checks about
    step 02. Every step's code stays in: the tools and the site read them all."""
    kept = {Path(str(step)).name for step in kept}
    others = [name for name in step_names() if name not in kept]
    return [EVERYTHING, *(f"{LEAVE_OUT}{folder}/{name}{suffix}" for name in others for folder, suffix in PER_STEP_DOCS)]


FIRST_PROVIDER_STEP = "12"  # from step 12 on, a step's tests start the test OpenID provider


def with_the_provider(paths):
    """`paths`, plus oidc-provider/ when one of them is a step (or its tests/)
    whose tests start the provider: its script and lock are inputs too."""
    starts_it = any(path.split("/")[1][:2] >= FIRST_PROVIDER_STEP
                    for path in paths if path and path.startswith("steps/") and path.count("/"))
    return [*paths, "oidc-provider"] if starts_it else paths


def chromium_version():
    browser = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    try:
        return subprocess.run([browser, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"no browser: {error}"


class Memo:
    """The pytest plugin: keys every collected test, leaves out the re-usable
    ones, and records the green outcomes of those that ran."""

    def __init__(self, root, variables=()):
        self.root = Path(root)
        self.record_path = self.root / RECORD
        self.files = Files(self.root)
        self.variables = sorted(set(KEYED_VARIABLES) | set(variables))
        self.reusing = not fresh()
        self.record = self.load() if self.reusing else {}
        self.keys = {}        # node id -> key, of every test collected here
        self.reused = []      # node ids left out
        self.phases = {}      # node id -> outcomes of setup, call, teardown
        self.chromium = None

    def load(self):
        try:
            return json.loads(self.record_path.read_text())
        except (OSError, ValueError):
            return {}

    def common(self):
        """What every check depends on that is not a file."""
        packages = sorted(f"{dist.metadata['Name']}=={dist.version}".lower()
                          for dist in importlib.metadata.distributions())
        return {"python": sys.version, "implementation": platform.python_implementation(),
                "platform": platform.platform(), "packages": packages,
                "environment": {name: os.environ.get(name) for name in self.variables}}

    def inputs(self, item):
        declare = getattr(item.module, "memo_inputs", None)
        declared = list(declare(item)) if declare else [EVERYTHING, CHROMIUM]
        module = item.path.relative_to(self.root).as_posix()
        paths = {module, "tools", "pytest.ini", *declared}
        paths |= {name for name in self.files.listed if name.startswith("requirements") and "/" not in name}
        return paths

    def key(self, item, common):
        paths = self.inputs(item)
        names = set()
        left_out = {path for path in paths if path.startswith(LEAVE_OUT)}
        for path in paths - {CHROMIUM} - left_out:
            names.update(self.files.under(str(path)))
        for path in left_out:
            names.difference_update(self.files.under(path[len(LEAVE_OUT):]))
        names.update(self.files.helpers())  # after the leaving out: always read
        parts = {"test": item.nodeid, "common": common,
                 "files": {name: self.files.digest(name) for name in sorted(names)}}
        if CHROMIUM in paths:
            if self.chromium is None:
                self.chromium = chromium_version()
            parts["chromium"] = self.chromium
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    # ---- pytest hooks

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        common = self.common()
        kept = []
        for item in items:
            key = self.key(item, common)
            self.keys[item.nodeid] = key
            item.user_properties.append(("memo_key", key))
            if self.reusing and self.record.get(item.nodeid) == key:
                self.reused.append(item.nodeid)
            else:
                kept.append(item)
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[item for item in items if item.nodeid in set(self.reused)])
            items[:] = kept
        if hasattr(config, "workeroutput"):  # an xdist worker: tell the main process what it left out
            config.workeroutput["memo_reused"] = self.reused

    def pytest_runtest_logreport(self, report):
        """Runs in the main process, for every phase of every test (from any worker)."""
        key = dict(report.user_properties).get("memo_key")
        if key:
            self.phases.setdefault(report.nodeid, {"key": key})[report.when] = report.outcome

    @pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest alone doesn't know it
    def pytest_testnodedown(self, node, error):
        self.reused = sorted(set(self.reused) | set(getattr(node, "workeroutput", {}).get("memo_reused", [])))

    def pytest_sessionfinish(self, session, exitstatus):
        if hasattr(session.config, "workerinput"):
            return
        record = dict(self.load())
        for node_id, phases in self.phases.items():
            green = all(phases.get(when) == "passed" for when in ("setup", "call", "teardown"))
            if green:
                record[node_id] = phases["key"]
            else:  # a failure, an error or a skip is never re-used
                record.pop(node_id, None)
        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.record_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, indent=0, sort_keys=True))
        temporary.replace(self.record_path)
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.reused:
            session.exitstatus = pytest.ExitCode.OK  # everything was re-used: a green run

    def pytest_terminal_summary(self, terminalreporter):
        ran = len(self.phases)
        how = ("re-used: none (CI or FRESH=1 runs everything)" if not self.reusing else
               f"{len(self.reused)} re-used (green before, identical inputs)")
        terminalreporter.write_line(
            f"checks: {ran} ran, {how}; record: {self.record_path.relative_to(self.root)} "
            f"(git-ignored; `make test FRESH=1` ignores it)")
