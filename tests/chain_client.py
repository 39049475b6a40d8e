"""Run inside a step folder by test_migrations_chain.py: act on the chain's
database through the step's real HTTP API (Flask's test client, the step's
development config, DATABASE_URL from the environment).

    python chain_client.py '{"register": [...], "login": [...]}'

Prints one JSON object: the status of every request."""
import json
import sys

from authapp import create_app

app = create_app()  # APP_CONFIG and DATABASE_URL come from the environment
plan = json.loads(sys.argv[1])
statuses = {"register": {}, "login": {}, "me": {}}
for account in plan.get("register", []):
    response = app.test_client().post("/auth/register", json=account)
    statuses["register"][account["username"]] = response.status_code
for account in plan.get("login", []):
    browser = app.test_client()
    credentials = {"username": account["username"], "password": account["password"]}
    statuses["login"][account["username"]] = browser.post("/auth/login", json=credentials).status_code
    if plan.get("me"):
        me = browser.get("/auth/me")
        statuses["me"][account["username"]] = (me.status_code, (me.get_json() or {}).get("user", {}).get("username"))
print(json.dumps(statuses))
