"""Every step's own suite passes, each in its own process, run in the step's
folder as a learner runs it (every step has a package called `authapp`, so
they can't share one). The run is made once per `make test` and its
outcomes are reused by test_red_green.py and test_promises.py (suites.py).

Passes means every test passed: pytest also exits with 0 when tests are
skipped, and a skipped test proves nothing."""
import pytest

import memo
from suites import STEPS, own_suite


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_step_suite_passes(step):
    result = own_suite(step)
    assert result["returncode"] == 0, f"{step.name} failed:\n{result['output']}"
    assert result["collected"], f"{step.name}'s run recorded no tests (did it stop early?):\n{result['output']}"
    not_passed = [f"{node_id}: {record['outcome']}" for node_id, record in result["tests"].items()
                  if record["outcome"] != "passed"]
    assert not not_passed, f"{step.name}: every test must pass, these did not:\n  " + "\n  ".join(not_passed)
    unrecorded = [node_id for node_id in result["collected"] if node_id not in result["tests"]]
    assert not unrecorded, f"{step.name}: these tests were collected but never ran:\n  " + "\n  ".join(unrecorded)


def memo_inputs(item):
    """A step's suite reads its own folder (tests/memo.py adds tools/, tests/' helpers, the pins)."""
    return memo.with_the_provider(memo.steps_of(item))
