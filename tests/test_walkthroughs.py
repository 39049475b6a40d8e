"""Every example is executed: each step's walkthrough.sh runs green against the
step served on a free loopback port with a fresh database, and prints exactly
what the step's page shows as its output."""
import sys

import pytest

from conftest import ROOT, STEPS

sys.path.insert(0, str(ROOT / "scripts"))
import walkthroughs  # noqa: E402


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_walkthrough_runs_and_matches_the_page(step):
    assert (step / "walkthrough.sh").exists(), f"{step.name} has no walkthrough.sh"
    code, output, server_log = walkthroughs.run(step)
    assert code == 0, f"walkthrough.sh failed:\n{output}\n--- server log ---\n{server_log[-3000:]}"
    recorded = walkthroughs.output_path(step)
    assert recorded.exists(), f"run `make walkthroughs` to record {recorded.relative_to(ROOT)}"
    assert output == recorded.read_text(encoding="utf-8"), (
        f"{step.name}'s walkthrough now prints something else than its page shows: run `make walkthroughs`")
