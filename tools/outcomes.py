"""Run a step's tests against any copy of the app and record, per test,
what happened, as data rather than as a printed traceback.

Each run happens in a fresh Python process (`python -m tools.outcomes`),
because every step has a package called `authapp` and Python imports it
once. `tools/check.py` (a learner's copy) and the repository tests (red/green,
promises) both use it. For `check`, the process also:
- imports every module of the app first, so that an error in the learner's
  own file is reported as such, with its file and line (`import_app`);
- writes one line of JSON per event to a progress file, so that the parent
  can show progress and knows which test was running if it had to stop;
- stops a test that runs longer than a time limit, after writing where
  every thread was (faulthandler), so an endless loop gets a message;
- records breakpoint() and pdb.set_trace() calls instead of stopping in a
  debugger that nobody can type into, and keeps what each failing test printed.
"""
import ast
import contextlib
import faulthandler
import importlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import traceback
from pathlib import Path

import pytest

from tools import steps

ROOT = Path(__file__).resolve().parent.parent
# Our own settings, so that no pytest.ini from the learner's folder applies.
PYTEST_INI = ("[pytest]\ntestpaths = tests\naddopts = -p no:cacheprovider\n"
              "markers =\n    contract: talks to the app over HTTP only; every later step must pass it too\n")
OUTPUT_KEPT = 3000  # characters of what a failing test printed


# CPython 3.11 before 3.11.8 can fail "AST constructor recursion depth mismatch"
# when two threads parse at once (python/cpython#106905): parse one at a time.
AST_LOCK = threading.Lock()


def parse_python(source):
    with AST_LOCK:
        return ast.parse(source)


class Outcomes:
    """A pytest plugin that keeps one record per test and per module that failed to load."""

    def __init__(self, app_dir, progress=None, time_limit=None):
        self.app_dir = Path(app_dir).resolve()
        self.tests = {}            # node id -> record
        self.collect_errors = {}   # module node id -> text of the error
        self.breakpoints = []      # where the app called breakpoint() or pdb.set_trace()
        self.progress = progress   # an open file, or None
        self.time_limit = time_limit
        self.current = None

    def event(self, **data):
        if self.progress:
            self.progress.write(json.dumps(data) + "\n")
            self.progress.flush()

    def pytest_configure(self, config):
        sys.breakpointhook = self.breakpoint_called
        import pdb
        pdb.set_trace = self.breakpoint_called

    def breakpoint_called(self, *args, **kwargs):
        """Instead of a debugger: note where it was called, and go on."""
        frame = sys._getframe(1)
        where = {"file": frame.f_code.co_filename, "line": frame.f_lineno, "function": frame.f_code.co_name,
                 "test": self.current}
        self.breakpoints.append(where)
        self.event(event="breakpoint", **where)

    def pytest_collection_finish(self, session):
        self.event(event="collected", ids=[item.nodeid for item in session.items])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        self.event(event="start", id=item.nodeid)
        if self.time_limit:
            faulthandler.dump_traceback_later(self.time_limit, exit=True, file=self.progress)
        try:
            yield
        finally:
            if self.time_limit:
                faulthandler.cancel_dump_traceback_later()
            record = self.tests.get(item.nodeid)
            self.event(event="done", id=item.nodeid, record=record)
            self.current = None

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
        if record["outcome"] == "failed" and report.when in ("call", "teardown"):
            printed = (report.capstdout + report.capstderr).strip()
            if printed:
                record["output"] = printed[-OUTPUT_KEPT:]

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors[report.nodeid] = str(report.longrepr)

    def describe(self, excinfo, report):
        """The exception as plain data: type, message, the test line that
        failed and, when the error came from the app, where in the app."""
        if excinfo is None:
            return {"type": "Failed", "message": str(report.longrepr), "test_line": "", "app_frame": None}
        test_line, test_frame, app_frame = "", None, None
        for entry in excinfo.traceback:
            path = Path(str(entry.path)).resolve()
            if path.name.startswith("test_") or path.name == "conftest.py":
                statement = str(entry.statement).strip()
                if statement:
                    test_line = statement
                    test_frame = {"file": path.name, "line": entry.lineno + 1, "function": entry.name}
            elif self.app_dir in path.parents:
                app_frame = {"file": path.relative_to(self.app_dir).as_posix(), "line": entry.lineno + 1,
                             "function": entry.name, "code": str(entry.statement).strip()}
        error = excinfo.value
        missing_key = error.args[0] if isinstance(error, KeyError) and error.args else None
        return {"type": excinfo.type.__name__, "message": str(error), "key": str(missing_key or ""),
                "is_key_error": isinstance(error, KeyError), "test_line": test_line, "test_frame": test_frame,
                "app_frame": app_frame}

    def as_dict(self):
        return {"tests": self.tests, "collect_errors": self.collect_errors, "breakpoints": self.breakpoints}


