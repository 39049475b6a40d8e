"""make bench: what `make test` costs as the work grows with the change
(issue 20). Each round runs, in this order:

- cold: `make test FRESH=1`, every check runs (what CI does, CI=true);
- unchanged: `make test` again, nothing edited: every check is re-used;
- one page edited: a line added to the middle step's page (an HTML
  comment: the page's visible words, hence its reading time, stay put);
- one step's code edited: a word of a comment changed in the last step's
  authapp/oidc/views.py, as a maintainer makes such an edit, so that the run
  stays green: the step's moves are re-saved with it (scripts/moves.py edit,
  the moves' commits rewritten, save). The last step, because no later step
  carries its code: one step's code changes, and nothing else. (The page
  edit is still in place, so only the code edit is new.)

The two edits are undone at the end of the round, whatever happens. Wall
time and CPU seconds (user + system of every process of the run) are kept
per run; the CPU is the figure to compare on a busy machine.
"""
import contextlib
import os
import resource
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ["cold (FRESH=1, as CI)", "unchanged", "one step page edited", "one step's code edited"]


def middle_step():
    steps = sorted(path for path in (ROOT / "steps").glob("[0-9][0-9]-*") if path.is_dir())
    return steps[len(steps) // 2]


def cpu_of_children():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def make_test(fresh=False):
    """One `make test`: (wall seconds, CPU seconds, passed, its output's last lines)."""
    command = ["make", "test"] + (["FRESH=1"] if fresh else [])
    cpu_before, start = cpu_of_children(), time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, cpu_of_children() - cpu_before
    return wall, cpu, result.returncode == 0, (result.stdout[-3000:] + result.stderr[-2000:])


@contextlib.contextmanager
def edited(path, addition):
    """The file with `addition` at its end, restored byte for byte afterwards."""
    original = path.read_bytes()
    try:
        path.write_bytes(original + addition.encode())
        yield
    finally:
        path.write_bytes(original)


# The code edit: this comment, in the last step's code, is added by one of its moves.
CODE_FILE = "authapp/oidc/views.py"
CODE_BEFORE = "# two-factor was turned off at this very moment"
CODE_AFTER = "# two-factor was turned off at that very moment"
REPLACE = """import pathlib, sys
path = pathlib.Path(sys.argv[1])
if path.exists():
    path.write_text(path.read_text().replace(sys.argv[2], sys.argv[3]))
"""


def last_step():
    return sorted(path for path in (ROOT / "steps").glob("[0-9][0-9]-*") if path.is_dir())[-1]


@contextlib.contextmanager
def code_edited():
    """CODE_BEFORE becomes CODE_AFTER in the last step and in every state of its
    moves that has the line; the step's file and its moves restored afterwards."""
    step = last_step()
    target, moves_folder = step / CODE_FILE, ROOT / "docs" / "moves" / step.name
    number, repository = step.name[:2], ROOT / "build" / "moves" / step.name
    kept = {path: path.read_bytes() for path in [target, *moves_folder.iterdir()]}
    if target.read_text().count(CODE_BEFORE) != 1:
        raise SystemExit(f"make bench: {CODE_BEFORE!r} is no longer in {target} once: choose another line")
    try:
        replace = [sys.executable, "-c", REPLACE]
        subprocess.run([*replace, str(target), CODE_BEFORE, CODE_AFTER], check=True)
        subprocess.run([sys.executable, "scripts/moves.py", "edit", number, "--force"], cwd=ROOT, check=True,
                       capture_output=True)
        tree_filter = shlex.join([*replace, CODE_FILE, CODE_BEFORE, CODE_AFTER])
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "filter-branch", "-f",
                        "--tree-filter", tree_filter, "HEAD"], cwd=repository, check=True, capture_output=True,
                       env={**os.environ, "FILTER_BRANCH_SQUELCH_WARNING": "1"})
        subprocess.run([sys.executable, "scripts/moves.py", "save", number], cwd=ROOT, check=True,
                       capture_output=True)
        yield
    finally:
        for path in set(moves_folder.iterdir()) - set(kept):
            path.unlink()
        for path, content in kept.items():
            path.write_bytes(content)
        shutil.rmtree(repository, ignore_errors=True)


def one_round():
    """{scenario: (wall, cpu, passed, output)} for one round of the four runs."""
    step = middle_step()
    page = ROOT / "docs" / "steps" / f"{step.name}.md"
    figures = {SCENARIOS[0]: make_test(fresh=True), SCENARIOS[1]: make_test()}
    with edited(page, "\n<!-- an edit by make bench -->\n"):
        figures[SCENARIOS[2]] = make_test()
        with code_edited():
            figures[SCENARIOS[3]] = make_test()
    return figures


def measure(rounds):
    """{scenario: {"wall": [...], "cpu": [...]}, "passed": bool} over the rounds."""
    figures = {scenario: {"wall": [], "cpu": []} for scenario in SCENARIOS}
    passed = True
    for number in range(rounds):
        print(f"make test: cold, unchanged, one page, one step's code ({number + 1} of {rounds}) ...", flush=True)
        for scenario, (wall, cpu, ok, output) in one_round().items():
            figures[scenario]["wall"].append(wall)
            figures[scenario]["cpu"].append(cpu)
            if not ok:  # a red run still took that long: say so, keep the other figures
                passed = False
                print(f"{scenario}: make test FAILED\n{output}", flush=True)
    return {"scenarios": figures, "passed": passed}
