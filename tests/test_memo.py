"""`make test` re-uses a check only when it is sound (tests/memo.py): a check
runs again when any one of its inputs changes, a failure or a skip is never
re-used, and CI=true or FRESH=1 re-use nothing.

Seen from the outside: each test of a small project writes its name to a log
when it really runs, so what ran is what the log says, not what the plugin
claims. Then, on a copy of this repository, the keys of a few real checks
change with a file each reads, and stay put when an unrelated file changes.
"""
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import memo
import test_check_your_work
import test_checklists
import test_docs
import test_docs_browser
import test_examples_device_flow
import test_labs
import test_migrations_chain
import test_promises
import test_red_green
import test_steps
import test_walkthroughs
import test_workshop
from conftest import ROOT, STEPS

PROJECT = {
    "pytest.ini": "[pytest]\naddopts = -p no:cacheprovider -p no:randomly -p no:xdist\n",
    "tests/conftest.py": (
        "import memo\n\n\ndef pytest_configure(config):\n"
        "    config.pluginmanager.register(memo.Memo(config.rootpath), 'memo')\n"),
    "tests/test_fake.py": (
        "import os\nfrom pathlib import Path\n\nimport pytest\n\nROOT = Path(__file__).parent.parent\n"
        "READS = {'test_reads_a': ['data/a.txt'], 'test_reads_b': ['data/b.txt'],\n"
        "         'test_passes_when_told': ['data/verdict.txt'], 'test_skips': []}\n\n\n"
        "def memo_inputs(item):\n    return READS[item.name]\n\n\n"
        "def ran(name):\n"
        "    with open(os.environ['RAN_LOG'], 'a') as log:\n        log.write(name + '\\n')\n\n\n"
        "def test_reads_a():\n    ran('reads_a')\n    assert (ROOT / 'data/a.txt').read_text()\n\n\n"
        "def test_reads_b():\n    ran('reads_b')\n    assert (ROOT / 'data/b.txt').read_text()\n\n\n"
        "def test_passes_when_told():\n    ran('passes_when_told')\n"
        "    assert (ROOT / 'data/verdict.txt').read_text() == 'pass'\n\n\n"
        "def test_skips():\n    ran('skips')\n    pytest.skip('a skip proves nothing')\n"),
    "tests/test_undeclared.py": (
        "import os\n\n\ndef test_reads_anything():\n"
        "    with open(os.environ['RAN_LOG'], 'a') as log:\n        log.write('anything\\n')\n"),
    "data/a.txt": "a", "data/b.txt": "b", "data/verdict.txt": "fail", ".gitignore": "build/\n",
}
EVERY_TEST = {"reads_a", "reads_b", "passes_when_told", "skips", "anything"}


def memo_inputs(item):
    """The small project needs only this module and the helpers; the keys of the real checks read it all."""
    return [memo.EVERYTHING] if "real_checks" in item.name else []


class Project:
    def __init__(self, folder):
        self.folder = folder
        for name, text in PROJECT.items():
            self.write(name, text)
        subprocess.run(["git", "init", "-q", str(folder)], check=True)

    def write(self, name, text):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def run(self, **environment):
        """Run the project's tests; (the tests that really ran, exit code, output)."""
        log = self.folder.parent / "ran.log"
        log.write_text("")
        env = {name: value for name, value in os.environ.items() if name not in ("CI", "FRESH", "PYTEST_ADDOPTS")}
        env.update(PYTHONPATH=str(ROOT / "tests"), RAN_LOG=str(log), **environment)
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs"], cwd=self.folder, env=env,
                                capture_output=True, text=True)
        return set(log.read_text().split()), result.returncode, result.stdout


