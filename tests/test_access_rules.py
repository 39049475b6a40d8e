"""Deny by default, from step 09 on: every route of every such step's app
declares who may call it. A view declares it with @public, @login_required
or @permission_required(...), which mark it with `access_rule`
(authapp/access.py); at run time the app refuses a view without one, and
this check walks each app's url_map so that such a view never ships.

Each step is read in a process of its own, in its folder (every step has a
package called `authapp`).
"""
import json
import subprocess
import sys

import pytest

import memo
from conftest import STEPS
from tools import steps

FIRST = 9  # the step that brings authorization (09-roles)
LATER = [step for step in STEPS if int(steps.number(step)) >= FIRST]

WALK = """
import json
from authapp import create_app
app = create_app("testing")
print(json.dumps([[rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}), rule.endpoint,
                   getattr(app.view_functions[rule.endpoint], "access_rule", None)]
                  for rule in app.url_map.iter_rules()]))
"""


def routes_of(step):
    """[rule, methods, endpoint, access rule or None] for every route of the step's app."""
    environment = steps.environment_without_app_settings()
    environment.pop("PYTHONPATH", None)
    result = subprocess.run([sys.executable, "-c", WALK], cwd=step, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, f"{step.name}: the app could not be built\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.splitlines()[-1])


def test_there_is_a_step_with_authorization_to_check():
    assert LATER, f"no step numbered {FIRST:02d} or later: the deny-by-default check would check nothing"


@pytest.mark.parametrize("step", LATER, ids=[step.name for step in LATER])
def test_every_route_declares_who_may_call_it(step):
    routes = routes_of(step)
    assert len(routes) > 10, f"{step.name}: only {len(routes)} routes found"
    undeclared = [f"{' '.join(methods)} {rule} ({endpoint})" for rule, methods, endpoint, rule_of in routes
                  if rule_of is None]
    assert not undeclared, (f"{step.name}: these routes declare no access rule, so the app refuses every "
                            "call to them. Decorate each view with @public, @login_required or "
                            "@permission_required(...) (authapp/access.py):\n  " + "\n  ".join(undeclared))


@pytest.mark.parametrize("step", LATER, ids=[step.name for step in LATER])
def test_every_admin_route_needs_a_permission(step):
    """An /admin route with only @login_required would let every user in."""
    weak = [f"{rule} ({rule_of})" for rule, _, _, rule_of in routes_of(step)
            if rule.startswith("/admin") and not str(rule_of).startswith("permission ")]
    assert not weak, f"{step.name}: these admin routes need no permission: {weak}"


def memo_inputs(item):
    """Each check reads its step's folder."""
    return memo.steps_of(item) or ["steps"]
