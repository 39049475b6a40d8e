"""The migrations chain: a database created and filled by step 01 upgrades
through every later step (`flask db upgrade`, run in each step's folder)
with no row lost; every step's models match its migrations (`flask db
check`); and the users of every earlier step, old password hashes included,
still log in at the last step through its HTTP API and real config.

Each step's part is one request to one process that runs the whole chain
(chain_step.py): upgrade, a copy of the database as the upgrade left it,
check, then the step's own users and logins.
"""
import json
import sqlite3
import subprocess
import sys

import pytest

import chain_step
import memo
from conftest import ROOT, STEPS
from tools import steps

CHAIN_STEP = ROOT / "tests" / "chain_step.py"
WERKZEUG_DEFAULT = "scrypt:32768:8:1$"  # what step 01's development config stores


def account(name):
    return {"username": name, "email": f"{name}@example.com",
            "password": f"{name} keeps a long and uncommon passphrase"}


class Runner:
    """chain_step.py, one process for the whole chain: each step's part is one request to it."""

    def __init__(self, folder):
        environment = steps.environment_without_app_settings()
        environment.pop("PYTHONPATH", None)
        self.errors = open(folder / "chain-step.err", "w+")
        self.process = subprocess.Popen([sys.executable, str(CHAIN_STEP)], cwd=ROOT, env=environment, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        self.printed = []

    def in_step(self, step, database, plan):
        """Carry out the plan in the step, on the chain's database; what it found."""
        self.process.stdin.write(json.dumps({"step": str(step), "database": str(database), "plan": plan}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(chain_step.ANSWER):
                return json.loads(line[len(chain_step.ANSWER):])
            self.printed.append(line)
        self.errors.seek(0)
        raise AssertionError(f"{step.name}: chain_step.py {' '.join(plan)} failed\n"
                             f"{''.join(self.printed)[-2000:]}\n{self.errors.read()[-3000:]}")

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.errors.close()


def snapshot(database):
    """{table: (columns, set of rows)} for every table but Alembic's own."""
    with sqlite3.connect(database) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'")]
        found = {}
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            columns = tuple(column[0] for column in cursor.description)
            found[table] = (columns, set(cursor.fetchall()))
    connection.close()
    return found


# A migration may rewrite a password hash (step 05 wraps old ones in a stronger
# hash); that users still log in with their passwords is tested below.
REWRITTEN = {"password_hash"}


def rows_lost(before, after_database):
    """Rows of `before` that are not in the upgraded database (compared on the old
    columns, except those a migration may rewrite)."""
    lost = {}
    with sqlite3.connect(after_database) as connection:
        for table, (all_columns, all_rows) in before.items():
            kept = [index for index, column in enumerate(all_columns) if column not in REWRITTEN]
            columns = [all_columns[index] for index in kept]
            rows = {tuple(row[index] for index in kept) for row in all_rows}
            names = ", ".join(f'"{column}"' for column in columns)
            try:
                now = set(connection.execute(f'SELECT {names} FROM "{table}"').fetchall())
            except sqlite3.OperationalError as error:  # the table or a column is gone
                lost[table] = str(error)
                continue
            if rows - now:
                lost[table] = sorted(rows - now)
    connection.close()
    return lost


def weak_hashes(database):
    """Users whose stored hash is still Werkzeug's default, made by steps 01-04."""
    with sqlite3.connect(database) as connection:
        found = connection.execute("SELECT username FROM users WHERE password_hash LIKE ?",
                                   (WERKZEUG_DEFAULT + "%",)).fetchall()
    connection.close()
    return [name for (name,) in found]


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    started = Runner(tmp_path_factory.mktemp("runner"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def chain(tmp_path_factory, runner):
    """Walk one database through every step; record what each step saw."""
    in_step = runner.in_step
    folder = tmp_path_factory.mktemp("chain")
    database = folder / "chain.sqlite"
    first, *later = STEPS
    users = [account("alice"), account("bob")]
    record = {first.name: in_step(first, database, {"upgrade": True, "check": True, "create_users": users})}
    made = record[first.name]["create_users"]
    assert all(code == 0 for code, _ in made.values()), f"{first.name}: flask create-user failed: {made}"
    record[first.name]["lost"] = {}
    columns, rows = snapshot(database)["users"]
    old_hashes = {row[columns.index("username")]: row[columns.index("password_hash")] for row in rows}

    for step in later:
        before = snapshot(database)
        # Every step with the HTTP API adds a user of its own and logs everybody in
        # (from step 03 on, that leaves session rows for the next upgrades to keep).
        newcomer = account(f"user{step.name[:2]}")
        upgraded = folder / f"upgraded-{step.name}.sqlite"
        seen = in_step(step, database, {"upgrade": True, "snapshot": str(upgraded), "check": True,
                                        "register": [newcomer], "login": users + [newcomer],
                                        "me": (step / "authapp" / "sessions.py").exists()})
        # Judged on the database as the upgrade left it, before the step's own requests.
        seen.update({"lost": rows_lost(before, upgraded), "weak hashes": weak_hashes(upgraded)})
        seen["http"] = {part: seen.pop(part) for part in ("register", "login", "me")}
        if seen["http"]["register"].get(newcomer["username"]) == 201:
            users.append(newcomer)
        record[step.name] = seen
    return {"steps": record, "users": users, "old_hashes": old_hashes, "database": database}


def test_the_chain_covers_every_step(chain):
    assert list(chain["steps"]) == [step.name for step in STEPS]
    assert len(STEPS) >= 2


def test_step_01_stored_werkzeugs_default_hashes(chain):
    # So the last step really meets old hashes, not ones made with its own settings.
    assert chain["old_hashes"], "step 01 made no users"
    for name, stored in chain["old_hashes"].items():
        assert stored.startswith(WERKZEUG_DEFAULT), f"{name}: {stored[:20]}"


@pytest.mark.parametrize("step", STEPS[1:], ids=[step.name for step in STEPS[1:]])
def test_upgrading_loses_no_row(chain, step):
    assert chain["steps"][step.name]["lost"] == {}


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_models_match_migrations(chain, step):
    # `flask db check` exits non-zero when they differ.
    exit_code, printed = chain["steps"][step.name]["check"]
    assert exit_code == 0 and "No new upgrade operations detected" in printed, printed


def test_every_user_of_every_step_logs_in_at_the_last_step(chain):
    last = STEPS[-1]
    statuses = chain["steps"][last.name]["http"]
    expected = {user["username"]: 200 for user in chain["users"]}
    assert statuses["login"] == expected
    assert {"alice", "bob"} <= set(expected), "step 01's users must be among them"
    if statuses["me"]:
        assert statuses["me"] == {name: [200, name] for name in expected}


def test_the_last_step_logs_old_users_in_again(chain, runner):
    """A second login at the last step: after any hash upgrade at the first one."""
    last = STEPS[-1]
    again = runner.in_step(last, chain["database"], {"login": chain["users"]})
    assert again["login"] == {user["username"]: 200 for user in chain["users"]}


def test_every_step_with_the_api_added_its_user(chain):
    for step in STEPS[1:]:
        registered = chain["steps"][step.name]["http"]["register"]
        assert registered == {f"user{step.name[:2]}": 201}, f"{step.name}: {registered}"


WRAPPING_STEPS = [step for step in STEPS
                  if list((step / "migrations" / "versions").glob("*wrap_legacy_password_hashes.py"))]


@pytest.mark.parametrize("step", WRAPPING_STEPS, ids=[step.name for step in WRAPPING_STEPS])
def test_the_upgrade_itself_leaves_no_weak_hash(chain, step):
    # Measured right after `flask db upgrade`, before anybody logs in at this step:
    # the migration wrapped every old hash, no login was needed.
    assert chain["steps"][step.name]["weak hashes"] == []


def memo_inputs(item):
    """A link of the chain reads every step up to it; the checks of the whole chain read every step."""
    return memo.steps_through(item) or ["steps"]