def test_a_check_runs_again_when_one_of_its_inputs_changes_and_a_failure_never_is_reused(tmp_path):
    """Edit one file at a time and see, in the log, exactly the tests that read it run again."""
    project = Project(tmp_path / "project")
    ran, code, _ = project.run()
    assert ran == EVERY_TEST and code == 1  # the first run: everything (passes_when_told fails)

    ran, code, _ = project.run()
    assert ran == {"passes_when_told", "skips"} and code == 1, "a failure or a skip was re-used"

    project.write("data/a.txt", "a, changed")
    ran, _, _ = project.run()
    assert ran == {"reads_a", "anything", "passes_when_told", "skips"}, (
        "a change to data/a.txt re-runs what reads it, and the module that declares nothing")

    project.write("data/verdict.txt", "pass")
    ran, code, _ = project.run()
    assert ran == {"passes_when_told", "anything", "skips"} and code == 0

    ran, code, output = project.run()
    assert ran == {"skips"} and code == 0
    assert "checks: 1 ran, 4 re-used" in output and "record: build/test-record.json" in output, output

    project.write("notes.md", "a new file, not ignored")
    ran, _, _ = project.run()
    assert ran == {"anything", "skips"}, "a new file is an input of the module that reads everything"

    project.write("build/scratch.txt", "ignored by git")
    ran, _, _ = project.run()
    assert ran == {"skips"}

    project.write("tests/conftest.py", PROJECT["tests/conftest.py"] + "# a helper of every test changed\n")
    ran, _, _ = project.run()
    assert ran == EVERY_TEST


@pytest.mark.parametrize("setting", ["FRESH=1", "CI=true"])
def test_fresh_and_ci_reuse_nothing(tmp_path, setting):
    """After a green run, FRESH=1 or CI=true still runs every test."""
    project = Project(tmp_path / "project")
    project.write("data/verdict.txt", "pass")
    project.run()
    name, value = setting.split("=")
    ran, code, output = project.run(**{name: value})
    assert ran == EVERY_TEST and code == 0
    assert "re-used: none" in output


def copy_of_repository(target):
    for name in memo.Files(ROOT).listed:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def real_check(module, name, root, **params):
    """A stand-in for a collected test of this repository: what memo.Memo.key reads of one."""
    ids = "-".join(Path(str(value)).name for value in params.values())
    path = root / "tests" / Path(module.__file__).name
    return types.SimpleNamespace(module=module, path=path, name=name, function=getattr(module, name),
                                 nodeid=f"tests/{path.name}::{name}[{ids}]",
                                 callspec=types.SimpleNamespace(params=params))


