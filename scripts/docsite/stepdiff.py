"""What a step changes, computed from steps/ when the site is built.

Three uses on a step page:
  * the excerpts: the lines this step added or changed are highlighted (hl_lines);
  * "What changes": the size of the change, file by file;
  * "The complete diff": collapsed, every changed file that the page doesn't
    already show in full, code before tests, README last; its copy button
    copies the new file, without the + and - of the diff.
"""
import ast
import difflib
import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tools.steps import lesson_files  # noqa: E402

# Made by running or testing a step, never written by hand.
IGNORED_PARTS = {"__pycache__", "instance", ".pytest_cache", "workspace"}
IGNORED_SUFFIXES = {".pyc", ".sqlite", ".sqlite3", ".db"}
DATA_PREVIEW_LINES = 12
# The same marker pymdownx.snippets uses for "--8<-- [start:name]" lines.
SECTION_MARKER = re.compile(r"^(?P<pre>.*?)(?<!;)(?P<marker>-+8<-+[ \t]+)\[[ \t]*(?P<type>start|end)[ \t]*:"
                            r"[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\]", re.IGNORECASE)


def step_files(step):
    """{relative path: text} for the files a learner writes in this step: not
    what running it leaves behind, nor what .gitignore excludes (a cookie jar)."""
    return {path.relative_to(step).as_posix(): path.read_text(encoding="utf-8") for path in lesson_files(step)}


def is_data(path):
    """A data file (a word list, say): counted apart, and only its start is shown."""
    return "/data/" in f"/{path}" and not path.endswith(".md")


def is_test(path):
    return path.startswith("tests/") or "/tests/" in path


def file_diff(path, old, new):
    """(unified diff text, lines added, lines removed) for one file."""
    old_lines = old.splitlines(keepends=True) if old is not None else []
    new_lines = new.splitlines(keepends=True) if new is not None else []
    lines = list(difflib.unified_diff(old_lines, new_lines,
                                      fromfile=f"a/{path}" if old is not None else "/dev/null",
                                      tofile=f"b/{path}" if new is not None else "/dev/null"))
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text, added, removed


CACHE = {}


def clear_cache():
    """Forget the computed diffs (`mkdocs serve` calls it before each rebuild)."""
    CACHE.clear()


def changes(previous, current):
    """One entry per file that differs between two steps, in path order."""
    key = (str(previous), str(current))
    if key not in CACHE:
        CACHE[key] = compute_changes(previous, current)
    return CACHE[key]


def compute_changes(previous, current):
    old_files, new_files = step_files(previous), step_files(current)
    result = []
    for path in sorted(set(old_files) | set(new_files)):
        old, new = old_files.get(path), new_files.get(path)
        if old == new:
            continue
        status = "new" if old is None else "deleted" if new is None else "changed"
        text, added, removed = file_diff(path, old, new)
        result.append({"path": path, "status": status, "diff": text, "added": added, "removed": removed,
                       "new": new})
    return result


def kind(path):
    if path.endswith(".py") and not is_test(path):
        return "code"
    if is_test(path):
        return "tests"
    if is_data(path):
        return "data"
    return "other"


def totals(entries):
    """{kind: (files, added, removed)} plus "all"."""
    result = {}
    for name in ("code", "tests", "data", "other"):
        group = [entry for entry in entries if kind(entry["path"]) == name]
        result[name] = (len(group), sum(e["added"] for e in group), sum(e["removed"] for e in group))
    result["all"] = (len(entries), sum(e["added"] for e in entries), sum(e["removed"] for e in entries))
    return result


# ---------------------------------------------------------------- excerpts


def changed_lines(old, new):
    """1-based numbers of the lines of `new` that are not in `old` (added or changed)."""
    if old is None:
        return set()  # a new file: every line is new, and highlighting all of it says nothing
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    lines = set()
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return lines


def excerpt_line_numbers(text, section=None):
    """The file's line numbers (1-based) that an excerpt includes: the whole
    file, a marker section of that name, or else (steps/ code carries no
    markers) the Python definition called `section` (see named_lines)."""
    if section is not None and not has_marker_section(text, section):
        return named_lines(text, section)
    numbers, inside = [], section is None
    for number, line in enumerate(text.split("\n"), start=1):
        marker = SECTION_MARKER.match(line) if "8<-" in line else None
        if marker:
            if section is not None and marker["name"] == section:
                if marker["type"] == "end" and inside:
                    break
                inside = marker["type"] == "start"
            continue
        if inside:
            numbers.append(number)
    if text.endswith("\n") and numbers and numbers[-1] == len(text.split("\n")) and section is None:
        numbers.pop()  # the empty "line" after the final newline
    return numbers


