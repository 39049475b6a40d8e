"""Red/green proof: every test a step adds FAILS on the previous step's app
and PASSES on its own step, run in the same way (the step's tests copied next
to the other app). A new test that already passes without the new code proves
nothing, unless tests/regression_guards.toml lists it with a reason.

A test file that imports something only the new step has still loads on
the previous step: the missing names become placeholders that fail a test
only when the test uses them (tools/missing_names.py), so every test is
judged on its own. The "green" half is the step's own run (suites.py: made
once per `make test`, shared with test_steps.py and test_promises.py); on
its own step every imported name exists, so loading the files as they are
or softened comes to the same.
"""
import tomllib
from pathlib import Path

import pytest

import memo
from suites import STEPS, node_ids, own_suite, run
from tools import outcomes, steps

GUARDS = tomllib.loads((Path(__file__).parent / "regression_guards.toml").read_text())
PAIRS = list(zip(STEPS, STEPS[1:]))


def added_tests(previous, step):
    before = set(node_ids(previous))
    return [node_id for node_id in own_suite(step)["collected"] if node_id not in before]


def is_guard(node_id, guards):
    return node_id in guards or node_id.split("[")[0] in guards


def is_new_case_of_an_earlier_test(node_id, earlier):
    """A new parameter of a test the previous step has too, whose cases come from
    the app itself (step 10's test_bearer.py makes one per session-only route):
    step 11's new route is a case that step 10's app can't even generate, so it
    is "not run" there, which is red. It must still pass on its own step."""
    return "[" in node_id and node_id.split("[")[0] in earlier


def red_or_green(result, node_id):
    """'passed', 'failed', 'import error' or 'not run' for one test."""
    record = result["tests"].get(node_id)
    if record:
        return record["outcome"]
    return "import error" if node_id.split("::")[0] in result["collect_errors"] else "not run"


@pytest.mark.parametrize("previous, step", PAIRS, ids=[f"{a.name}->{b.name}" for a, b in PAIRS])
def test_new_tests_fail_before_their_step_and_pass_on_it(previous, step, tmp_path):
    green = own_suite(step)
    added = added_tests(previous, step)
    assert added, f"{step.name} adds no tests"
    red = run(tmp_path / "red", outcomes.suite_files(step), previous, added, (), True)

    not_green = {node_id: red_or_green(green, node_id) for node_id in added
                 if red_or_green(green, node_id) != "passed"}
    assert not not_green, f"on {step.name} itself these new tests do not pass: {not_green}"

    guards = GUARDS.get(step.name, {})
    passing_before = [node_id for node_id in added if red_or_green(red, node_id) == "passed"]
    unexplained = [node_id for node_id in passing_before if not is_guard(node_id, guards)]
    assert not unexplained, (
        f"these tests are new in {step.name} but already pass on {previous.name}, so they don't prove "
        f"the new code works. Make them fail without it, or list them with a reason in "
        f"tests/regression_guards.toml:\n  " + "\n  ".join(unexplained))

    stale = [guard for guard in guards
             if not any(node_id == guard or node_id.split("[")[0] == guard for node_id in passing_before)]
    assert not stale, (f"tests/regression_guards.toml lists tests of {step.name} that no longer pass on "
                       f"{previous.name} (or no longer exist); remove them: {stale}")

    earlier = {node_id.split("[")[0] for node_id in node_ids(previous)}
    skipped = [node_id for node_id in added if red_or_green(red, node_id) in ("skipped", "not run")
               and not is_new_case_of_an_earlier_test(node_id, earlier)]
    assert not skipped, f"these new tests did not run on {previous.name}: {skipped}"


def test_every_guard_belongs_to_a_step_and_gives_a_reason():
    names = {step.name for step in STEPS}
    for step_name, guards in GUARDS.items():
        assert step_name in names, f"regression_guards.toml names an unknown step {step_name}"
        for node_id, reason in guards.items():
            assert len(reason.split()) >= 8, f"{node_id}: give the reason in a sentence"


@pytest.mark.parametrize("step_name", sorted(GUARDS))
def test_the_step_page_mentions_its_regression_guards(step_name):
    page = steps.page(steps.find_step(step_name))
    assert page, f"{step_name} has no page in docs/ yet"
    text = page.read_text()
    # WEAK entries are tests to fix (reported to the lead), not guards to explain.
    missing = [node_id for node_id, reason in GUARDS[step_name].items()
               if not reason.startswith("WEAK") and node_id.split("::")[-1].split("[")[0] not in text]
    assert not missing, f"{page.relative_to(steps.ROOT)} should name these regression guards: {missing}"


def memo_inputs(item):
    """A pair reads its two step folders; the checks of the lists read every step and page."""
    return memo.with_the_provider(memo.steps_of(item)) or ["steps", "docs", "oidc-provider"]
