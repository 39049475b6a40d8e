"""Where the steps are, and which step comes before and after another.

The single source of truth for step folders: every command and repository
test asks here, so a new step (06, 07, ...) needs no edit anywhere else.
(Written for any Python 3.8+: tools/bootstrap.py may import it before the
virtual environment exists.)
"""
import difflib
import fnmatch
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS_DIR = ROOT / "steps"
DOCS_DIR = ROOT / "docs"

# Made by running or testing a step, never part of one (pruned without asking git).
MACHINE_PARTS = {"__pycache__", "instance", ".pytest_cache", ".venv", "venv", "node_modules", ".git"}
MACHINE_SUFFIXES = {".pyc", ".sqlite", ".sqlite-journal", ".sqlite-wal", ".sqlite-shm"}


def all_steps(root=ROOT):
    """Every step folder (steps/01-models, ...), in order."""
    return sorted(path for path in (Path(root) / "steps").glob("[0-9][0-9]-*") if path.is_dir())


class NoSuchStep(SystemExit):
    """A SystemExit, so that a command that doesn't catch it prints the message and stops."""


def find_step(name, root=ROOT):
    """The step folder for 3, "3", "03", "03-sessions", "sessions" or
    "steps/03-sessions"; a clear error (NoSuchStep) otherwise."""
    text = str(name).strip().rstrip("/\\")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    steps = all_steps(root)
    number, _, rest = text.partition("-")
    if number.isdigit():
        matches = [step for step in steps if int(step.name[:2]) == int(number)]
        if matches and (not rest or matches[0].name.lower() == f"{matches[0].name[:2]}-{rest}".lower()):
            return matches[0]
    else:
        matches = [step for step in steps if step.name[3:].lower() == text.lower()]
        if matches:
            return matches[0]
    names = ", ".join(step.name for step in steps)
    close = difflib.get_close_matches(text, [step.name for step in steps], n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    example = steps[-1].name if steps else "01-name"
    raise NoSuchStep(f"There is no step {text!r}.{hint} The steps are: {names}.\n"
                     f"Give a number ({int(example[:2])} or {example[:2]}) or a full name ({example}).")


def step_of_folder(folder, root=ROOT):
    """The step a folder is named after (workspace/03-sessions -> steps/03-sessions), or None."""
    name = Path(folder).resolve().name
    if len(name) > 3 and name[:2].isdigit() and name[2] == "-":
        try:
            return find_step(name[:2], root)
        except NoSuchStep:
            return None
    return None


def neighbour(step, offset, root=ROOT):
    """The step `offset` places away (-1: previous, +1: next), or None."""
    steps = all_steps(root)
    index = [s.name for s in steps].index(step.name) + offset
    return steps[index] if 0 <= index < len(steps) else None


def number(step):
    return step.name[:2]


def page(step, root=ROOT):
    """The step's page in the documentation (docs/steps/03-sessions.md or
    docs/03-sessions.md), or None if it doesn't exist yet."""
    for candidate in [Path(root) / "docs" / "steps" / f"{step.name}.md", Path(root) / "docs" / f"{step.name}.md"]:
        if candidate.is_file():
            return candidate
    return None


def page_name(step, root=ROOT):
    """The page's path as a learner types it, e.g. docs/steps/03-sessions.md."""
    found = page(step, root)
    return str(found.relative_to(root)) if found else f"docs/steps/{step.name}.md"


def lesson_files(folder, root=ROOT):
    """The files of a step folder (or a copy of one) that belong to the lesson:
    not what running it leaves behind (instance/, caches), and not what
    .gitignore excludes (a learner's cookie jar, editor files)."""
    folder = Path(folder)
    found = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(name for name in subdirectories if name not in MACHINE_PARTS)
        found += [Path(directory) / name for name in sorted(files) if Path(name).suffix not in MACHINE_SUFFIXES]
    ignored = git_ignored(found, root)
    return sorted(path for path in found if path not in ignored)


def git_ignored(paths, root=ROOT):
    """The paths that .gitignore excludes and git doesn't track. Asks git; a
    copy without git (a downloaded zip) reads .gitignore's simple patterns."""
    if not paths:
        return set()
    try:
        result = subprocess.run(["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
                                input="\0".join(str(path) for path in paths), capture_output=True, text=True)
        if result.returncode in (0, 1):  # 1: nothing is ignored
            return {Path(name) for name in result.stdout.split("\0") if name}
    except OSError:
        pass
    return {path for path in paths if matches_gitignore(path, root)}


def matches_gitignore(path, root=ROOT):
    """A small reading of .gitignore (no negations): enough when git is missing."""
    ignore_file = Path(root) / ".gitignore"
    patterns = [line.strip() for line in ignore_file.read_text().splitlines()
                if line.strip() and not line.startswith(("#", "!"))] if ignore_file.exists() else []
    try:
        relative = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        relative = Path(path).name
    parts = relative.split("/")
    for pattern in patterns:
        bare = pattern.strip("/")
        if "/" in bare:
            if fnmatch.fnmatch(relative, bare) or fnmatch.fnmatch(relative, bare + "/*"):
                return True
        elif any(fnmatch.fnmatch(part, bare) for part in parts):
            return True
    return False
