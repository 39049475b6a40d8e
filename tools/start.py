"""Start a step: copy the previous step into workspace/NN-name, the folder
you will write the new step in.

    make start STEP=03           # workspace/03-sessions = a copy of step 02
    make start STEP=03 FORCE=1   # start over: replaces your copy

The copy is named after the step you are writing, so `GET /` reports that
step. workspace/ is git-ignored: it's yours.
"""
import argparse
import shutil
import sys
from pathlib import Path

from tools import steps

# Things that belong to one machine or one run, never to the starting point.
LEFT_OUT = shutil.ignore_patterns("instance", "__pycache__", "*.pyc", ".pytest_cache", "*.sqlite")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make start", description=__doc__.splitlines()[0])
    parser.add_argument("step", help="the step you are about to write, e.g. 03")
    parser.add_argument("--force", action="store_true", help="replace an existing copy")
    parser.add_argument("--workspace", default=str(steps.ROOT / "workspace"))
    args = parser.parse_args(argv)

    step = steps.find_step(args.step)
    previous = steps.neighbour(step, -1)
    target = Path(args.workspace) / step.name
    if target.exists() and not args.force:
        print(f"{target} already exists, and it may hold your work: I left it alone.\n"
              f"To check it:        make check STEP={steps.number(step)}\n"
              f"To start over (this deletes it): make start STEP={steps.number(step)} FORCE=1")
        return 1
    if target.exists():
        shutil.rmtree(target)
        print(f"FORCE=1: deleted the old {target}.")
    if previous:
        shutil.copytree(previous, target, ignore=LEFT_OUT)
        origin = f"a copy of step {previous.name}"
    else:
        target.mkdir(parents=True)
        origin = "empty: the first step starts from nothing"
    print(f"Your starting point for step {step.name} is {target}/ ({origin}).\n\n"
          f"1. Read {steps.page_name(step)} and write the step in that folder.\n"
          f"2. Run it:   cd {target} && flask --app authapp db upgrade && flask --app authapp run\n"
          f"3. Check it: make check STEP={steps.number(step)}   (step {step.name}'s tests, explained)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
