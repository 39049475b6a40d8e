"""`start`, `check` and `reset` as a learner types them without make, in a copy
of the repository whose PATH has python3 and nothing else: the untouched
copy of step 02 fails step 03's check with readable messages, and passes once
step 03's files are copied over it. Plus: every test any step has comes with
an explanation (`What it checks`) and a section to re-read."""
import ast
import re
import shutil
from pathlib import Path

import pytest

import memo
from suites import STEPS
from tools import explain, purposes, sections, steps
from workshop import Learner, clone, in_parallel

# The learner's commands (start, check, reset) read every step's code and the
# pages of the steps they name (hints, "Re-read:"): 01 to 03 here, and 04, the next.
LEARNER_STEPS = ["01", "02", "03", "04"]
# The checks of every step's tests read every page (the headings a hint names).
EVERY_PAGE = {"test_every_test_of_every_step_says_what_it_checks", "test_purposes_toml_names_only_tests_that_exist",
              "test_a_hint_sends_a_learner_to_the_step_that_introduced_the_names_a_test_uses",
              "test_every_test_of_every_step_has_a_section_to_reread"}


def memo_inputs(item):
    """The learner's commands in a copy of the repository read it all but the pages of
    the steps they don't name; the checks of every step's tests read everything."""
    if item.name in EVERY_PAGE:
        return [memo.EVERYTHING]
    return memo.everything_but_the_pages_of_other_steps(
        f"steps/{name}" for name in memo.step_names() if name[:2] in LEARNER_STEPS)


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    base = tmp_path_factory.mktemp("journey")
    learner = Learner(clone(base / "repository"), base / "bin")
    started = learner.tools("start", "3")
    copy = learner.repository / "workspace" / "03-sessions"
    started.files = {path.relative_to(copy) for path in copy.rglob("*") if path.is_file()}
    started.auth = (copy / "authapp" / "auth.py").read_text()
    # reset touches only steps/*/instance: it runs meanwhile, on the other core.
    ran = in_parallel([("before", learner.tools, "check", "03"), ("reset", learner.tools, "reset")])
    before, reset = ran["before"], ran["reset"]
    again = learner.tools("start", "03-sessions")
    shutil.copytree(steps.find_step("03"), copy, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("instance", "__pycache__"))
    after = learner.tools("check", "3")
    return {"learner": learner, "started": started, "before": before, "again": again, "after": after,
            "reset": reset}


def test_start_copies_the_previous_step_under_the_new_name(journey):
    assert journey["started"].returncode == 0, journey["started"].stdout + journey["started"].stderr
    started, previous = journey["started"], steps.find_step("02")
    assert started.auth == (previous / "authapp" / "auth.py").read_text()
    assert Path("authapp/validation.py") in started.files
    assert Path("authapp/sessions.py") not in started.files
    assert not any(part in ("instance", "__pycache__") for path in started.files for part in path.parts)
    # Said the way it was typed: without make.
    assert "python3 -m tools check 03" in started.stdout
    assert "python3 -m tools run --dir workspace/03-sessions" in started.stdout
    assert "flask --app" not in started.stdout


def test_check_fails_on_the_untouched_copy_with_readable_messages(journey):
    result = journey["before"]
    out = result.stdout
    assert result.returncode != 0, out + result.stderr
    assert "Traceback" not in out
    assert out.count("What happened:") >= 3
    assert out.count("What it checks:") >= 3
    # The missing model, named the way a beginner can act on.
    assert "The tests import `UserSession` from `authapp/models.py`, and your copy doesn't define it yet." in out
    # A missing header instead of a KeyError, and the page section to re-read.
    assert "The response had no `Set-Cookie` header." in out
    assert "Re-read: docs/steps/03-sessions.md → 'Move 4 · Cookies, CORS and forms from other sites'" in out
    # The failing line of the official test, where the learner can open it.
    assert re.search(r"\(steps/03-sessions/tests/test_cookies_and_cors\.py, line \d+\)", out)
    assert "Step 03 complete:" not in out


