"""A step's attack lab, read as the "Break it" section of its page.

`make attack STEP=NN` runs the attacks of labs/NN-name/ against a weak target
and then against the step; `python3 -m tools attack NN --record` keeps that
run, with ports and seconds replaced, in docs/break-it/NN-name.txt. The page
shows the recording, folded; tests/test_labs.py runs the lab again and fails
when the run differs from it.
"""
import re
from pathlib import Path

from docsite import tryit

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "docs" / "break-it"
LABS = ROOT / "labs"


def recording_path(step):
    return RECORDINGS / f"{step.name}.txt"


def attack_files(step):
    return sorted(path.name for path in (LABS / step.name).glob("attack_*.py"))


def markdown(step):
    """The command, where the lab lives, and the recorded run, folded."""
    path = recording_path(step)
    if not path.exists():
        raise tryit.StaleRecording(f"{path.relative_to(ROOT)} is missing: run "
                                   f"`python3 -m tools attack {step.name[:2]} --record`")
    recorded = path.read_text(encoding="utf-8")
    ran = re.findall(r"\((attack_\w+\.py):", recorded)
    if ran != attack_files(step):
        raise tryit.StaleRecording(f"{path.relative_to(ROOT)} was recorded from other attacks ({ran}) than "
                                   f"labs/{step.name}/ has: run `python3 -m tools attack {step.name[:2]} --record`")
    number = step.name[:2]
    # Folded, so that a first reading of the page doesn't pay for it (scripts/docsite/budget.py).
    out = [f'??? example "`make attack STEP={number}`: a recorded run"\n',
           f"    The story, what to watch and the defence: `labs/{step.name}/README.md`. "
           f"`DIR=workspace/{step.name}` attacks your copy instead; exit status 0 means it held every attack.\n"]
    block = tryit.fenced(recorded.rstrip("\n"), "text", "ports and seconds differ on every run", "break-it-run")
    out.append("\n".join("    " + line if line else "" for line in block.splitlines()) + "\n")
    return "\n".join(out)
