"""Every step's own suite passes, each in its own process, run in the step's
folder as a learner runs it (every step has a package called `authapp`, so
they can't share one). The run is made once per `make test` and its
outcomes are reused by test_red_green.py and test_promises.py (suites.py)."""
import pytest

from suites import STEPS, own_suite


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_step_suite_passes(step):
    result = own_suite(step)
    assert result["returncode"] == 0, f"{step.name} failed:\n{result['output']}"
