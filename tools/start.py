"""Start a step: copy the previous step into workspace/NN-name, the folder
you will write the new step in.

    make start STEP=03           # workspace/03-sessions = a copy of step 02
    make start STEP=03 FORCE=1   # start over: replaces your copy
    make start STEP=04 FROM=workspace/03-sessions   # carry on from your own step 03
    python3 -m tools start 3     (Windows: py -m tools start 3)

The copy is named after the step you are writing, so `GET /` reports that
step. workspace/ is git-ignored: it's yours.

Where the copy comes from: FROM= (--from) names your own copy of the
previous step. Without it, your workspace/NN-previous is used when it exists
and passes its check (make check); otherwise the official previous step,
and start says why.
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from tools import bootstrap, steps
from tools.commands import suggest


def main(argv=None):
    parser = argparse.ArgumentParser(prog="start", description=__doc__.splitlines()[0])
    parser.add_argument("step", help="the step you are about to write: 3, 03 or 03-sessions")
    parser.add_argument("--force", action="store_true", help="replace an existing copy")
    parser.add_argument("--workspace", default=str(steps.ROOT / "workspace"))
    parser.add_argument("--from", dest="origin", help="your own copy of the previous step to carry on from")
    args = parser.parse_args(argv)

    step = steps.find_step(args.step)
    number = steps.number(step)
    default_place = Path(args.workspace).resolve() == (steps.ROOT / "workspace").resolve()
    check = (suggest("check", number) if default_place
             else suggest("check", number, dir=shown(Path(args.workspace) / step.name)))
    previous = steps.neighbour(step, -1)
    target = Path(args.workspace) / step.name
    if target.exists() and not args.force:
        print(f"{shown(target)} already exists, and it may hold your work: I left it alone.\n"
              f"To check it:        {check}\n"
              f"To start over (this deletes it): {suggest('start', number, force=True)}")
        return 1
    if target.exists():
        shutil.rmtree(target)
        print(f"Deleted the old {shown(target)}, as asked.")
    if args.origin:
        own = Path(args.origin).expanduser()
        if not (own / "authapp").is_dir():
            print(f"{shown(own)} has no authapp/ folder, so there is nothing to carry on from. Give the folder "
                  f"that holds your authapp/, or leave FROM= out to start from the official step.")
            return 2
        copy_own(own, target)
        origin = f"a copy of your own {shown(own)}"
    elif previous and own_copy_passes(Path(args.workspace) / previous.name, previous, number):
        copy_own(Path(args.workspace) / previous.name, target)
        origin = f"a copy of your own {shown(Path(args.workspace) / previous.name)}, which passes its check"
    elif previous:
        copy_lesson(previous, target)
        origin = f"a copy of step {previous.name}"
    else:
        target.mkdir(parents=True)
        origin = "empty: the first step starts from nothing"
    print(f"Your starting point for step {step.name} is {shown(target)}/ ({origin}).\n\n"
          f"1. Read {steps.page_name(step)} and write the step in that folder.\n"
          f"2. Run it:   {suggest('run', dir=shown(target))}\n"
          f"3. Check it: {check}   (step {step.name}'s tests on your copy, explained)")
    return 0


def copy_lesson(source, target):
    """Copy the files of a step that belong to the lesson: not its database,
    caches, or anything .gitignore leaves out (a cookie jar, say)."""
    for path in steps.lesson_files(source):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def own_copy_passes(folder, step, new_number):
    """Whether the learner's copy of `step` exists and passes its check; says why not when it doesn't."""
    if not (folder / "authapp").is_dir():
        return False
    if not bootstrap.installed("check"):
        print(f"Your {shown(folder)} exists, but the tests that check it aren't installed yet "
              f"({suggest('setup')}), so the new step starts from the official step {step.name}. To carry on "
              f"from yours: {suggest('start', new_number, force=True, **{'from': shown(folder)})}")
        return False
    print(f"Checking your {shown(folder)} first: if it passes, step {step.name}'s work carries on from it ...",
          flush=True)
    result = subprocess.run([sys.executable, "-m", "tools", "check", steps.number(step), "--dir", str(folder)],
                            cwd=steps.ROOT, capture_output=True, text=True)
    if result.returncode == 0:
        return True
    summary = next((line for line in result.stdout.splitlines() if line.startswith("Not yet")), "it didn't pass")
    print(f"Your {shown(folder)} doesn't pass its check yet ({summary.rstrip('.')}), so the new step starts from "
          f"the official step {step.name} instead. To carry on from yours anyway: "
          f"{suggest('start', new_number, force=True, **{'from': shown(folder)})}")
    return False


def copy_own(source, target):
    """Copy a learner's folder, without what running it leaves behind (databases, caches)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        *steps.MACHINE_PARTS, *(f"*{suffix}" for suffix in steps.MACHINE_SUFFIXES)))


def shown(path):
    path = Path(path).resolve()
    return path.relative_to(steps.ROOT).as_posix() if steps.ROOT in path.parents else str(path)


if __name__ == "__main__":
    sys.exit(main())
