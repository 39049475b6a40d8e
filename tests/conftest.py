"""Shared helpers for the repository-level checks, and how `make test` spreads
them over the cores (pytest-xdist; tools/testing.py runs `pytest -n auto
--dist loadscope`).

A group of tests runs whole in one worker process, so what its fixtures build
is built once, as in a run on one core. A group is a module, except where
modules share work (`group_of`): the docs tests share one build of the site,
and the tests about one step share that step's own run (suites.py); and the
walkthroughs, which share nothing, go one by one, as does the USB-stick test
of the site (it builds a site of its own, so it runs beside the docs group,
on the other worker, instead of after it). The
groups start heaviest first, so that the workers finish together. At the end,
a table says where the time went, module by module: seconds in a worker and
CPU seconds (the worker's and its child processes').

In `make test`, a check whose inputs have not changed since it last passed
is re-used, not run (tests/memo.py: what it reads, how it is keyed).

(xdist's own `--dist loadgroup` would read groups from markers, but it does
not work with pytest 9.2: pytest-dev/pytest-xdist#1386. Hence the scheduler
below, through xdist's documented hook.)
"""
import time
from collections import defaultdict

import pytest

import memo
from tools import outcomes, steps

ROOT = steps.ROOT
STEPS = steps.all_steps()

READ_A_STEPS_OWN_RUN = {"test_steps.py", "test_red_green.py", "test_promises.py",  # suites.own_suite
                        "test_contract_markers.py"}
BUILD_THE_SITE = {"test_docs.py", "test_docs_browser.py"}  # site_build.built_site
SHARE_NOTHING = {"test_walkthroughs.py"}  # each test on its own: they fill the gaps at the end
# Tests that share nothing with the rest of their module's group: each a group of its own.
ON_ITS_OWN = {"tests/test_docs_browser.py::test_make_site_builds_a_site_that_opens_from_a_usb_stick":
              "the site from a USB stick"}  # `make site` builds its own site and opens it from files
RUN_A_STEPS_LAB = "test_labs.py"  # the tests about one step's lab share its one run (lab_run)
# Tenths of the worker seconds per group in the table at the end of `make test
# FRESH=1` (2 cores, loaded by other work; issue 20): the heaviest start first.
# A step's group (its own run, red/green and promises) weighs 5 per step
# number, as the tests a step runs grow with it; groups not listed are light.
# test_moves: 37 before its runs went to the shared runner (a quarter less CPU).
# The docs site: 41 before the USB-stick test (about 4) left it. That test weighs
# more than its time, just under the docs site: after a page edit those two are
# most of what runs, and so it starts next, on the other worker, not last.
WEIGHT = {"tests/test_migrations_chain.py": 45, "tests/test_check_your_work.py": 41, "the docs site": 37,
          "the site from a USB stick": 36, "tests/test_moves.py": 28, "tests/test_workshop.py": 26,
          "tests/test_browser_client.py": 12}
LAB_WEIGHT = 5  # a lab at the testing config's hash cost (tests/test_labs.py: --cheap-hashes)
STEP_WEIGHT = 5


def group_of(nodeid):
    """The group of a test id: its module, or the work it shares with other modules."""
    module = nodeid.split("::")[0]
    name = module.rsplit("/", 1)[-1]
    if nodeid in ON_ITS_OWN:
        return ON_ITS_OWN[nodeid]
    if name in BUILD_THE_SITE:
        return "the docs site"
    if name in READ_A_STEPS_OWN_RUN:
        named = [step.name for step in STEPS if step.name in nodeid.partition("[")[2]]
        if named:
            return named[-1]  # a pair "04-reset->05-hardening" is about the later step
    if name in SHARE_NOTHING:
        return nodeid
    if name == RUN_A_STEPS_LAB:
        named = [step.name for step in STEPS if step.name in nodeid.partition("[")[2]]
        if named and nodeid.partition("[")[2].startswith(named[-1]):
            return "the lab of " + named[-1]  # its servers start a few seconds each: spread over the cores
    return module


def weight(group):
    if group in WEIGHT:
        return WEIGHT[group]
    if group.startswith("the lab of "):
        return LAB_WEIGHT
    later = [step for step in STEPS if step.name == group]  # a step's own run, red/green and promises
    return STEP_WEIGHT * (STEPS.index(later[0]) + 1) if later else 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        """loadscope, with our groups as the scopes (in the order collected)."""

        def _split_scope(self, nodeid):
            return group_of(nodeid)

    return ByGroup(config, log)


def pytest_collection_modifyitems(items):
    """Heaviest group first; inside a step's group its own run first (test_steps.py
    makes it, so the table counts it there); otherwise the order of the files."""
    first_seen = {}
    for item in items:
        first_seen.setdefault(group_of(item.nodeid), len(first_seen))
    items.sort(key=lambda item: (-weight(group_of(item.nodeid)), first_seen[group_of(item.nodeid)],
                                 item.path.name != "test_steps.py"))


@pytest.fixture(scope="session")
def root():
    return ROOT


# ---- where the time went: one line per module, at the end of the run

def cpu_seconds():
    """User + system CPU of this process and of its children that have ended
    (this process alone on Windows, which has no `resource`)."""
    try:
        import resource  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return time.process_time()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # The shared runner's process (suites.py) is still running: it reports what each run used.
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + outcomes.Runner.cpu


class CpuPerPhase:
    """In the process that runs the tests: the CPU each phase of a test used,
    its servers and subprocesses included, sent along with its report."""

    def __init__(self):
        self.last = cpu_seconds()

    def pytest_runtest_logstart(self):
        self.last = cpu_seconds()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self):
        outcome = yield
        report = outcome.get_result()
        now = cpu_seconds()
        report.user_properties = [*report.user_properties, ("cpu", now - self.last)]
        self.last = now


class TimePerModule:
    def __init__(self):
        self.seconds = defaultdict(float)
        self.cpu = defaultdict(float)
        self.outcomes = defaultdict(lambda: defaultdict(int))
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report):
        module = report.nodeid.split("::")[0]
        self.seconds[module] += report.duration
        self.cpu[module] += dict(report.user_properties).get("cpu", 0.0)
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.outcomes[module][report.outcome] += 1

    def pytest_terminal_summary(self, terminalreporter):
        if not self.seconds:
            return
        wall = time.monotonic() - self.started
        terminalreporter.section("time per module (seconds in a worker and CPU seconds, set-up and teardown "
                                 "included)")
        terminalreporter.write_line("   wall      cpu  module")
        for module, seconds in sorted(self.seconds.items(), key=lambda entry: -entry[1]):
            counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.outcomes[module].items()))
            terminalreporter.write_line(f"{seconds:7.1f}  {self.cpu[module]:7.1f}  {module}  ({counts})")
        terminalreporter.write_line(f"{sum(self.seconds.values()):7.1f}  {sum(self.cpu.values()):7.1f}  in all, "
                                    f"in {wall:.1f} s of wall time")


def pytest_sessionfinish(session):
    """Stop the shared runners' processes (suites.py) while this process can wait for
    them: so their CPU counts in `make test`'s total, and none is left behind."""
    outcomes.Runner.close_all()


def pytest_configure(config):
    config.pluginmanager.register(CpuPerPhase(), "cpu-per-phase")
    if memo.switched_on():
        config.pluginmanager.register(memo.Memo(ROOT, steps.app_environment_variables()), "memo")
    if not hasattr(config, "workerinput"):  # the main process (or a run without xdist), not a worker
        config.pluginmanager.register(TimePerModule(), "time-per-module")