def test_real_checks_rerun_when_a_file_they_read_changes(tmp_path):
    """The keys of this repository's checks follow the files each reads, and only those."""
    copy = copy_of_repository(tmp_path / "copy")
    first, second, *_ = STEPS
    middle, before_middle = STEPS[len(STEPS) // 2], STEPS[len(STEPS) // 2 - 1]
    checks = {
        "suite of the middle step": real_check(test_steps, "test_step_suite_passes", copy, step=middle),
        "suite of step 01": real_check(test_steps, "test_step_suite_passes", copy, step=first),
        "red/green into the middle step": real_check(
            test_red_green, "test_new_tests_fail_before_their_step_and_pass_on_it", copy,
            previous=before_middle, step=middle),
        "red/green 01->02": real_check(test_red_green, "test_new_tests_fail_before_their_step_and_pass_on_it",
                                       copy, previous=first, step=second),
        "promises of the last step": real_check(test_promises, "test_later_step_keeps_earlier_promises", copy,
                                                later=STEPS[-1]),
        "promises of step 02": real_check(test_promises, "test_later_step_keeps_earlier_promises", copy,
                                          later=second),
        "chain link of the middle step": real_check(test_migrations_chain, "test_upgrading_loses_no_row", copy,
                                                    step=middle),
        "chain link of step 02": real_check(test_migrations_chain, "test_upgrading_loses_no_row", copy,
                                            step=second),
        "walkthrough of the middle step": real_check(test_walkthroughs, "test_walkthrough_runs_and_matches_the_page",
                                                     copy, step=middle),
    }

    def keys():
        plugin = memo.Memo(copy)
        common = plugin.common()
        return {name: plugin.key(item, common) for name, item in checks.items()}

    before = keys()
    assert keys() == before, "the same inputs must give the same keys"
    model = copy / "steps" / middle.name / "authapp" / "models.py"
    model.write_text(model.read_text() + "\n# one change in the middle step\n")
    after = keys()
    changed = {name for name in checks if after[name] != before[name]}
    assert changed == {"suite of the middle step", "red/green into the middle step",
                       "chain link of the middle step", "walkthrough of the middle step"}, changed

    test = copy / "steps" / middle.name / "tests" / "test_app.py"
    test.write_text(test.read_text() + "\n# one change in the middle step's tests\n")
    changed = {name for name in checks if keys()[name] != after[name]}
    assert changed == {"suite of the middle step", "red/green into the middle step", "promises of the last step",
                       "chain link of the middle step", "walkthrough of the middle step"}, changed
    after = keys()

    page = steps_page(copy, middle)
    page.write_text(page.read_text() + "\nOne more sentence on the page.\n")
    assert keys() == after, "a step's page is read by none of these checks"

    recording = copy / "docs" / "walkthroughs" / f"{middle.name}.json"
    recording.write_text(recording.read_text() + "\n")
    again = keys()
    assert {name for name in checks if again[name] != after[name]} == {"walkthrough of the middle step"}

    (copy / "tools" / "steps.py").write_text((copy / "tools" / "steps.py").read_text() + "\n# tools changed\n")
    last = keys()
    assert all(last[name] != again[name] for name in checks), "every check reads tools/"


def steps_page(root, step):
    return next((root / "docs" / "steps").glob(f"{step.name}*.md"))


def test_real_checks_of_the_whole_repository_leave_out_only_the_pages_of_other_steps(tmp_path):
    """The modules whose checks read a copy of the repository, the built site or the
    labs: a check about step 02 (or about no step's page) keeps its key when page 05
    changes, and gets a new one when a file it reads changes; the checks of every page
    (and of the home page, which tabulates every step) read page 05 too."""
    copy = copy_of_repository(tmp_path / "copy")
    second, fifth = STEPS[1], STEPS[4]
    weak_patch = sorted((ROOT / "labs" / second.name).glob("weak_*.patch"))[0]
    checks = {
        "browser: page 02 fits a phone": real_check(test_docs_browser, "test_the_step_page_fits_a_phone", copy,
                                                    step=second),
        "browser: the home page": real_check(
            test_docs_browser, "test_every_page_loads_cleanly_and_stays_on_the_machine", copy, viewport="phone",
            page="index.html"),
        "docs: page 02 has its parts": real_check(test_docs, "test_every_step_page_has_its_parts", copy, step=second),
        "docs: glossary once on page 02": real_check(test_docs, "test_a_glossary_term_is_marked_once_per_page", copy,
                                                     page=f"steps/{second.name}.html"),
        "docs: the strict build": real_check(test_docs, "test_strict_build_succeeds", copy),
        "docs: the walkthrough format": real_check(test_docs, "test_the_walkthrough_format", copy),
        "docs: a stale recording of 01 refused": real_check(
            test_docs, "test_the_page_refuses_answers_recorded_for_other_commands", copy),
        "labs: attacks on 02": real_check(
            test_labs, "test_every_attack_gets_through_the_weak_target_and_is_held_by_the_step", copy, step=second),
        "labs: a weak patch of 02": real_check(test_labs, "test_every_weak_patch_still_applies", copy,
                                               patch=weak_patch),
        "labs: the loopback guard": real_check(test_labs, "test_the_loopback_guard_refuses_other_addresses", copy,
                                               url="http://10.0.0.1/"),
        "check: the journey to 03": real_check(test_check_your_work, "test_check_passes_once_the_step_is_written",
                                               copy),
        "check: a section for every test": real_check(
            test_check_your_work, "test_every_test_of_every_step_has_a_section_to_reread", copy),
        "workshop: check without a migration": real_check(
            test_workshop, "test_check_fails_on_a_copy_missing_a_migration", copy),
        "workshop: README of 02": real_check(test_workshop, "test_step_readmes_run_without_activating_anything", copy,
                                             step=second),
        "checklists: an example page": real_check(test_checklists, "test_only_the_checkpoint_items_are_taken", copy),
        "checklists: every page": real_check(test_checklists, "test_every_step_page_gives_a_checklist", copy),
        "device flow example": real_check(test_examples_device_flow,
                                          "test_the_example_app_signs_in_with_the_device_flow", copy),
    }
    every_page = {"browser: the home page", "docs: the strict build", "check: a section for every test",
                  "checklists: every page"}

    def keys():
        plugin = memo.Memo(copy)
        common = plugin.common()
        return {name: plugin.key(item, common) for name, item in checks.items()}

    def changed_by(path, text="\n# one change\n"):
        before = keys()
        (copy / path).write_text((copy / path).read_text() + text)
        after = keys()
        return {name for name in checks if after[name] != before[name]}

    assert changed_by(f"docs/steps/{fifth.name}.md", "\nOne more sentence.\n") == every_page
    assert changed_by(f"docs/moves/{fifth.name}/" + sorted((copy / "docs/moves" / fifth.name).iterdir())[0].name,
                      "\n") == every_page
    assert changed_by(f"docs/steps/{second.name}.md", "\nOne more sentence.\n") == every_page | {
        "browser: page 02 fits a phone", "docs: page 02 has its parts", "docs: glossary once on page 02",
        "labs: attacks on 02", "labs: a weak patch of 02", "check: the journey to 03",
        "workshop: check without a migration", "workshop: README of 02"}
    assert changed_by(f"docs/break-it/{second.name}.txt", "\n") == every_page | {
        "browser: page 02 fits a phone", "docs: page 02 has its parts", "docs: glossary once on page 02",
        "labs: attacks on 02", "labs: a weak patch of 02", "check: the journey to 03",
        "workshop: check without a migration", "workshop: README of 02"}
    for path in (f"steps/{fifth.name}/authapp/__init__.py", "labs/lab.py", "mkdocs.yml", "docs/glossary.md",
                 "examples/device_sign_in.py", "scripts/docsite/hooks.py", ".gitignore"):
        assert changed_by(path) == set(checks), f"every one of these checks reads {path}"
    (copy / "docs" / "a-new-page.md").write_text("# A page no one has listed yet\n")
    assert changed_by("docs/a-new-page.md") == set(checks), "a new file is read by every check that reads the rest"


def test_editing_one_step_page_reruns_the_browser_checks_of_that_page_only(tmp_path):
    """Each browser check judges one page: an edit of page 05 (a sentence and its
    reading time) gives new keys to the checks of page 05 and of its deeper page,
    on a phone and on a desktop, and to those of the home page and search, which
    read every step's page; not to those of page 02, of the glossary, or of the
    terms hovered and tapped on page 03. Then an edit of page 02 re-runs page 02's."""
    copy = copy_of_repository(tmp_path / "copy")
    second, fifth = STEPS[1], STEPS[4]
    browser = test_docs_browser

    def loads(viewport, page):
        return real_check(browser, "test_every_page_loads_cleanly_and_stays_on_the_machine", copy,
                          viewport=viewport, page=page)

    def fits(page):
        return real_check(browser, "test_no_page_is_wider_than_a_phone_outside_code_blocks", copy, page=page)

    checks = {
        "05 loads on a desktop": loads("desktop", f"steps/{fifth.name}.html"),
        "05 loads on a phone": loads("phone", f"steps/{fifth.name}.html"),
        "05 fits a phone": fits(f"steps/{fifth.name}.html"),
        "05's deeper page loads on a phone": loads("phone", f"deeper/{fifth.name}.html"),
        "05's diagram": real_check(browser, "test_a_diagram_renders", copy, step=fifth),
        "02 loads on a desktop": loads("desktop", f"steps/{second.name}.html"),
        "02 loads on a phone": loads("phone", f"steps/{second.name}.html"),
        "02 fits a phone": fits(f"steps/{second.name}.html"),
        "02's diagram": real_check(browser, "test_a_diagram_renders", copy, step=second),
        "the glossary fits a phone": fits("glossary.html"),
        "a term hovered on page 03": real_check(browser, "test_a_tooltip_shows_on_hover", copy),
        "a term tapped on page 03": real_check(browser, "test_a_tap_opens_a_tooltip_on_a_phone", copy),
        "the home page loads": loads("desktop", "index.html"),
        "search": real_check(browser, "test_search_works_without_the_network", copy),
    }

    def keys():
        plugin = memo.Memo(copy)
        common = plugin.common()
        return {name: plugin.key(item, common) for name, item in checks.items()}

    def edit(step):
        page = steps_page(copy, step)
        text = page.read_text()
        stated = re.search(r"^reading_time: (\d+)$", text, re.MULTILINE)
        page.write_text(text.replace(stated[0], f"reading_time: {int(stated[1]) + 5}", 1) + "\nOne more sentence.\n")

    before = keys()
    assert keys() == before, "the same inputs must give the same keys"
    edit(fifth)
    after = keys()
    assert {name for name in checks if after[name] != before[name]} == {
        "05 loads on a desktop", "05 loads on a phone", "05 fits a phone", "05's deeper page loads on a phone",
        "05's diagram", "the home page loads", "search"}
    edit(second)
    last = keys()
    assert {name for name in checks if last[name] != after[name]} == {
        "02 loads on a desktop", "02 loads on a phone", "02 fits a phone", "02's diagram", "the home page loads",
        "search"}