def import_app(app_dir):
    """Import the package and every module of the app in app_dir, as the
    app would; one record per module that fails (the package first: if it
    fails, nothing else is tried)."""
    app_dir = Path(app_dir).resolve()
    package = app_dir / "authapp"
    names = ["authapp"] + sorted(
        "authapp." + (path.stem if path.suffix == ".py" else path.name)
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file())
    errors = []
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException as error:  # the learner's code may raise anything, SystemExit included
            if isinstance(error, KeyboardInterrupt):
                raise
            errors.append(import_error(error, name, app_dir))
            if name == "authapp":
                break
    return errors


def import_error(error, module, app_dir):
    """An import failure as data: what, and where in the learner's files."""
    record = {"module": module, "type": type(error).__name__, "message": str(error), "frame": None}
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if app_dir in Path(frame.filename).resolve().parents]
    if frames:
        last = frames[-1]
        record["frame"] = {"file": Path(last.filename).resolve().relative_to(app_dir).as_posix(),
                           "line": last.lineno, "function": last.name, "code": (last.line or "").strip()}
    if isinstance(error, SyntaxError) and error.filename and app_dir in Path(error.filename).resolve().parents:
        record["type"] = type(error).__name__
        record["message"] = error.msg
        record["frame"] = {"file": Path(error.filename).resolve().relative_to(app_dir).as_posix(),
                           "line": error.lineno, "function": "", "code": (error.text or "").rstrip("\n"),
                           "offset": error.offset}
    if isinstance(error, ModuleNotFoundError):
        record["missing_module"] = error.name
    elif isinstance(error, ImportError) and error.name:
        name = str(error).split("'")[1] if str(error).startswith("cannot import name '") else ""
        source = sys.modules.get(error.name)
        record.update(missing_name=name, from_module=error.name,
                      available=sorted(n for n in dir(source) if not n.startswith("_")) if source else [])
    return record


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
    for node in parse_python(source).body:
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
        exit_code = pytest.main(["-p", "no:terminal", *run_arguments(workdir, select, extra_args)], plugins=plugins)
    # Usage error or internal error: e.g. conftest.py couldn't import the app at all.
    plugins[0].crash = printed.getvalue() if exit_code in (pytest.ExitCode.USAGE_ERROR,
                                                           pytest.ExitCode.INTERNAL_ERROR) else ""
    return plugins[0]


def command(workdir, app_dir, output, select=(), extra_args=(), progress=None, time_limit=None, import_first=False):
    """The command line of one run in a fresh process."""
    options = ([f"--outcomes-progress={progress}"] if progress else []) + (
        [f"--outcomes-time-limit={time_limit}"] if time_limit else []) + (
        ["--outcomes-import-app"] if import_first else [])
    return [sys.executable, "-m", "tools.outcomes", str(workdir), str(app_dir), str(output),
            *options, *extra_args, "--", *select]


