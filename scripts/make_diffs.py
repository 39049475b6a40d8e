"""Print what a step changes, as a unified diff from the previous step.

    python scripts/make_diffs.py 03         (or: make diffs STEP=03) step 03's complete diff
    python scripts/make_diffs.py            every step's size, as the home page shows it

The site computes the same diffs when it is built (scripts/docsite/stepdiff.py),
so there is nothing to regenerate after changing a step.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from docsite import stepdiff  # noqa: E402
from tools.steps import all_steps, find_step, neighbour  # noqa: E402


def main(arguments):
    if not arguments:
        print(stepdiff.sizes_table(all_steps(), lambda step: step.name), end="")
        return 0
    step = find_step(arguments[0])
    previous = neighbour(step, -1)
    if previous is None:
        print(stepdiff.first_step_summary(step), end="")
        return 0
    for entry in sorted(stepdiff.changes(previous, step), key=stepdiff.order):
        print(stepdiff.shown_diff(entry).replace(";--8<--", "--8<--"), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
