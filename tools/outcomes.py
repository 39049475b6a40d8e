"""Run a step's tests against any copy of the app and record, per test,
what happened, as data rather than as a printed traceback.

Used in-process by `tools/check.py` (a learner's copy) and, through
`run_in_subprocess`, by the repository tests (one process per run, because
every step has a package called `authapp` and Python imports it once).
"""
import ast
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Our own settings, so that no pytest.ini from the learner's folder applies.
PYTEST_INI = "[pytest]\ntestpaths = tests\naddopts = -p no:cacheprovider\n"


class Outcomes:
    """A pytest plugin that keeps one record per test and per module that failed to load."""

    def __init__(self, app_dir):
        self.app_dir = Path(app_dir).resolve()
        self.tests = {}            # node id -> record
        self.collect_errors = {}   # module node id -> text of the error

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        record = self.tests.setdefault(item.nodeid, {
            "outcome": "passed", "file": item.location[0], "line": item.location[1] + 1,
            "name": item.name, "function": getattr(item, "originalname", item.name),
            "module_doc": (getattr(item.module, "__doc__", None) or "").strip(),
            "test_doc": (getattr(item.function, "__doc__", None) or "").strip(),
        })
        if report.failed and record["outcome"] != "failed":
            record["outcome"] = "failed"
            record["when"] = report.when
            record["error"] = self.describe(call.excinfo, report)
        elif report.skipped and record["outcome"] == "passed":
            record["outcome"] = "skipped"

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors[report.nodeid] = str(report.longrepr)

    def describe(self, excinfo, report):
        """The exception as plain data: type, message, the test line that
        failed and, when the error came from the app, where in the app."""
        if excinfo is None:
            return {"type": "Failed", "message": str(report.longrepr), "test_line": "", "app_frame": None}
        test_line, app_frame = "", None
        for entry in excinfo.traceback:
            path = Path(str(entry.path)).resolve()
            if path.name.startswith("test_") or path.name == "conftest.py":
                statement = str(entry.statement).strip()
                test_line = statement if statement else test_line
            elif self.app_dir in path.parents:
                app_frame = {"file": str(path.relative_to(self.app_dir)), "line": entry.lineno + 1,
                             "function": entry.name, "code": str(entry.statement).strip()}
        error = excinfo.value
        missing_key = error.args[0] if isinstance(error, KeyError) and error.args else None
        return {"type": excinfo.type.__name__, "message": str(error), "key": str(missing_key or ""),
                "is_key_error": isinstance(error, KeyError), "test_line": test_line, "app_frame": app_frame}

    def as_dict(self):
        return {"tests": self.tests, "collect_errors": self.collect_errors}


def lay_out(workdir, test_files, soften_imports=False):
    """Copy test files into workdir/tests. `test_files` maps a path inside
    tests/ to the file to copy there (None: an empty file, e.g. __init__.py).
    soften_imports: see tools/missing_names.py."""
    workdir = Path(workdir)
    for destination, source in test_files.items():
        target = workdir / "tests" / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            target.touch()
        elif soften_imports and target.name.startswith("test_"):
            target.write_text(softened(Path(source).read_text()))
        else:
            shutil.copyfile(source, target)
    (workdir / "pytest.ini").write_text(PYTEST_INI)
    return workdir


def softened(source):
    """The test file with each top-level `from authapp... import a, b` made
    tolerant of missing names (tools/missing_names.py), on the same lines."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "authapp" and node.level == 0:
            targets = ", ".join(alias.asname or alias.name for alias in node.names)
            names = ", ".join(repr(alias.name) for alias in node.names)
            lines[node.lineno - 1] = (f"from tools.missing_names import optional as _optional; "
                                      f"{targets} = _optional({node.module!r}, {names})")
            for index in range(node.lineno, node.end_lineno):
                lines[index] = ""
    return "\n".join(lines) + "\n"


def suite_files(step_dir):
    """Every file of a step's tests/ folder, keyed by its path inside tests/."""
    tests = Path(step_dir) / "tests"
    return {str(path.relative_to(tests)): path for path in sorted(tests.rglob("*.py"))
            if "__pycache__" not in path.parts}


