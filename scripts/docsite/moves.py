"""The directives of a page taught in moves (docs/moves/NN-name/*.patch, tools/moves.py).

    <!-- docsite: code 2 authapp/limits.py -->          move 2's hunks of that file: the new code,
    <!-- docsite: code 2 authapp/limits.py 1-2 -->      with its added lines highlighted (no + or -)
    <!-- docsite: solution 2 authapp/limits.py 3 -->    the same, folded: a "your turn" box's solution
    <!-- docsite: made-by 1 migrations/env.py ... -->   files a command writes (the prose names it)
    <!-- docsite: check 2 -->                           the end of a move: the command, what green is,
                                                        the move's tests one click away
    <!-- docsite: proof test_a test_b -->               "Proved by 2 tests", opening their list

Hunks are numbered from 1 within one file's part of the move's patch.
tests/test_moves.py proves that every hunk a move adds to authapp/ and
migrations/ is shown by some code, solution or made-by directive.
"""
import re

from docsite import stepdiff
from tools import moves, steps

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)<!-- docsite: (?P<name>code|solution|made-by|check|proof)"
                       r"(?P<args>(?: [^ >]+)+) -->[ \t]*$", re.MULTILINE)
LANGUAGES = {".py": "python", ".sh": "bash", ".ini": "ini", ".md": "markdown", ".toml": "toml"}
SHOWING = ("code", "solution", "made-by")


def directives(markdown):
    """(name, [arguments]) of every moves directive of a page, in order."""
    return [(match["name"], match["args"].split()) for match in DIRECTIVE.finditer(markdown)]


def render(markdown, step):
    """The page with its moves directives replaced; ValueError for a wrong one."""
    def replace(match):
        text = RENDER[match["name"]](step, match["args"].split())
        indent = match["indent"]
        return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))

    return DIRECTIVE.sub(replace, markdown)


def find_move(step, number):
    if step is None:
        raise ValueError("moves directives belong on a step's page")
    try:
        return moves.move(step, number)
    except moves.NoSuchMove as error:
        raise ValueError(str(error)) from None


def file_patch(move, path):
    for each in move.file_patches:
        if each.path == path:
            return each
    raise ValueError(f"move {move.number} ({move.path.name}) doesn't change {path}")


def selected(numbers, count):
    """Hunk numbers from "1-2,4" (1-based); every hunk when not given."""
    if not numbers:
        return list(range(1, count + 1))
    chosen = []
    for part in numbers.split(","):
        first, _, last = part.partition("-")
        chosen += range(int(first), int(last or first) + 1)
    wrong = [number for number in chosen if not 1 <= number <= count]
    if wrong:
        raise ValueError(f"no hunk {wrong[0]}: the file has {count} in this move")
    return chosen


def hunks_of(step, arguments):
    """(move, FilePatch, [(hunk number, Hunk)]) named by `M path [hunks]`."""
    if len(arguments) not in (2, 3):
        raise ValueError(f"write `code M path [hunks]`, not {' '.join(arguments)!r}")
    move = find_move(step, arguments[0])
    changed = file_patch(move, arguments[1])
    numbers = selected(arguments[2] if len(arguments) == 3 else "", len(changed.hunks))
    return move, changed, [(number, changed.hunks[number - 1]) for number in numbers]


def code_block(changed, hunk):
    """One hunk as the learner types it: the new lines, the added ones highlighted."""
    shown = []  # (line number in the new file, text, added)
    number = hunk.new_start
    for tag, text in hunk.lines:
        if tag != "-":
            shown.append((number, text if text.endswith("\n") else text + "\n", tag == "+"))
            number += 1
    while shown and not shown[0][1].strip():  # the fence would drop them, and the highlights would slip
        shown.pop(0)
    while shown and not shown[-1][1].strip():
        shown.pop()
    new_file = changed.old_path is None
    highlighted = [index for index, (_, _, added) in enumerate(shown, start=1) if added and not new_file]
    suffix = "." + changed.path.rsplit(".", 1)[-1] if "." in changed.path.rsplit("/", 1)[-1] else ""
    where = " (new file)" if new_file else f" (from line {shown[0][0]})" if shown else ""
    info = f'{LANGUAGES.get(suffix, "text")} title="{changed.path}{where}"'
    if highlighted:
        info += f' hl_lines="{stepdiff.ranges(highlighted)}"'
    return stepdiff.fence("".join(stepdiff.escape_snippet_markers(text) for _, text, _ in shown), info)


def code(step, arguments):
    _, changed, chosen = hunks_of(step, arguments)
    return "\n".join(code_block(changed, hunk) + what_goes(hunk) for _, hunk in chosen) + "\n"


