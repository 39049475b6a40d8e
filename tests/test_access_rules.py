"""Deny by default, from step 09 on: every route of every such step's app
declares who may call it. A view declares it with @public, @login_required
or @permission_required(...) (and from step 10 @token_or_session(scope)),
which mark it with `access_rule` (authapp/access.py); at run time the app
refuses a view without one, and this check walks each app's url_map so that
such a view never ships. From step 10, no route of the account's security
or of the admins takes an API token.

Each step is read in a process of its own, in its folder (every step has a
package called `authapp`).
"""
import json
import subprocess
import sys
from functools import cache

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


@cache  # each check of a step reads the same walk
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
                            "call to them. Decorate each view with @public, @login_required, "
                            "@permission_required(...) or @token_or_session(...) (authapp/access.py):\n  "
                            + "\n  ".join(undeclared))


@pytest.mark.parametrize("step", LATER, ids=[step.name for step in LATER])
def test_every_admin_route_needs_a_permission(step):
    """An /admin route with only @login_required would let every user in."""
    weak = [f"{rule} ({rule_of})" for rule, _, _, rule_of in routes_of(step)
            if rule.startswith("/admin") and not str(rule_of).startswith("permission ")]
    assert not weak, f"{step.name}: these admin routes need no permission: {weak}"


# Account security (password, email, two-factor, passkeys, tokens, re-authentication)
# lives under /auth/, the admins' routes under /admin: session only (DESIGN.md, Part 3).
SESSION_ONLY_PREFIXES = ("/auth/", "/admin")
TOKEN_ROUTES_UNDER_AUTH = {"/auth/me"}  # account:read


@pytest.mark.parametrize("step", LATER, ids=[step.name for step in LATER])
def test_no_account_security_or_admin_route_takes_a_token(step):
    """A stolen token must not change a password, add a passkey or make another token."""
    leaks = [f"{' '.join(methods)} {rule} ({rule_of})" for rule, methods, _, rule_of in routes_of(step)
             if str(rule_of).startswith("token ") and rule.startswith(SESSION_ONLY_PREFIXES)
             and rule not in TOKEN_ROUTES_UNDER_AUTH]
    assert not leaks, f"{step.name}: these routes take an API token but must be session only: {leaks}"


def memo_inputs(item):
    """Each check reads its step's folder."""
    return memo.steps_of(item) or ["steps"]
