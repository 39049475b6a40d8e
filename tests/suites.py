"""Each step's own suite, run once per `make test`, and the helpers for the
repository tests that run one step's tests against another step's app
(red/green, promises, check your work).

A step's own run is shared by every test that needs its outcomes: the suite
passes (test_steps.py), its new tests pass on it (the "green" half of
test_red_green.py), and the earlier steps' contract tests it carries
unchanged pass on it (test_promises.py), and pytest marks as contract tests
exactly the ones contracts.py reads (test_contract_markers.py). In `make
test`, the tests about one step go to the same worker (tests/conftest.py),
so the run happens once.

The other runs (a step's tests against another app, a move's state) go to
one long-lived process per worker (outcomes.Runner), which imports the
libraries once and each run's app and tests afresh.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import outcomes, steps

STEPS = steps.all_steps()
_OWN_RUNS = {}
RUNNER = outcomes.Runner()  # closed at the end of the session (conftest.py)


def own_suite(step):
    """The step's suite run in its own folder, as a learner runs it (`pytest`
    there, in a fresh process), once per process: {"returncode", "output",
    "tests": {node id: record}, "collect_errors", "collected", "contract"} (tools/outcomes.py)."""
    if step not in _OWN_RUNS:
        with tempfile.TemporaryDirectory(prefix=f"suite-{step.name[:2]}-") as folder:
            output = Path(folder) / "outcomes.json"
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tools.outcomes",
                 f"--outcomes-json={output}"],
                cwd=step, capture_output=True, text=True, env=outcomes.subprocess_environment())
            recorded = json.loads(output.read_text()) if output.exists() else {
                "tests": {}, "collect_errors": {}, "collected": [], "contract": [], "breakpoints": []}
        _OWN_RUNS[step] = {"returncode": result.returncode, "output": result.stdout[-4000:] + result.stderr[-2000:],
                           **recorded}
    return _OWN_RUNS[step]


def node_ids(step):
    """Every test id of a step's suite, e.g. tests/test_login.py::test_x[ALICE]: from
    its own run when this process has made it, else collected by the runner."""
    if step in _OWN_RUNS:
        return tuple(_OWN_RUNS[step]["collected"])
    with tempfile.TemporaryDirectory(prefix=f"collect-{step.name[:2]}-") as workdir:
        outcomes.lay_out(workdir, outcomes.suite_files(step))
        return tuple(RUNNER.run(workdir, step, extra_args=["--collect-only"])["collected"])


def run(workdir, test_files, app_dir, select=(), extra_args=(), soften_imports=False):
    """Lay out test_files in workdir/tests and run them (or only `select`)
    against the app in app_dir (the runner's process, as fresh for it as a new one)."""
    workdir.mkdir(parents=True, exist_ok=True)
    outcomes.lay_out(workdir, test_files, soften_imports)
    return RUNNER.run(workdir, app_dir, select, extra_args)