def run_in_subprocess(workdir, app_dir, select=(), extra_args=()):
    """run_here in a fresh Python process; returns Outcomes.as_dict()."""
    output = Path(workdir) / "outcomes.json"
    result = subprocess.run(command(workdir, app_dir, output, select, extra_args), cwd=workdir,
                            capture_output=True, text=True, env=subprocess_environment())
    if not output.exists():
        raise RuntimeError(f"the test run crashed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(output.read_text())


def subprocess_environment():
    # OIDC_PROVIDER_DIR: step 12's tests start the test OpenID provider from the
    # repository, whichever temporary folder they were copied to.
    return {**clean_environment(), "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
            "OIDC_PROVIDER_DIR": str(ROOT / "oidc-provider")}


def clean_environment():
    """The environment without the settings the app reads: a learner's shell
    must not change what the tests see."""
    environment = steps.environment_without_app_settings()
    environment.pop("PYTHONBREAKPOINT", None)
    return environment


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
    """The ids of the tests collected, and of those marked contract: the ones
    `pytest -m contract` would select (tests/test_contract_markers.py)."""

    def __init__(self):
        self.node_ids = []
        self.contract = []

    def pytest_collection_finish(self, session):
        self.node_ids.extend(item.nodeid for item in session.items)
        self.contract.extend(item.nodeid for item in session.items if item.get_closest_marker("contract"))


def run_arguments(workdir, select, extra_args):
    """Arguments for a run in workdir: our pytest.ini, and only the modules
    that hold the selected tests (all of tests/ when nothing is selected)."""
    workdir = Path(workdir)
    modules = sorted({node_id.split("::")[0] for node_id in select})
    paths = [str(workdir / module) for module in modules] or [str(workdir / "tests")]
    return ["-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir), "-p", "no:cacheprovider",
            "-p", "no:debugging", "--continue-on-collection-errors", *extra_args, *paths]


# As a pytest plugin, for a suite run where it lives, as a learner runs it
# (tests/suites.py: each step's own suite, once per `make test`):
#     python -m pytest -p tools.outcomes --outcomes-json=FILE
# keeps pytest's usual output and writes the records to FILE at the end.

def pytest_addoption(parser):
    parser.addoption("--outcomes-json", metavar="FILE", help="write every test's outcome to FILE (tools/outcomes.py)")


def pytest_configure(config):
    if config.getoption("outcomes_json", None):
        config.outcomes_plugins = [Outcomes(config.rootpath), Collected()]
        for plugin in config.outcomes_plugins:
            config.pluginmanager.register(plugin)


def pytest_unconfigure(config):
    if getattr(config, "outcomes_plugins", None):
        recorder, collected = config.outcomes_plugins
        Path(config.getoption("outcomes_json")).write_text(
            json.dumps({**recorder.as_dict(), "collected": collected.node_ids, "contract": collected.contract}))


def main(argv):
    if argv[:1] == ["--serve"]:
        return serve()
    workdir, app_dir, output, *rest = argv
    split = rest.index("--")
    extra_args, select = rest[:split], rest[split + 1:]
    options = {arg.split("=")[0]: arg.partition("=")[2] for arg in extra_args if arg.startswith("--outcomes-")}
    extra_args = [arg for arg in extra_args if not arg.startswith("--outcomes-")]
    progress = open(options["--outcomes-progress"], "a", encoding="utf-8") if "--outcomes-progress" in options else None
    time_limit = float(options["--outcomes-time-limit"]) if "--outcomes-time-limit" in options else None
    run_once(workdir, app_dir, output, select, extra_args, progress, time_limit, "--outcomes-import-app" in options)


def run_once(workdir, app_dir, output, select, extra_args, progress=None, time_limit=None, import_first=False):
    """One run in this process: the outcomes go to the file `output`."""
    sys.path.insert(0, str(Path(app_dir).resolve()))
    plugins = [Outcomes(app_dir, progress, time_limit), Collected()] + ([Only(select)] if select else [])
    app_errors = []
    if import_first:
        if time_limit:  # an endless loop at import time is stopped too (imports are slow on a busy laptop)
            faulthandler.dump_traceback_later(max(30, 3 * time_limit), exit=True, file=progress)
        plugins[0].event(event="importing")
        app_errors = import_app(app_dir)
        faulthandler.cancel_dump_traceback_later()
        plugins[0].event(event="imported", errors=app_errors)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        exit_code = pytest.main(["-p", "no:terminal", *run_arguments(workdir, select, extra_args)],
                                plugins=plugins)
    crash = printed.getvalue() if exit_code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR) else ""
    Path(output).write_text(json.dumps({**plugins[0].as_dict(), "collected": plugins[1].node_ids,
                                        "app_errors": app_errors, "crash": crash}))


# ---- many runs in one process (the repository's checks: issue 20)
#
# A fresh process per run costs an interpreter, pytest, Flask, SQLAlchemy and
# the app's other libraries (a second or more of CPU), and the repository's
# checks make a run per move state, per red/green pair and per later step. A
# Runner keeps one process (`python -m tools.outcomes --serve`) and sends it
# the runs one by one. Between runs, that process forgets everything a run
# brought in that is not a library: the app (authapp), the tests and their
# conftest.py, sys.path, the environment, the working folder, the loggers'
# settings and the database listeners a conftest.py put on SQLAlchemy's
# Engine class. So each run imports its own app and tests, as in a fresh
# process; the libraries are imported once. A learner's `check` keeps a fresh
# process per run (tools/check.py: time limits, progress, nothing left from
# another copy), and so does each step's own suite (tests/suites.py).

LIBRARY_FOLDERS = tuple(sorted({str(Path(sysconfig.get_path(kind)).resolve()) + os.sep
                               for kind in ("stdlib", "platstdlib", "purelib", "platlib")}
                               | {str(ROOT / "tools") + os.sep}))


def run_and_forget(workdir, app_dir, output, select=(), extra_args=()):
    """run_once, then leave this process as it was before, libraries apart."""
    modules, path, environment, folder = set(sys.modules), list(sys.path), dict(os.environ), os.getcwd()
    loggers = logging_state()
    os.chdir(workdir)
    sys.path.insert(0, str(Path(workdir).resolve()))  # where a fresh `python -m tools.outcomes` there starts
    try:
        run_once(workdir, app_dir, output, select, extra_args)
    finally:
        forgotten = forget_modules(set(sys.modules) - modules)
        restore_logging(loggers, forgotten)
        sys.path[:] = path
        os.environ.clear()
        os.environ.update(environment)
        os.chdir(folder)
        importlib.invalidate_caches()  # the next run's files are new: let imports find them


