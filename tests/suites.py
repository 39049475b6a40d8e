"""Helpers for the repository tests that run one step's tests against
another step's app (red/green, promises, check your work)."""
import functools
from concurrent.futures import ThreadPoolExecutor

from tools import outcomes, steps

STEPS = steps.all_steps()


@functools.cache
def node_ids(step):
    """Every test id of a step's own suite, e.g. tests/test_login.py::test_x[ALICE]."""
    return tuple(outcomes.collect_ids(step))


def collect_every_step():
    """Collect all the suites at once, two processes at a time (each takes about a second)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(node_ids, STEPS))


def run(workdir, test_files, app_dir, select=(), extra_args=(), soften_imports=False):
    """Lay out test_files in workdir/tests and run them (or only `select`)
    against the app in app_dir, in a fresh process."""
    workdir.mkdir(parents=True, exist_ok=True)
    outcomes.lay_out(workdir, test_files, soften_imports)
    return outcomes.run_in_subprocess(workdir, app_dir, select, extra_args)


def in_parallel(*calls):
    """Run (function, args...) tuples on two threads; their results in order."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(function, *args) for function, *args in calls]
        return [future.result() for future in futures]
