"""Where the steps are, and which step comes before and after another."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS_DIR = ROOT / "steps"
DOCS_DIR = ROOT / "docs"


def all_steps(root=ROOT):
    """Every step folder (steps/01-models, ...), in order."""
    return sorted(path for path in (root / "steps").glob("[0-9][0-9]-*") if path.is_dir())


def find_step(number, root=ROOT):
    """The step folder for "03", "3" or "03-sessions"; a clear error otherwise."""
    text = str(number).strip()
    prefix = text.split("-")[0].zfill(2)
    matches = [step for step in all_steps(root) if step.name.startswith(prefix + "-")]
    if not matches:
        names = ", ".join(step.name for step in all_steps(root))
        raise SystemExit(f"There is no step {text!r}. The steps are: {names}.")
    return matches[0]


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
    for candidate in [root / "docs" / "steps" / f"{step.name}.md", root / "docs" / f"{step.name}.md"]:
        if candidate.is_file():
            return candidate
    return None


def page_name(step, root=ROOT):
    """The page's path as a learner types it, e.g. docs/steps/03-sessions.md."""
    found = page(step, root)
    return str(found.relative_to(root)) if found else f"docs/steps/{step.name}.md"