def is_library(module):
    """A module of the standard library, of an installed package or of tools/."""
    files = [getattr(module, "__file__", None), *getattr(module, "__path__", [])]
    files = [str(Path(name).resolve()) for name in files if name]
    if not files:
        return True  # built into the interpreter
    return all(name.startswith(LIBRARY_FOLDERS) for name in files)


def forget_modules(names):
    """Drop the modules a run imported that are not libraries (the app, the tests,
    conftest.py), after taking their listeners off SQLAlchemy's Engine class."""
    gone = {name: sys.modules[name] for name in names if name in sys.modules and not is_library(sys.modules[name])}
    if "sqlalchemy" in sys.modules:
        remove_engine_listeners(gone)
    for name in gone:
        del sys.modules[name]
    return set(gone)


def logging_state():
    """Every logger's settings: a migration's env.py calls logging's fileConfig, which
    disables the loggers that exist and sets the root logger's level and handlers."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger(), *(logger for logger in manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    return {logger: (logger.level, list(logger.handlers), logger.propagate, logger.disabled, logger.parent)
            for logger in loggers}, manager.disable


def restore_logging(state, forgotten):
    """The loggers as they were before a run; the app's own loggers (named after a
    forgotten module) are dropped, the libraries' loggers made during the run enabled."""
    saved, disable = state
    manager = logging.Logger.manager
    packages = {module.split(".")[0] for module in forgotten}
    for name, logger in list(manager.loggerDict.items()):
        if name.split(".")[0] in packages:
            del manager.loggerDict[name]
        elif isinstance(logger, logging.Logger) and logger not in saved:
            logger.disabled = False
    for logger, (level, handlers, propagate, disabled, parent) in saved.items():
        logger.level, logger.handlers[:], logger.propagate, logger.disabled = level, handlers, propagate, disabled
        logger.parent = parent
    manager.disable = disable
    manager._clear_cache()


ENGINE_EVENTS = ("connect", "first_connect", "checkout", "engine_connect", "before_cursor_execute",
                 "after_cursor_execute")


def remove_engine_listeners(modules):
    """A conftest.py's @event.listens_for(Engine, "connect") holds for every engine
    made after it, in any later run: take off those of the forgotten modules."""
    from sqlalchemy import Engine, event  # noqa: PLC0415 (only when a run has imported it)
    for name, module in modules.items():
        for value in list(vars(module).values()):
            if callable(value) and getattr(value, "__module__", None) == name:
                for identifier in ENGINE_EVENTS:
                    if event.contains(Engine, identifier, value):
                        event.remove(Engine, identifier, value)


def serve():
    """The Runner's process: one run per line of JSON read, "done" written after each."""
    jobs = os.fdopen(os.dup(0), "r", encoding="utf-8")  # pytest's capture points fds 0 and 1 elsewhere
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")  # during a run: these copies stay ours
    for line in jobs:
        started = cpu_seconds()
        run_and_forget(**json.loads(line))
        answers.write(f"done {cpu_seconds() - started:.3f}\n")  # for the table of `make test`
        answers.flush()


def cpu_seconds():
    """User + system CPU of this process and of its children that have ended (0 on Windows)."""
    try:
        import resource  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return 0.0
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Runner:
    """Runs like run_in_subprocess, in one long-lived process (started at the first run).
    Runner.cpu: the CPU seconds every runner's runs have used so far, as their process
    measured them (a process that is still running counts in no RUSAGE_CHILDREN)."""

    cpu = 0.0
    started = []  # every runner made, to close them all at the end of a test session

    def __init__(self):
        self.process = None
        self.errors = None
        Runner.started.append(self)

    @classmethod
    def close_all(cls):
        for runner in cls.started:
            runner.close()

    def start(self):
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: nobody has to read it for a run to go on
        self.process = subprocess.Popen([sys.executable, "-m", "tools.outcomes", "--serve"], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                                        text=True, env=subprocess_environment())

    def run(self, workdir, app_dir, select=(), extra_args=()):
        """Returns Outcomes.as_dict(), as run_in_subprocess does."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        output = Path(workdir) / "outcomes.json"
        job = {"workdir": str(workdir), "app_dir": str(app_dir), "output": str(output), "select": list(select),
               "extra_args": list(extra_args)}
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        except OSError:
            answer = ""
        if answer.startswith("done "):
            Runner.cpu += float(answer.split()[1])
        if not answer.startswith("done ") or not output.exists():
            self.errors.seek(0)
            said = self.errors.read().decode(errors="replace")
            self.close()  # the next run starts a new process
            raise RuntimeError(f"the test run crashed:\n{said[-3000:]}")
        return json.loads(output.read_text())

    def close(self):
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            self.process.wait(timeout=60)
            self.process = None
        if self.errors is not None:
            self.errors.close()
            self.errors = None


if __name__ == "__main__":
    main(sys.argv[1:])
