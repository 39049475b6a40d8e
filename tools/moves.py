"""The moves of a step: the small pieces a step page teaches, one idea each.

docs/moves/05-hardening/01-limits.patch, 02-known-browsers.patch, ...: each
a unified diff of the step folder whose first line is `# Move 01: <title>`.
Step 04's files with every patch of step 05 applied in order are exactly
step 05 (step 01 starts from an empty folder); tests/test_moves.py proves it.

A test belongs to the move whose patch adds or changes it. After move m,
the learner's app should pass the tests of "the state after move m": the
previous step's tests and what moves 1..m added or changed.

    python3 -m tools.moves 05          the moves of step 05 and their tests
(Standard library only: learners run it.)
"""
import ast
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools import patches, steps

MOVES_DIR = steps.DOCS_DIR / "moves"
PATCH_NAME = re.compile(r"^(\d\d)-([a-z0-9][a-z0-9-]*)\.patch$")
TITLE = re.compile(r"^# Move (\d+): (.+)$")


class NoSuchMove(SystemExit):
    """A SystemExit, so that a command that doesn't catch it prints the message and stops."""


@dataclass
class Move:
    number: int
    slug: str
    title: str
    path: Path

    @property
    def file_patches(self):
        return patches.parse_patch(self.path.read_text(encoding="utf-8"))

    def anchor(self):
        """The id MkDocs gives the heading `## Move 2 · Title` (the toc extension's slugify)."""
        return slug_of(f"Move {self.number} {self.title}")


def slug_of(text):
    """What Python-Markdown's toc slugify makes of a heading: ASCII words, lower case, hyphens."""
    import unicodedata  # noqa: PLC0415
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def folder_of(step, root=steps.ROOT):
    return Path(root) / "docs" / "moves" / step.name


def has_moves(step, root=steps.ROOT):
    return folder_of(step, root).is_dir()


def moves(step, root=steps.ROOT):
    """The step's moves, in order ([] when the step has no moves folder yet)."""
    folder = folder_of(step, root)
    found = []
    for path in sorted(folder.glob("*.patch")) if folder.is_dir() else []:
        name = PATCH_NAME.match(path.name)
        title = TITLE.match(path.read_text(encoding="utf-8").partition("\n")[0])
        if not name or not title:
            raise ValueError(f"{path}: a move is NN-slug.patch whose first line is '# Move NN: title'")
        found.append(Move(int(name[1]), name[2], title[2].strip(), path))
    return found


def move(step, number, root=steps.ROOT):
    """Move `number` of the step (1, 2, ...), or a clear error (NoSuchMove)."""
    found = moves(step, root)
    if not found:
        raise NoSuchMove(f"Step {step.name} has no moves yet: check the whole step (without --move / MOVE=).")
    for candidate in found:
        if candidate.number == int(number):
            return candidate
    listed = "; ".join(f"{m.number}: {m.title}" for m in found)
    raise NoSuchMove(f"Step {step.name} has no move {number}. Its moves are {listed}.")


def read_exactly(path):
    return Path(path).read_bytes().decode("utf-8")


def lesson_texts(folder, root=steps.ROOT):
    """{path relative to the folder: text} of a step folder's lesson files."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): read_exactly(path) for path in steps.lesson_files(folder, root)}


def start_texts(step, root=steps.ROOT):
    """What the moves of a step start from: the previous step's files (nothing for step 01)."""
    previous = steps.neighbour(step, -1, root)
    return lesson_texts(previous, root) if previous else {}


def texts_after(step, count, root=steps.ROOT):
    """The step's files after its first `count` moves (0: the starting point)."""
    texts = start_texts(step, root)
    for each in moves(step, root)[:count]:
        texts = patches.apply_to_texts(each.file_patches, texts, each.path.name)
    return texts


def write_texts(texts, folder):
    """Write {relative path: text} into folder (made if needed); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for relative, text in texts.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    return folder


def state_after(step, count, into, root=steps.ROOT):
    """Write the state after `count` moves into `into`/<step name> (the step's
    name, so GET / reports it) and return that folder."""
    return write_texts(texts_after(step, count, root), Path(into) / step.name)


def test_sources(texts):
    """{node id without parameters: its source} of every test function in
    the tests/test_*.py files of a state (classes included: file::Class::test)."""
    found = {}
    for relative, text in texts.items():
        name = relative.rsplit("/", 1)[-1]
        if relative.startswith("tests/") and name.startswith("test_") and name.endswith(".py"):
            found.update(tests_in_file(relative, text))
    return found


@functools.lru_cache(maxsize=512)  # a file is the same in most states of a step: parse it once
def tests_in_file(relative, text):
    lines = text.splitlines()
    found = {}
    for node_id, node in test_nodes(ast.parse(text), relative):
        first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        found[node_id] = "\n".join(lines[first - 1:node.end_lineno])
    return found


def test_nodes(tree, prefix):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield f"{prefix}::{node.name}", node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            yield from test_nodes(node, f"{prefix}::{node.name}")


def tests_of(step, number, root=steps.ROOT):
    """The tests move `number` adds or changes (node ids without parameters), in file order."""
    before = test_sources(texts_after(step, number - 1, root))
    after = test_sources(texts_after(step, number, root))
    return [node_id for node_id, source in after.items() if before.get(node_id) != source]


def test_files_of(each):
    """The files under tests/ that a move's patch touches."""
    return [file_patch for file_patch in each.file_patches if file_patch.path.startswith("tests/")]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    for step in ([steps.find_step(argv[0])] if argv else steps.all_steps()):
        for each in moves(step):
            ids = tests_of(step, each.number)
            print(f"{step.name} move {each.number} ({each.path.name}): {each.title}: {len(ids)} tests")
            for node_id in ids:
                print(f"    {node_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
