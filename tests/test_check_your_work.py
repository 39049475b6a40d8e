"""`make start` and `make check`, as a learner uses them (in a temporary
workspace, never the real workspace/): the untouched copy of step 02 fails
step 03's check with readable messages, and passes once step 03's files are
copied over it."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from suites import STEPS
from tools import explain, sections, steps

ROOT = steps.ROOT


def make(*args, workspace):
    """`make <args>` from the repository root, with this Python's venv, without
    reinstalling anything (-o: treat the install stamps as up to date)."""
    command = ["make", "-s", "-C", str(ROOT), *args, f"WORKSPACE={workspace}",
               f"BIN={Path(sys.executable).parent}", "-o", ".venv/.app-installed", "-o", ".venv/.dev-installed"]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workspace")
    started = make("start", "STEP=03", workspace=workspace)
    copy = workspace / "03-sessions"
    started.files = {path.relative_to(copy) for path in copy.rglob("*") if path.is_file()}
    started.auth = (copy / "authapp" / "auth.py").read_text()
    before = make("check", "STEP=03", workspace=workspace)
    again = make("start", "STEP=03", workspace=workspace)
    shutil.copytree(steps.find_step("03"), workspace / "03-sessions", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("instance", "__pycache__"))
    after = make("check", "STEP=03", workspace=workspace)
    return {"workspace": workspace, "started": started, "before": before, "again": again, "after": after}


def test_start_copies_the_previous_step_under_the_new_name(journey):
    assert journey["started"].returncode == 0, journey["started"].stdout + journey["started"].stderr
    started, previous = journey["started"], steps.find_step("02")
    assert started.auth == (previous / "authapp" / "auth.py").read_text()
    assert Path("authapp/validation.py") in started.files
    assert Path("authapp/sessions.py") not in started.files
    assert not any(part in ("instance", "__pycache__") for path in started.files for part in path.parts)
    assert "make check STEP=03" in started.stdout


def test_check_fails_on_the_untouched_copy_with_readable_messages(journey):
    result = journey["before"]
    out = result.stdout
    assert result.returncode != 0, out + result.stderr
    assert "Traceback" not in out
    assert out.count("What happened:") >= 3
    # The missing model, named the way a beginner can act on.
    assert "The tests import `UserSession` from `authapp/models.py`, and your copy doesn't define it yet." in out
    # A missing header instead of a KeyError, and the page section to re-read.
    assert "The response had no `Set-Cookie` header." in out
    assert "Re-read: docs/steps/03-sessions.md → 'authapp/config.py: timeouts, cookie flags, origins'" in out
    assert "Step 03 complete:" not in out


def test_start_never_overwrites_a_copy(journey):
    assert journey["again"].returncode != 0
    assert "FORCE=1" in journey["again"].stdout


def test_check_passes_once_the_step_is_written(journey):
    result = journey["after"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Step 03 complete" in result.stdout
    assert "make start STEP=04" in result.stdout


def test_dir_checks_any_folder(tmp_path):
    folder = tmp_path / "my-own-app"
    shutil.copytree(steps.find_step("01"), folder, ignore=shutil.ignore_patterns("instance", "__pycache__", "tests"))
    result = make("check", "STEP=01", f"DIR={folder}", workspace=tmp_path / "unused")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Step 01 complete" in result.stdout


def test_an_app_that_does_not_import_is_explained(tmp_path):
    folder = tmp_path / "01-models"
    shutil.copytree(steps.find_step("01"), folder, ignore=shutil.ignore_patterns("instance", "__pycache__"))
    (folder / "authapp" / "models.py").write_text("class User(:\n")
    result = make("check", "STEP=01", workspace=tmp_path)
    assert result.returncode != 0
    assert "your app could not be imported" in result.stdout
    assert "SyntaxError" in result.stdout and "models.py" in result.stdout


def test_a_missing_copy_says_how_to_start(tmp_path):
    result = make("check", "STEP=02", workspace=tmp_path)
    assert result.returncode != 0
    assert "make start STEP=02" in result.stdout


@pytest.mark.parametrize("message, sentence", [
    ("assert 404 == 204\n +  where 404 = <WrapperTestResponse>.status_code",
     "Your app answered 404 Not Found; the test expects 204 No Content."),
    ("assert 'alice' == 'bob'", "Your app gave 'alice'; the test expects 'bob'."),
    ("assert 'HttpOnly' in 'session=x'", "This turned out false: 'HttpOnly' in 'session=x'"),
])
def test_assertions_are_put_into_words(message, sentence):
    error = {"type": "AssertionError", "message": message, "test_line": "", "app_frame": None}
    assert explain.what_happened(error).startswith(sentence)


def test_an_error_in_the_app_points_at_the_app():
    error = {"type": "NameError", "message": "name 'sesion' is not defined", "test_line": "",
             "app_frame": {"file": "authapp/auth.py", "line": 40, "function": "logout", "code": "sesion.clear()"}}
    assert explain.what_happened(error) == ("Your app raised NameError: name 'sesion' is not defined\n"
                                            "in authapp/auth.py, line 40 (logout): sesion.clear()")


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
