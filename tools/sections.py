"""Which page, and which section of it, to re-read when a test fails.

The page is the one of the step that introduced the test, or, if the test
uses a name of the app (`auth.check_hash`, `from authapp.models import Passkey`)
that a later step introduced, the page of that later step: a learner whose
copy lacks check_hash must read step 05, not step 02. The section is,
in order: the entry for the test in tools/hints.toml (a file, or a
file::test-name prefix; the longest wins); else a section that names the
test; else a section that names its test file. A section that names the
test is also offered as a second place to read.
"""
import ast
import functools
import re
import tomllib
from pathlib import Path

from tools import steps

HINTS = Path(__file__).resolve().parent / "hints.toml"
HEADING = re.compile(r"^(#{2,4})\s+(.+?)\s*#*\s*$")
# Sections that mention tests without explaining them.
NOT_EXPLANATIONS = {"Exercises", "Checkpoints", "The complete diff", "What changes", "Try it"}


@functools.lru_cache(maxsize=64)  # the repository's checks ask for every test of every step: a page is read often
def sections(markdown):
    """((heading, text of the section), ...) for every ##, ### and #### heading,
    ignoring lines inside fenced code blocks."""
    found, heading, body, fenced = [], None, [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            if heading:
                found.append((heading, "\n".join(body)))
            heading, body = clean(match.group(2)), []
        else:
            body.append(line)
    if heading:
        found.append((heading, "\n".join(body)))
    return tuple(found)


def clean(heading):
    """Drop attribute lists ({ #id }), backticks and emphasis marks from a heading."""
    return re.sub(r"\s*\{[^}]*\}\s*$", "", heading).replace("`", "").replace("*", "").strip()


def load_hints(path=HINTS):
    return parsed_toml(path.read_text()) if path.exists() else {}


@functools.lru_cache(maxsize=8)
def parsed_toml(text):
    return tomllib.loads(text)


def introduced_in(step, test_file, function, root=steps.ROOT):
    """The step that a failure of this test sends a learner back to: the first
    step, up to `step`, whose tests define the function, or the later step that
    introduced a name of the app the test uses (in `step`'s copy of the file)."""
    name = Path(test_file).name
    earlier = steps.all_steps(root)
    earlier = earlier[:[candidate.name for candidate in earlier].index(step.name) + 1]
    origin = next((candidate for candidate in earlier if defines_test(candidate / "tests" / name, function)), step)
    source = step / "tests" / name
    for module, attribute in (app_names_used(source.read_text(), function) if source.exists() else set()):
        introduced = first_step_defining(earlier, module, attribute)
        if introduced and introduced.name > origin.name:
            origin = introduced
    return origin


def defines_test(path, function):
    return path.exists() and re.search(rf"^def {re.escape(function)}\(", path.read_text(), re.M) is not None


def app_names_used(source, function):
    """{(module, name)} of the app that a test function uses: a name imported
    from authapp, `module.name` of an imported authapp module, or the name in
    monkeypatch.setattr(module, "name", ...)."""
    imported, functions = test_module(source)
    body = functions.get(function)
    if body is None:
        return set()
    used = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Name) and node.id in imported:
            used.add(imported[node.id])
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
            module, name = imported[node.value.id]
            used.add((f"{module}.{name}", node.attr))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr" \
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in imported \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            module, name = imported[node.args[0].id]
            used.add((f"{module}.{name}", node.args[1].value))
    return used


@functools.lru_cache(maxsize=128)  # one parse per test file, not one per test function
def test_module(source):
    """({local name: (authapp module, name)} imported from the app, {test function name: its node})."""
    tree = ast.parse(source)
    imported = {}  # local name -> (module, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "authapp":
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    return imported, {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def first_step_defining(candidates, module, name):
    """The first of the steps whose app has `name` in `module` (a name defined or
    imported at the top of the file, or a submodule), or None."""
    relative = Path(*module.split("."))
    for candidate in candidates:
        for path in (candidate / relative.with_suffix(".py"), candidate / relative / "__init__.py"):
            if path.exists() and name in top_level_names(path):
                return candidate
        if (candidate / relative / f"{name}.py").exists():
            return candidate
    return None


def top_level_names(path):
    return names_defined_at_the_top(path.read_text())


@functools.lru_cache(maxsize=256)
def names_defined_at_the_top(source):
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return frozenset(names)


def from_table(hints, step_name, test_file, function):
    """The heading tools/hints.toml gives the test; for a step taught in moves
    with no entry, the heading of the move that adds the test."""
    file_name = Path(test_file).name
    table = hints.get(step_name, {})
    test_id = f"{file_name}::{function}"
    keys = [key for key in table if key == file_name or ("::" in key and test_id.startswith(key))]
    return table[max(keys, key=len)] if keys else move_heading(step_name, file_name, function)


@functools.lru_cache(maxsize=None)
def move_headings(step_name):
    """{"test_x.py::test_y": "Move 2 · Title"} for a step taught in moves ({} otherwise)."""
    from tools import moves  # noqa: PLC0415 (moves imports steps, as this module does)
    try:
        step = steps.find_step(step_name)
    except steps.NoSuchStep:
        return {}
    headings = {}
    for each in moves.moves(step):
        for node_id in moves.tests_of(step, each.number):
            headings[node_id.split("/")[-1]] = f"Move {each.number} · {each.title}"
    return headings


def move_heading(step_name, file_name, function):
    """The move that adds the test (no function: the first move that adds a test of the file)."""
    headings = move_headings(step_name)
    if function:
        return headings.get(f"{file_name}::{function}")
    return next((heading for test_id, heading in headings.items() if test_id.startswith(file_name + "::")), None)


def headings_for(page_text, step_name, test_file, function, hints=None):
    """Up to two headings to re-read, the best first; [] if nothing fits."""
    hints = load_hints() if hints is None else hints
    explaining = [(heading, body) for heading, body in sections(page_text or "")
                  if heading not in NOT_EXPLANATIONS]
    naming_test = [heading for heading, body in explaining
                   if function and re.search(rf"\b{re.escape(function)}\b", body)]
    chosen = [from_table(hints, step_name, test_file, function)] + naming_test[:1]
    if not any(chosen):
        chosen = [heading for heading, body in explaining if Path(test_file).name in body][:1]
    return list(dict.fromkeys(heading for heading in chosen if heading))


def reread(step, test_file, function, root=steps.ROOT):
    """'docs/steps/02-register-login.md → 'authapp/auth.py: register'' and the like."""
    origin = introduced_in(step, test_file, function, root) if function else step
    page = steps.page(origin, root)
    headings = headings_for(page.read_text() if page else "", origin.name, test_file, function)
    where = steps.page_name(origin, root)
    if headings:
        where += " → " + " and ".join(f"'{heading}'" for heading in headings)
    return where


def about(step, word, root=steps.ROOT):
    """"docs/steps/01-models.md → 'The first migration'": the section whose heading
    names `word`, on this step's page or, failing that, the nearest earlier one."""
    candidates = steps.all_steps(root)
    candidates = candidates[:[s.name for s in candidates].index(step.name) + 1]
    for origin in reversed(candidates):
        page = steps.page(origin, root)
        if not page:
            continue
        for heading, _ in sections(page.read_text()):
            if heading not in NOT_EXPLANATIONS and word.lower() in heading.lower():
                return f"{steps.page_name(origin, root)} → '{heading}'"
    return ""