def test_start_never_overwrites_a_copy(journey):
    assert journey["again"].returncode != 0
    assert "python3 -m tools start 03 --force" in journey["again"].stdout


def test_check_passes_once_the_step_is_written(journey):
    result = journey["after"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Step 03 complete" in result.stdout
    assert "your app runs for real" in result.stdout
    assert "python3 -m tools start 04" in result.stdout


def test_reset_works_without_make(journey):
    result = journey["reset"]
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert f"steps/{step.name}: instance/authapp.sqlite created" in result.stdout
        assert (journey["learner"].repository / "steps" / step.name / "instance" / "authapp.sqlite").exists()


def test_an_app_that_does_not_import_is_explained_at_its_line(tmp_path):
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    folder = learner.repository / "workspace" / "01-models"
    shutil.copytree(steps.find_step("01"), folder, ignore=shutil.ignore_patterns("instance", "__pycache__"))
    (folder / "authapp" / "models.py").write_text('"""My models."""\n\nclass User(:\n    pass\n')
    result = learner.tools("check", "--dir", "workspace/01-models")  # the step comes from the folder's name
    assert result.returncode != 0
    assert "could not import your app" in result.stdout
    assert ("workspace/01-models/authapp/models.py, line 3: Python can't read this line (SyntaxError"
            in result.stdout), result.stdout
    assert "    class User(:" in result.stdout
    assert "check-" not in result.stdout  # no temporary path


def test_a_missing_copy_says_how_to_start(tmp_path):
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    result = learner.tools("check", "2")
    assert result.returncode != 0
    assert "python3 -m tools start 02" in result.stdout


@pytest.mark.parametrize("message, test_line, sentence", [
    ("assert 404 == 204\n +  where 404 = <WrapperTestResponse>.status_code", "",
     "Your app answered 404 Not Found; the test expects 204 No Content."),
    ("assert 'alice' == 'bob'", "", "Your app gave 'alice'; the test expects 'bob'."),
    ("assert 0 == 1\n +  where 0 = len([])", "assert len(checked) == 1",
     "The test checks `len(checked) == 1`: it found 0 where it expects 1."),
    ("assert 'HttpOnly' in 'session=x'", "", "This turned out false: 'HttpOnly' in 'session=x'"),
])
def test_assertions_are_put_into_words(message, test_line, sentence):
    error = {"type": "AssertionError", "message": message, "test_line": test_line, "app_frame": None}
    assert explain.what_happened(error).startswith(sentence)


@pytest.mark.parametrize("kind, message, line, sentence", [
    ("IndexError", "list index out of range", "body = inbox.messages[0].get_content()",
     "Your app sent no mail: the test's inbox is empty"),
    ("ValueError", "not enough values to unpack (expected 1, got 0)", "(message,) = inbox.messages",
     "The test expects 1 mail(s) in its inbox, and your app sent 0."),
    ("ValueError", "not enough values to unpack (expected 4, got 3)", 'name, n, r, p = method.split(":")',
     "The test takes a value from your app apart into 4 pieces and found only 3"),
])
def test_errors_in_the_tests_own_code_are_explained(kind, message, line, sentence):
    error = {"type": kind, "message": message, "test_line": line, "app_frame": None}
    assert explain.what_happened(error).startswith(sentence)


def test_an_error_in_the_app_points_at_the_learners_file():
    error = {"type": "NameError", "message": "name 'sesion' is not defined", "test_line": "",
             "app_frame": {"file": "authapp/auth.py", "line": 40, "function": "logout", "code": "sesion.clear()"}}
    where = explain.Where(app="workspace/03-sessions")
    assert explain.what_happened(error, where) == (
        "Your app raised NameError: name 'sesion' is not defined\n"
        "in workspace/03-sessions/authapp/auth.py, line 40 (logout): sesion.clear()")


def step_tests():
    """(step, test file, test function, docstring) for every test of every step."""
    found = []
    for step in STEPS:
        for test_file in sorted((step / "tests").glob("test_*.py")):
            tree = ast.parse(test_file.read_text())
            found += [(step, test_file, node.name, ast.get_docstring(node) or "") for node in tree.body
                      if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return found


def test_every_test_of_every_step_says_what_it_checks():
    """`check` prints "What it checks:" under every failing test: from its
    docstring, else from tools/purposes.toml. A new test needs one of the two."""
    missing = sorted({f"[\"{test_file.name}\"] {function} = \"...\"" for step, test_file, function, doc in step_tests()
                      if not purposes.purpose(test_file.name, function, doc)})
    assert not missing, ("These tests have no docstring and no line in tools/purposes.toml (add one: what the app "
                         "must do, and why):\n" + "\n".join(missing))


def test_purposes_toml_names_only_tests_that_exist():
    existing = {(test_file.name, function) for _, test_file, function, _ in step_tests()}
    stale = [f"{file}::{function}" for file, entries in purposes.table().items() for function in entries
             if (file, function) not in existing]
    assert not stale, f"tools/purposes.toml explains tests that no step has (renamed or deleted?): {stale}"


def first_step_with_name(module, name):
    """The first step whose app defines or imports `name` at the top of `module`
    (or has it as a submodule), found by reading the files as text."""
    definition = re.compile(rf"^(?:(?:async )?def |class ){name}\b|^{name}\s*[:=]"
                            rf"|^(?:from \S+ )?import .*\b{name}\b", re.M)
    relative = Path(*module.split("."))
    for step in STEPS:
        files = [step / relative.with_suffix(".py"), step / relative / "__init__.py"]
        if any(path.exists() and definition.search(path.read_text()) for path in files) \
                or (step / relative / f"{name}.py").exists():
            return step
    return None


def test_a_hint_sends_a_learner_to_the_step_that_introduced_the_names_a_test_uses():
    """A test that began in step 02 but uses `auth.check_hash` (step 05) fails in
    a learner's 05 because check_hash is missing: the hint must name step 05's
    page, where check_hash is taught, not step 02's. For every test of every
    step: the page `make check` names is that of the latest step among the
    test's own first step and the steps that introduced each app name it uses."""
    wrong = []
    for step in STEPS:
        for test_file in sorted((step / "tests").glob("test_*.py")):
            source = test_file.read_text()
            for function in re.findall(r"^def (test_\w+)\(", source, re.M):
                first = next(s for s in STEPS if (s / "tests" / test_file.name).exists()
                             and re.search(rf"^def {function}\(", (s / "tests" / test_file.name).read_text(), re.M))
                introducing = [first_step_with_name(module, name)
                               for module, name in sections.app_names_used(source, function)]
                expected = max([first, *filter(None, introducing)], key=lambda s: s.name)
                hinted = sections.reread(step, test_file.name, function)
                if not hinted.startswith(steps.page_name(expected)):
                    wrong.append(f"{step.name} {test_file.name}::{function}: {hinted} (expected {expected.name})")
    assert not wrong, "\n".join(wrong)


def test_every_test_of_every_step_has_a_section_to_reread():
    """tools/hints.toml names a real heading for every test, on the page of
    the step that introduced the test."""
    hints = sections.load_hints()
    for step in STEPS:
        for test_file in sorted((step / "tests").glob("test_*.py")):
            for function in re.findall(r"^def (test_\w+)\(", test_file.read_text(), re.M):
                origin = sections.introduced_in(step, test_file.name, function)
                heading = sections.from_table(hints, origin.name, test_file.name, function)
                assert heading, f"tools/hints.toml: no entry for {origin.name} {test_file.name}::{function}"
                page = steps.page(origin)
                assert page, f"{origin.name} has no page"
                headings = [found for found, _ in sections.sections(page.read_text())]
                assert heading in headings, f"tools/hints.toml: {page.name} has no heading {heading!r}"