def inline_code(text):
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def what_goes(hunk, most=3):
    """The shown code has no - lines: say what the highlighted lines replace."""
    removed = [text.strip() for tag, text in hunk.lines if tag == "-" and text.strip()]
    if not removed:
        return ""
    # A piece of a docstring that runs over several lines reads as nonsense quoted on its own.
    split_strings = any(line.count('"""') % 2 or line.count("'''") % 2 for line in removed)
    if len(removed) <= most and not split_strings:
        return "\nIt replaces " + ", ".join(inline_code(line) for line in removed) + ".\n"
    return f"\nIt replaces {len(removed)} lines (the complete diff shows them).\n"


def solution(step, arguments):
    body = code(step, arguments)
    return f'??? success "Solution: {arguments[1]}"\n\n' + "".join(
        "    " + line if line.strip() else line for line in body.splitlines(keepends=True)) + "\n"


def made_by(step, arguments):
    """Files a command writes (the page names the command): listed, not shown."""
    move = find_move(step, arguments[0])
    for path in arguments[1:]:
        file_patch(move, path)
    names = ", ".join(f"`{path}`" for path in arguments[1:])
    return f"The command writes {names}: you don't type them.\n"


def check(step, arguments):
    move = find_move(step, arguments[0])
    number = steps.number(step)
    own = moves.tests_of(step, move.number)
    so_far = moves.test_sources(moves.texts_after(step, move.number))
    lines = [f'!!! success "Check move {move.number}"', "",
             "    ```bash title=\"in the repository's folder\"",
             f"    make check STEP={number} MOVE={move.number}",
             "    ```", "",
             f"    or `python3 -m tools check {number} --move {move.number}` (Windows: `py -m tools ...`). "
             f"Green is {green(step, move)}: all {len(so_far)} tests so far pass, {len(own)} of them "
             f"this move's.", ""]
    title = f"The {len(own)} test{'' if len(own) == 1 else 's'} of move {move.number}"
    lines += test_list(title, [node_id.split("::")[-1] for node_id in own],
                       indent="    ")
    return "\n".join(lines) + "\n"


def green(step, move):
    """What check prints when the move is done: after the last move, the whole step is."""
    if move.number == moves.moves(step)[-1].number:
        return f"\"Step {steps.number(step)} complete\" (and your app runs for real)"
    return f"\"Move {move.number} done\""


def test_list(title, names, indent=""):
    """A folded list of test names (sources.link_names links each to its line)."""
    lines = [f'{indent}??? note proof "{title}"', ""]
    lines += [f"{indent}    - `{name}`" for name in names]
    return lines + [""]


def proof(step, arguments):
    if step is None:
        raise ValueError("the proof directive belongs on a step's page")
    known = {node_id.split("::")[-1] for node_id in moves.test_sources(moves.lesson_texts(step))}
    unknown = [name for name in arguments if name not in known]
    if unknown:
        raise ValueError(f"proof names tests that step {step.name} doesn't have: {', '.join(unknown)}")
    noun = "test" if len(arguments) == 1 else "tests"
    return "\n".join(test_list(f"Proved by {len(arguments)} {noun}", arguments)) + "\n"


RENDER = {"code": code, "solution": solution, "made-by": made_by, "check": check, "proof": proof}


def shown_hunks(markdown, step):
    """{(move number, path): set of hunk numbers} that the page's directives show
    (made-by: every hunk of the file)."""
    shown = {}
    for name, arguments in directives(markdown):
        if name not in SHOWING:
            continue
        move = moves.move(step, arguments[0])
        paths = arguments[1:] if name == "made-by" else [arguments[1]]
        for path in paths:
            count = len(file_patch(move, path).hunks)
            numbers = selected(arguments[2] if name != "made-by" and len(arguments) == 3 else "", count)
            shown.setdefault((move.number, path), set()).update(numbers)
    return shown


def taught_paths(path):
    """The files whose every hunk a page must show: the app and its migrations."""
    return path.startswith(("authapp/", "migrations/"))


def unshown_hunks(markdown, step):
    """["move 2, authapp/x.py, hunk 3", ...]: what the moves add to the app that the page doesn't show."""
    shown = shown_hunks(markdown, step)
    missing = []
    for move in moves.moves(step):
        for changed in move.file_patches:
            if not taught_paths(changed.path) or changed.new_path is None:
                continue
            for number, hunk in enumerate(changed.hunks, start=1):
                adds = any(tag == "+" for tag, _ in hunk.lines)
                if adds and number not in shown.get((move.number, changed.path), set()):
                    missing.append(f"move {move.number}, {changed.path}, hunk {number}")
    return missing


