"""contracts.py reads the contract marks from the source, without pytest, and
knows only the plain forms. pytest knows more (`@pytest.mark.contract()`,
`from pytest import mark`, a mark in `pytest.param(..., marks=...)`, a method
of a test class, ...): a test marked in such a form would never run in the
promises check, and nothing would say so. So, for every step, the contract
tests contracts.py reads must be exactly the ones pytest itself selects with
`-m contract`: the marked tests of the step's own run (suites.py), which
collects them in the step's folder as `pytest -m contract` would.
"""
import pytest

import memo
from contracts import contract_tests
from suites import STEPS, own_suite


def read_by_contracts_py(step):
    """tests/test_x.py::test_name for every contract test contracts.py finds in
    the step, from the files test_promises.py reads (tests/test_*.py)."""
    return {f"tests/{test_file.name}::{name}"
            for test_file in sorted((step / "tests").glob("test_*.py")) for name in contract_tests(test_file)}


def selected_by_pytest(step):
    """The same ids as pytest selects them with -m contract in the step's folder
    (the tests its own run collected that carry the mark: suites.py, made once
    per `make test`), the cases of a parametrized test taken together as its function."""
    recorded = own_suite(step)
    assert recorded["collected"], f"pytest could not collect {step.name}'s tests:\n{recorded['output']}"
    assert not recorded["collect_errors"], f"{step.name}'s tests failed to load: {recorded['collect_errors']}"
    return {node_id.split("[")[0] for node_id in recorded["contract"]}


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_contracts_py_reads_every_contract_mark_pytest_sees(step):
    read, selected = read_by_contracts_py(step), selected_by_pytest(step)
    missed = sorted(selected - read)
    assert not missed, (
        f"pytest selects these tests of {step.name} with -m contract, but tests/contracts.py does not read "
        f"their mark, so the promises check (tests/test_promises.py) would never run them on a later step:\n  "
        + "\n  ".join(missed) + "\nMark each as contracts.py reads it: a top-level `def test_...` in "
        "tests/test_*.py under a plain `@pytest.mark.contract` (no parentheses, no alias), or the module's "
        "`pytestmark = pytest.mark.contract`.")
    extra = sorted(read - selected)
    assert not extra, (
        f"tests/contracts.py reads these as contract tests of {step.name}, but pytest does not select them "
        f"with -m contract:\n  " + "\n  ".join(extra))


def memo_inputs(item):
    """Each step's check reads that step's folder."""
    return memo.steps_of(item) or ["steps"]