def run_here(workdir, app_dir, select=(), extra_args=()):
    """Run the tests in workdir/tests against the app in app_dir, in this
    process, printing nothing. Returns the Outcomes plugin."""
    sys.path.insert(0, str(Path(app_dir).resolve()))
    plugins = [Outcomes(app_dir)] + ([Only(select)] if select else [])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        exit_code = pytest.main(["-p", "no:terminal", *pytest_args(workdir, select, extra_args)], plugins=plugins)
    # Usage error or internal error: e.g. conftest.py couldn't import the app at all.
    plugins[0].crash = printed.getvalue() if exit_code in (pytest.ExitCode.USAGE_ERROR,
                                                           pytest.ExitCode.INTERNAL_ERROR) else ""
    return plugins[0]


def run_in_subprocess(workdir, app_dir, select=(), extra_args=()):
    """run_here in a fresh Python process; returns Outcomes.as_dict()."""
    output = Path(workdir) / "outcomes.json"
    command = [sys.executable, "-m", "tools.outcomes", str(workdir), str(app_dir), str(output),
               *extra_args, "--", *select]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True,
                            env={**clean_environment(), "PYTHONPATH": str(ROOT)})
    if not output.exists():
        raise RuntimeError(f"the test run crashed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(output.read_text())


def clean_environment():
    """The environment without the settings the app reads: a learner's shell
    must not change what the tests see."""
    return {name: value for name, value in os.environ.items()
            if name not in {"APP_CONFIG", "DATABASE_URL", "SECRET_KEY", "CORS_ORIGINS"}}


def collect_ids(step_dir):
    """The node ids of a step's own suite (collected in a fresh process)."""
    with tempfile.TemporaryDirectory() as workdir:
        lay_out(workdir, suite_files(step_dir))
        return list(run_in_subprocess(workdir, step_dir, extra_args=["--collect-only"])["collected"])


class Only:
    """Keep only the given node ids; an id without [parameters] keeps every
    case of that test. (Naming them on pytest's command line would stop the
    whole run when one of their modules fails to import.)"""

    def __init__(self, node_ids):
        self.node_ids = set(node_ids)

    def wanted(self, item):
        return item.nodeid in self.node_ids or item.nodeid.split("[")[0] in self.node_ids

    def pytest_collection_modifyitems(self, config, items):
        config.hook.pytest_deselected(items=[item for item in items if not self.wanted(item)])
        items[:] = [item for item in items if self.wanted(item)]


class Collected:
    def __init__(self):
        self.node_ids = []

    def pytest_collection_finish(self, session):
        self.node_ids.extend(item.nodeid for item in session.items)


def pytest_args(workdir, select, extra_args):
    """Arguments for a run in workdir: our pytest.ini, and only the modules
    that hold the selected tests (all of tests/ when nothing is selected)."""
    workdir = Path(workdir)
    modules = sorted({node_id.split("::")[0] for node_id in select})
    paths = [str(workdir / module) for module in modules] or [str(workdir / "tests")]
    return ["-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir), "-p", "no:cacheprovider",
            "--continue-on-collection-errors", *extra_args, *paths]


def main(argv):
    workdir, app_dir, output, *rest = argv
    split = rest.index("--")
    extra_args, select = rest[:split], rest[split + 1:]
    sys.path.insert(0, str(Path(app_dir).resolve()))
    plugins = [Outcomes(app_dir), Collected()] + ([Only(select)] if select else [])
    pytest.main(["-q", *pytest_args(workdir, select, extra_args)], plugins=plugins)
    Path(output).write_text(json.dumps({**plugins[0].as_dict(), "collected": plugins[1].node_ids}))


if __name__ == "__main__":
    main(sys.argv[1:])
