"""Every step's own suite passes, each in its own process
(every step has a package called `authapp`, so they can't share one)."""
import subprocess
import sys

import pytest

from conftest import STEPS


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_step_suite_passes(step):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=step, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"{step.name} failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
