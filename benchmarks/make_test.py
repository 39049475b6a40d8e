"""make bench: what `make test` costs as the work grows with the change
(issue 20). Each round runs, in this order:

- cold: `make test FRESH=1`, every check runs (what CI does, CI=true);
- unchanged: `make test` again, nothing edited: every check is re-used;
- one page edited: a line added to the middle step's page (an HTML
  comment: the page's visible words, hence its reading time, stay put);
- one step's code edited: a comment added to the middle step's models.py
  (the page edit still in place, so only the code edit is new).

The two edits are undone at the end of the round, whatever happens. Wall
time and CPU seconds (user + system of every process of the run) are kept
per run; the CPU is the figure to compare on a busy machine.
"""
import contextlib
import resource
import subprocess
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


def one_round():
    """{scenario: (wall, cpu, passed, output)} for one round of the four runs."""
    step = middle_step()
    page = ROOT / "docs" / "steps" / f"{step.name}.md"
    code = step / "authapp" / "models.py"
    figures = {SCENARIOS[0]: make_test(fresh=True), SCENARIOS[1]: make_test()}
    with edited(page, "\n<!-- an edit by make bench -->\n"):
        figures[SCENARIOS[2]] = make_test()
        with edited(code, "# A comment added by make bench.\n"):
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
