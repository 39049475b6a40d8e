"""The migrations chain's runner: one process that walks the chain's database
through the steps, one step at a time, as tests/test_migrations_chain.py asks.
One process for the whole chain, not one per step: Flask, SQLAlchemy and
Alembic are imported once. Before each step, the previous step's `authapp` is
forgotten (every step has a package of that name), and the runner moves into
the step's folder, where its migrations/ are, with DATABASE_URL naming the
chain's database and the step's development config.

Each line on stdin is one request, {"step": folder, "database": path, "plan":
{"upgrade": true, "snapshot": "...", "check": true, "create_users": [...],
"register": [...], "login": [...], "me": true}}, carried out in this order,
each part only when the plan asks for it:
- `flask db upgrade`, the function the command calls;
- a copy of the database right after the upgrade ("snapshot"), before anything
  else writes to it, for the test to compare with the rows from before;
- `flask db check`, the function the command calls;
- `flask create-user`, the way step 01 makes users: the CLI, the password typed twice;
- register, log in and ask who am I through the step's real HTTP API (Flask's test client).

For each request, one line on stdout, ANSWER and a JSON object: what `flask db
check` printed and its exit code, and the outcome of every command and request."""
import contextlib
import importlib
import io
import json
import os
import sqlite3
import sys
import threading

ANSWER = "chain-step-answer "  # the line the test reads; anything else a step prints is ignored


def step_app(folder, database):
    """The app of the step in `folder`, on the chain's database, its own `authapp` freshly imported."""
    for name in [name for name in sys.modules if name == "authapp" or name.startswith("authapp.")]:
        del sys.modules[name]
    os.chdir(folder)
    sys.path[0] = folder
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", APP_CONFIG="development")
    return importlib.import_module("authapp").create_app()


def copy_database(app, path):
    with app.app_context():
        source = sqlite3.connect(app.extensions["sqlalchemy"].engine.url.database)
        with sqlite3.connect(path) as copy:
            source.backup(copy)
        copy.close()
        source.close()


def checked(app):
    """[exit code, what it printed] of `flask db check`. Flask-Migrate's configure
    callback gives Alembic our buffer to print to; on a difference it exits 1."""
    from flask_migrate import check  # noqa: PLC0415 (imported with the first step's app)
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


def carry_out(app, plan):
    from flask_migrate import upgrade  # noqa: PLC0415
    found = {"check": None, "create_users": {}, "register": {}, "login": {}, "me": {}}
    if plan.get("upgrade"):
        with app.app_context():
            upgrade()
    if plan.get("snapshot"):
        copy_database(app, plan["snapshot"])
    if plan.get("check"):
        found["check"] = checked(app)
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
    for number, account in enumerate(plan.get("login", []), start=1):
        browser = app.test_client()
        credentials = {"username": account["username"], "password": account["password"]}
        # Each user from an address of her own (TEST-NET-1, RFC 5737): from step 05,
        # an address gets 10 logins a minute, and the chain has a user per step.
        address = {"REMOTE_ADDR": f"192.0.2.{number}"}
        found["login"][account["username"]] = browser.post("/auth/login", json=credentials,
                                                           environ_base=address).status_code
        if plan.get("me"):
            me = browser.get("/auth/me")
            found["me"][account["username"]] = (me.status_code,
                                                (me.get_json() or {}).get("user", {}).get("username"))
    return found


def main():
    sys.path.insert(0, "")  # the step's folder goes here (step_app)
    for line in sys.stdin:
        request = json.loads(line)
        app = step_app(request["step"], request["database"])
        found = carry_out(app, request["plan"])
        with app.app_context():  # the next step opens the file afresh
            app.extensions["sqlalchemy"].engine.dispose()
        print(ANSWER + json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
