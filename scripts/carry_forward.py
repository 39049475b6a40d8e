"""Carry a change made in one step to every later step that shares the file.

    python scripts/carry_forward.py steps/03-sessions/authapp/models.py [more paths]
    python scripts/carry_forward.py --since main steps/03-sessions/authapp/models.py
    python scripts/carry_forward.py --changed               every file changed in steps/ since HEAD
    python scripts/carry_forward.py --changed --since main  ... since main (a branch's whole work)
    python scripts/carry_forward.py --changed --walkthroughs   ... then record the walkthroughs again

For each path, the version committed at --since (default HEAD) is the
"before"; the file in the working tree is the "after". Every later step's copy
of the same file is then updated:

- a copy identical to "before" becomes "after";
- a copy that differs is merged three ways (git merge-file), and written only
  when the merge is clean; otherwise it is reported for a hand merge;
- a file new in this step is copied where a later step lacks it.

With --changed, the paths are every file of steps/ that differs from --since
(new files included), earliest step first; a later step's own change to the
same file is kept by the merge. The site computes its diffs when it is built,
so nothing else needs regenerating; --walkthroughs records the answers of
every step the change reached (docs/walkthroughs/), as `make walkthroughs` does.
The repository tests say what is stale.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.steps import all_steps  # noqa: E402


def committed(path, since):
    """The text of `path` at revision `since`, or None if it didn't exist there."""
    relative = path.relative_to(ROOT).as_posix()
    result = subprocess.run(["git", "show", f"{since}:{relative}"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def merge(later, before, after):
    """(merged text, clean?) of the change before->after applied to `later`."""
    with tempfile.TemporaryDirectory() as folder:
        names = []
        for name, text in (("later", later), ("before", before), ("after", after)):
            file = Path(folder) / name
            file.write_text(text)
            names.append(str(file))
        result = subprocess.run(["git", "merge-file", "-p", *names], capture_output=True, text=True)
        return result.stdout, result.returncode == 0


def carry(path, since):
    path = path.resolve()
    step = next((step for step in all_steps() if step in path.parents), None)
    if step is None:
        return [f"{path}: not inside a step folder"]
    relative = path.relative_to(step)
    before, after = committed(path, since), path.read_text() if path.exists() else None
    if before == after:
        return [f"{step.name}/{relative}: unchanged since {since}, nothing to carry"]
    report = []
    for later in all_steps()[all_steps().index(step) + 1:]:
        target = later / relative
        current = target.read_text() if target.exists() else None
        where = f"{later.name}/{relative}"
        if current == after:
            report.append(f"{where}: already has the change")
        elif current == before:
            if after is None:
                target.unlink()
                report.append(f"{where}: deleted")
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(after)
                report.append(f"{where}: " + ("updated (was identical)" if before is not None
                                              else f"added (new in {step.name})"))
        elif current is None or before is None or after is None:
            report.append(f"{where}: DIFFERS and can't be merged (added or deleted on one side): merge by hand")
        else:
            merged, clean = merge(current, before, after)
            if clean:
                target.write_text(merged)
                report.append(f"{where}: merged (the step's own changes kept)")
            else:
                report.append(f"{where}: CONFLICT: merge by hand (git merge-file shows where)")
    return report


def changed_files(since):
    """Every file of steps/ that differs from `since` (or is new), earliest step first."""
    def listed(*command):
        result = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True, check=True)
        return result.stdout.splitlines()
    names = set(listed("diff", "--name-only", since, "--", "steps/"))
    names |= set(listed("ls-files", "--others", "--exclude-standard", "--", "steps/"))
    return sorted(ROOT / name for name in names)


def reached(report_lines):
    """The step folders that a carry wrote to (their walkthroughs may answer differently now)."""
    written = ("updated", "added", "merged", "deleted")
    return {line.split("/")[0] for line in report_lines if line.split(": ", 1)[-1].startswith(written)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--since", default="HEAD", help="the revision holding the 'before' version (default HEAD)")
    parser.add_argument("--changed", action="store_true", help="carry every file of steps/ changed since --since")
    parser.add_argument("--walkthroughs", action="store_true",
                        help="then record the walkthroughs of every step the change reached")
    arguments = parser.parse_args(argv)
    paths = list(arguments.paths) + (changed_files(arguments.since) if arguments.changed else [])
    if not paths:
        parser.error("name the files to carry, or give --changed")
    problems, touched = False, set()
    for path in paths:
        lines = carry(path, arguments.since)
        for line in lines:
            print(line)
            problems |= "CONFLICT" in line or "by hand" in line
        touched |= reached(lines) | {step.name for step in all_steps() if step in path.resolve().parents}
    if arguments.walkthroughs and touched:
        numbers = sorted(name[:2] for name in touched)
        print(f"recording the walkthroughs of steps {', '.join(numbers)} ...", flush=True)
        walkthroughs = subprocess.run([sys.executable, str(ROOT / "scripts" / "walkthroughs.py"), "--record",
                                       *numbers], cwd=ROOT)
        problems |= walkthroughs.returncode != 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
