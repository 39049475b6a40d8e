"""Later steps keep earlier promises: every step's contract tests (the ones
that only talk HTTP to the app; see contracts.py) run against every later
step, with the later step's conftest.py. A behaviour that a later step
changes on purpose is listed in deliberate_changes.toml with the reason, and
that step's page names the test."""
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from contracts import contract_tests
from suites import STEPS, run
from tools import steps

CHANGES = tomllib.loads((Path(__file__).parent / "deliberate_changes.toml").read_text())
LATER = STEPS[1:]


def promises_of(earlier):
    """{copied path inside tests/: source file}, [node ids of its contract tests]."""
    files, ids = {}, []
    for test_file in sorted((earlier / "tests").glob("test_*.py")):
        names = contract_tests(test_file)
        if names:
            # A package per earlier step: test_register.py comes from several steps.
            files[f"from_{earlier.name[:2]}/__init__.py"] = None
            destination = f"from_{earlier.name[:2]}/{test_file.name}"
            files[destination] = test_file
            ids += [f"tests/{destination}::{name}" for name in names]
    return files, ids


def keep_promises(later, workdir):
    """Run the contract tests of every earlier step against `later`."""
    files, ids = {"conftest.py": later / "tests" / "conftest.py"}, []
    for earlier in STEPS[:STEPS.index(later)]:
        earlier_files, earlier_ids = promises_of(earlier)
        files.update(earlier_files)
        ids += earlier_ids
    return ids, run(workdir, files, later, ids)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {later.name: pool.submit(keep_promises, later, tmp_path_factory.mktemp(later.name))
                   for later in LATER}
        return {name: future.result() for name, future in futures.items()}


def source_of(node_id):
    """tests/from_02/test_login.py::test_x[p] -> '02-register-login/tests/test_login.py::test_x'."""
    path, name = node_id.split("::", 1)
    folder, file = path.split("/")[1:]
    return f"{steps.find_step(folder.removeprefix('from_')).name}/tests/{file}::{name.split('[')[0]}"


@pytest.mark.parametrize("later", LATER, ids=[step.name for step in LATER])
def test_later_step_keeps_earlier_promises(later, results):
    ids, result = results[later.name]
    assert ids, "no earlier step has contract tests: the analysis in contracts.py is broken"
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