def has_marker_section(text, section):
    """Does the file mark a section of that name ("--8<-- [start:name]")?"""
    return any(marker and marker["name"] == section and marker["type"] == "start"
               for marker in (SECTION_MARKER.match(line) for line in text.split("\n") if "8<-" in line))


def named_lines(text, name):
    """The line numbers of the top-level `def`/`class` called `name`, with its
    decorators and the comment lines directly above it; `first..last` is a run
    of consecutive definitions, from the first through the last. A learner's
    file then needs no snippet markers: the excerpt is named like the code."""
    first, _, last = name.partition("..")
    definitions = {node.name: node for node in ast.parse(text).body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    missing = [wanted for wanted in (first, last or first) if wanted not in definitions]
    if missing:
        raise ValueError(f"no top-level def or class called {', '.join(missing)} (nor a --8<-- section {name!r})")
    start_node, end_node = definitions[first], definitions[last or first]
    lines = text.split("\n")
    start = min([start_node.lineno] + [decorator.lineno for decorator in start_node.decorator_list])
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1  # the comment that introduces the definition belongs to it
    if end_node.end_lineno < start:
        raise ValueError(f"{name!r}: {last} comes before {first}")
    return list(range(start, end_node.end_lineno + 1))


def line_range(text, section):
    """"start:end" for pymdownx.snippets (its line-range form) when `section`
    names a definition rather than a marker section; None for a marker section."""
    if has_marker_section(text, section):
        return None
    numbers = named_lines(text, section)
    return f"{numbers[0]}:{numbers[-1]}"


def ranges(numbers):
    """'1 3-5 9' for [1, 3, 4, 5, 9]."""
    out, start, previous = [], None, None
    for number in sorted(numbers):
        if start is None:
            start = previous = number
        elif number == previous + 1:
            previous = number
        else:
            out.append(f"{start}-{previous}" if previous != start else f"{start}")
            start = previous = number
    if start is not None:
        out.append(f"{start}-{previous}" if previous != start else f"{start}")
    return " ".join(out)


def excerpt_highlights(previous, current, relative, section=None):
    """hl_lines for an excerpt of steps/<current>/<relative>: the positions, in
    the excerpt, of the lines this step added or changed ("" for none)."""
    new = (current / relative).read_text(encoding="utf-8")
    old_path = previous / relative if previous else None
    old = old_path.read_text(encoding="utf-8") if old_path and old_path.exists() else None
    changed = changed_lines(old, new)
    shown = excerpt_line_numbers(new, section)
    return ranges(position for position, number in enumerate(shown, start=1) if number in changed)


# ---------------------------------------------------------------- page parts


def order(entry):
    """Code first, then migrations, other files, data, tests; walkthrough and README last."""
    path = entry["path"]
    rank = (0 if path.endswith(".py") and not is_test(path) and not path.startswith("migrations/")
            else 1 if path.startswith("migrations/") else 3 if is_data(path) else 4 if is_test(path)
            else 6 if path == "README.md" else 5 if path == "walkthrough.sh" else 2)
    return (rank, path)


def summary(previous, current, shown_in_full=()):
    """The "What changes" table: one row per changed file."""
    entries = changes(previous, current)
    sizes = totals(entries)
    new = [entry["path"] for entry in entries if entry["status"] == "new" and kind(entry["path"]) == "code"]
    out = [f"From `steps/{previous.name}` to `steps/{current.name}`: {sizes['all'][0]} files change, with "
           f"{sizes['code'][1]} lines of application code added and {sizes['code'][2]} removed, and "
           f"{sizes['tests'][1]} lines of tests added."
           + (f" New modules: {', '.join(f'`{path}`' for path in new)}." if new else "") + "\n\n",
           f'??? info "The {len(entries)} changed files, one by one"\n\n',
           "    | file | change | added | removed |\n    |---|---|--:|--:|\n"]
    for entry in sorted(entries, key=order):
        note = ", shown in full below" if entry["path"] in shown_in_full else ""
        out.append(f"    | `{entry['path']}` | {entry['status']}{note} | {signed(entry['added'], '+')} | "
                   f"{signed(entry['removed'], '−')} |\n")
    if sizes["data"][0]:
        out.append(f"\n    The data files hold {sizes['data'][1]:,} lines of a word list: counted here, "
                   "shown only in part in the diff.\n")
    return "".join(out)


def signed(count, sign):
    return f"{sign}{count:,}" if count else "0"


def attribute(text):
    """A value for an attribute list { data-copy="..." }: one line, nothing that ends it early."""
    escaped = html.escape(text, quote=True)
    return (escaped.replace("\n", "&#10;").replace("\t", "&#9;").replace("{", "&#123;").replace("}", "&#125;")
            .replace("\\", "&#92;"))


def escape_snippet_markers(line):
    # pymdownx.snippets would treat "--8<--" in an included diff as its own
    # instruction; a ";" in front makes it print the line as it is.
    return re.sub(r"(-+8<-+)", r";\1", line)


def shown_diff(entry):
    lines = entry["diff"].splitlines(keepends=True)
    if is_data(entry["path"]) and len(lines) > DATA_PREVIEW_LINES:
        hidden = len(lines) - DATA_PREVIEW_LINES
        lines = lines[:DATA_PREVIEW_LINES] + [f"... {hidden:,} more lines of data: see the file itself\n"]
    return "".join(escape_snippet_markers(line) for line in lines)


def copied_text(entry):
    """What the copy button of a diff copies: the new file, or for a data file
    the part shown, without the + and - of the diff."""
    if not is_data(entry["path"]):
        return entry["new"]
    lines = entry["new"].splitlines(keepends=True)
    return "".join(lines[:DATA_PREVIEW_LINES])


def fence(text, info):
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks} {info}\n{text}{ticks}\n"


