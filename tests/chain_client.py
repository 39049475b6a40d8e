"""Run inside a step folder by test_migrations_chain.py: act on the chain's
database through the step's real HTTP API (Flask's test client, the step's
development config, DATABASE_URL from the environment).

    python chain_client.py '{"register": [...], "login": [...]}'

Prints one JSON object: the status of every request."""
import contextlib
import io
import json
import sys
import threading

from authapp import create_app

app = create_app()  # APP_CONFIG and DATABASE_URL come from the environment
plan = json.loads(sys.argv[1])
statuses = {"register": {}, "login": {}, "me": {}}
for account in plan.get("register", []):
    printed = io.StringIO()  # the development config prints mail instead of sending it
    with contextlib.redirect_stdout(printed):
        response = app.test_client().post("/auth/register", json=account)
        for thread in threading.enumerate():
            if thread.name == "send-mail":
                thread.join()
    statuses["register"][account["username"]] = response.status_code
    if "/verify-email?token=" in printed.getvalue():  # from step 06: follow the link, as the user would
        token = printed.getvalue().split("/verify-email?token=")[1].split()[0]
        app.test_client().post("/auth/verify-email", json={"token": token})
for account in plan.get("login", []):
    browser = app.test_client()
    credentials = {"username": account["username"], "password": account["password"]}
    statuses["login"][account["username"]] = browser.post("/auth/login", json=credentials).status_code
    if plan.get("me"):
        me = browser.get("/auth/me")
        statuses["me"][account["username"]] = (me.status_code, (me.get_json() or {}).get("user", {}).get("username"))
print(json.dumps(statuses))
