"""Every example is executed: each step's walkthrough.sh runs, command by
command and exactly as its page shows it, against the step served on a free
loopback port with a fresh database; every check passes, and every answer is
the one the page shows (docs/walkthroughs/<step>.json)."""
import sys

import pytest

import memo
from conftest import ROOT, STEPS

sys.path.insert(0, str(ROOT / "scripts"))
import walkthroughs  # noqa: E402
from docsite import tryit  # noqa: E402


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_walkthrough_runs_and_matches_the_page(step):
    assert tryit.script(step).exists(), f"{step.name} has no walkthrough.sh"
    blocks = tryit.parse(tryit.script(step).read_text(encoding="utf-8"))
    assert any(block.command.startswith("curl ") for block in blocks), "show at least one request"
    assert all(block.checks for block in blocks if block.command.startswith("curl ")), (
        "every request states what its answer must hold (#> status ...)")
    problems, results, server_log = walkthroughs.run(step)
    assert not problems, "\n".join(problems) + f"\n--- server log ---\n{server_log[-3000:]}"
    recorded = tryit.load_recording(step)
    assert recorded is not None, f"run `make walkthroughs` to record {tryit.recording_path(step).relative_to(ROOT)}"
    assert [entry["command"] for entry in recorded] == [block.command for block in blocks], (
        f"{step.name}'s recording is from other commands: run `make walkthroughs`")
    changed = [entry["command"] for entry, now in zip(recorded, results) if entry["output"] != now["output"]]
    assert not changed, (f"{step.name}'s answers differ from what its page shows (run `make walkthroughs`):\n"
                         + "\n\n".join(changed))


def memo_inputs(item):
    """A walkthrough reads its step, the recorded answers and scripts/ (walkthroughs.py, docsite/tryit.py)."""
    return [*memo.steps_of(item), "docs/walkthroughs", "scripts"]