def complete_diff(previous, current, shown_in_full=()):
    """The collapsed "complete diff": every changed file not shown in full on the page."""
    entries = sorted((entry for entry in changes(previous, current) if entry["path"] not in shown_in_full),
                     key=order)
    out = [f'??? abstract complete-diff "The complete diff from step {previous.name[:2]}: '
           f'{len(entries)} files (click to open)"\n\n']
    body = [f"Every changed file of `steps/{current.name}`"
            + (" except those shown in full above" if shown_in_full else "")
            + ", application code first. A `+` line is new, a `-` line is gone. The copy button "
            "copies the new version of the file, without the `+` and `-`.\n\n"]
    for entry in entries:
        title = f"{entry['path']} ({entry['status']}, +{entry['added']} −{entry['removed']})"
        copy = f' data-copy="{attribute(copied_text(entry))}"' if entry["new"] is not None else ""
        body.append(fence(shown_diff(entry), f'{{ .diff title="{html.escape(title)}"{copy} }}') + "\n")
    out.append("".join("    " + line if line.strip() else "\n" for line in "".join(body).splitlines(keepends=True)))
    return "".join(out)


def first_step_summary(step):
    """Step 01 starts from an empty folder: its files and their sizes."""
    files = step_files(step)
    code = sum(len(text.splitlines()) for path, text in files.items() if kind(path) == "code")
    tests = sum(len(text.splitlines()) for path, text in files.items() if kind(path) == "tests")
    out = [f"`steps/{step.name}` starts from an empty folder: {len(files)} new files, with {code} lines of "
           f"application code and {tests} lines of tests.\n\n",
           f'??? info "The {len(files)} files, one by one"\n\n', "    | file | lines |\n    |---|--:|\n"]
    for path, text in sorted(files.items(), key=lambda item: order({"path": item[0]})):
        out.append(f"    | `{path}` | {len(text.splitlines())} |\n")
    return "".join(out)


def sizes_table(steps, page_link):
    """Every step's size on one table, for the home page. `page_link(step)` is a
    Markdown link to the step's page (or its name)."""
    out = ["| step | application code | tests | other files | data |\n|---|--:|--:|--:|--:|\n"]
    first = steps[0]
    files = step_files(first)
    by_kind = {name: [text for path, text in files.items() if kind(path) == name]
               for name in ("code", "tests", "other", "data")}
    lines = {name: sum(len(text.splitlines()) for text in texts) for name, texts in by_kind.items()}
    out.append(f"| {page_link(first)} | +{lines['code']} | +{lines['tests']} | +{lines['other']} | "
               f"{'+' + format(lines['data'], ',') if lines['data'] else '–'} |\n")
    for previous, current in zip(steps, steps[1:]):
        sizes = totals(changes(previous, current))

        def cell(name):
            _, added, removed = sizes[name]
            return " ".join(signed(count, sign) for count, sign in ((added, "+"), (removed, "−")) if count) or "–"
        out.append(f"| {page_link(current)} | {cell('code')} | {cell('tests')} | {cell('other')} | {cell('data')} |\n")
    return "".join(out)
