"""Later steps keep earlier promises: every step's contract tests (the ones
that only talk HTTP to the app, marked @pytest.mark.contract; see
contracts.py) run against every later step, with the later step's
conftest.py. A behaviour that a later step changes on purpose is listed in
deliberate_changes.toml with the reason, and that step's page names the test.

A contract test file that the later step carries unchanged has already run
there: its outcomes come from the later step's own run (suites.py, made once
per `make test`). The other files run in one fresh process per later step,
each distinct file once (steps 03 and 04 may both carry step 02's version).
"""
import hashlib
import tomllib
from pathlib import Path

import pytest

import memo
from contracts import contract_tests
from suites import STEPS, own_suite, run
from tools import steps

CHANGES = tomllib.loads((Path(__file__).parent / "deliberate_changes.toml").read_text())
LATER = STEPS[1:]


def contract_files(later):
    """(module id as laid out, e.g. tests/from_02/test_login.py, source file,
    names of its contract tests) for every step before `later`."""
    for earlier in STEPS[:STEPS.index(later)]:
        for test_file in sorted((earlier / "tests").glob("test_*.py")):
            names = contract_tests(test_file)
            if names:  # a package per earlier step: test_register.py comes from several steps
                yield f"tests/from_{earlier.name[:2]}/{test_file.name}", test_file, names


def keep_promises(later, workdir):
    """Run the contract tests of every earlier step against `later`. Returns every
    contract test id (tests/from_NN/test_x.py::name) and the outcomes, keyed by
    those ids with their parameters: {"tests": {...}, "collect_errors": {...}}."""
    ids, sources, first_copies = [], {}, {}
    for module, test_file, names in contract_files(later):
        ids += [f"{module}::{name}" for name in names]
        carried = later / "tests" / test_file.name
        if carried.is_file() and carried.read_bytes() == test_file.read_bytes():
            sources[module] = ("own run", f"tests/{test_file.name}")
        else:  # each distinct version runs once, as the first step that has it
            digest = hashlib.sha256(test_file.read_bytes()).hexdigest()
            first, _ = first_copies.setdefault(digest, (module, test_file))
            sources[module] = ("fresh run", first)
    results = {"own run": own_suite(later), "fresh run": {"tests": {}, "collect_errors": {}}}
    if first_copies:
        files = {"conftest.py": later / "tests" / "conftest.py"}
        for module, test_file in first_copies.values():
            inside = module.removeprefix("tests/")
            files[inside.split("/")[0] + "/__init__.py"] = None
            files[inside] = test_file
        laid_out = {module for module, _ in first_copies.values()}
        selected = [node_id for node_id in ids if node_id.split("::")[0] in laid_out]
        results["fresh run"] = run(workdir, files, later, selected)
    ran, collect_errors, wanted = {}, {}, set(ids)
    for module, (kind, source) in sources.items():
        result = results[kind]
        for node_id, record in result["tests"].items():
            renamed = module + node_id[len(source):]
            if node_id.startswith(source + "::") and renamed.split("[")[0] in wanted:  # contract tests only
                ran[renamed] = record
        if source in result["collect_errors"]:
            collect_errors[module] = result["collect_errors"][source]
    return ids, {"tests": ran, "collect_errors": collect_errors}


def source_of(node_id):
    """tests/from_02/test_login.py::test_x[p] -> '02-register-login/tests/test_login.py::test_x'."""
    path, name = node_id.split("::", 1)
    folder, file = path.split("/")[1:]
    return f"{steps.find_step(folder.removeprefix('from_')).name}/tests/{file}::{name.split('[')[0]}"


@pytest.mark.parametrize("later", LATER, ids=[step.name for step in LATER])
def test_later_step_keeps_earlier_promises(later, tmp_path):
    ids, result = keep_promises(later, tmp_path)
    assert ids, "no earlier step marks a test @pytest.mark.contract: contracts.py no longer finds the marks"
    assert not result["collect_errors"], f"earlier tests could not load on {later.name}: {result['collect_errors']}"
    ran = result["tests"]
    missing = [node_id for node_id in ids if not any(ran_id.split("[")[0] == node_id for ran_id in ran)]
    assert not missing, f"these contract tests did not run on {later.name}: {missing}"

    changed = CHANGES.get(later.name, {})
    broken = sorted({source_of(node_id) for node_id, record in ran.items() if record["outcome"] != "passed"})
    unexplained = [test for test in broken if test not in changed]
    assert not unexplained, (
        f"{later.name} breaks promises of earlier steps. Fix the step, or, if the change is deliberate, "
        f"list the test under [\"{later.name}\"] in tests/deliberate_changes.toml with the reason and explain "
        f"it on the step's page:\n  " + "\n  ".join(unexplained))
    stale = [test for test in changed if test not in broken]
    assert not stale, f"deliberate_changes.toml lists tests that now pass on {later.name}; remove them: {stale}"


def test_the_step_pages_explain_each_deliberate_change():
    for later_name, changes in CHANGES.items():
        page = steps.page(steps.find_step(later_name))
        assert page, f"{later_name} has no page in docs/ yet"
        text = page.read_text()
        missing = [test for test in changes if test.split("::")[-1] not in text]
        assert not missing, f"{page.relative_to(steps.ROOT)} should name and explain: {missing}"


def memo_inputs(item):
    """A later step reads its own folder and the tests/ of every earlier step (their contract tests
    run against the later step's app, with its conftest.py); the page check reads every step and page."""
    *earlier, later = memo.steps_through(item) or [None]
    return memo.with_the_provider([later, *(f"{step}/tests" for step in earlier)]) if later else ["steps", "docs"]
