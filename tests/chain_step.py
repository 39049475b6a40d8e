"""One step of the migrations chain, in one process (tests/test_migrations_chain.py
runs it in each step's folder, with DATABASE_URL naming the chain's database
and the step's development config):

    python chain_step.py '{"upgrade": true, "snapshot": "...", "check": true,
                           "create_users": [...], "register": [...], "login": [...], "me": true}'

in this order, each part only when the plan asks for it:
- `flask db upgrade`, the function the command calls;
- a copy of the database right after the upgrade ("snapshot"), before anything
  else writes to it, for the test to compare with the rows from before;
- `flask db check`, the function the command calls;
- `flask create-user`, the way step 01 makes users: the CLI, the password typed twice;
- register, log in and ask who am I through the step's real HTTP API (Flask's test client).

Prints one JSON object: what `flask db check` printed and its exit code,
and the outcome of every command and request."""
import contextlib
import io
import json
import sqlite3
import sys
import threading

from flask_migrate import check, upgrade

from authapp import create_app

app = create_app()  # APP_CONFIG and DATABASE_URL come from the environment
plan = json.loads(sys.argv[1])
found = {"check": None, "create_users": {}, "register": {}, "login": {}, "me": {}}


def copy_database(path):
    with app.app_context():
        source = sqlite3.connect(app.extensions["sqlalchemy"].engine.url.database)
        with sqlite3.connect(path) as copy:
            source.backup(copy)
        copy.close()
        source.close()


def checked():
    """[exit code, what it printed] of `flask db check`. Flask-Migrate's configure
    callback gives Alembic our buffer to print to; on a difference it exits 1."""
    printed = io.StringIO()

    def print_here(config):
        config.stdout = printed
        return config
    app.extensions["migrate"].migrate.configure(print_here)
    try:
        with app.app_context():
            check()
    except SystemExit as stopped:
        return [stopped.code, printed.getvalue()]
    return [0, printed.getvalue()]


if plan.get("upgrade"):
    with app.app_context():
        upgrade()
if plan.get("snapshot"):
    copy_database(plan["snapshot"])
if plan.get("check"):
    found["check"] = checked()
for account in plan.get("create_users", []):
    password = account["password"]
    result = app.test_cli_runner().invoke(args=["create-user", account["username"], account["email"]],
                                          input=f"{password}\n{password}\n")
    found["create_users"][account["username"]] = [result.exit_code, result.output[-500:]]
for account in plan.get("register", []):
    printed = io.StringIO()  # the development config prints mail instead of sending it
    with contextlib.redirect_stdout(printed):
        response = app.test_client().post("/auth/register", json=account)
        for thread in threading.enumerate():
            if thread.name == "send-mail":
                thread.join()
    found["register"][account["username"]] = response.status_code
    if "/verify-email?token=" in printed.getvalue():  # from step 06: follow the link, as the user would
        token = printed.getvalue().split("/verify-email?token=")[1].split()[0]
        app.test_client().post("/auth/verify-email", json={"token": token, "password": account["password"]})
for account in plan.get("login", []):
    browser = app.test_client()
    credentials = {"username": account["username"], "password": account["password"]}
    found["login"][account["username"]] = browser.post("/auth/login", json=credentials).status_code
    if plan.get("me"):
        me = browser.get("/auth/me")
        found["me"][account["username"]] = (me.status_code, (me.get_json() or {}).get("user", {}).get("username"))
print(json.dumps(found))
