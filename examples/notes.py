"""List your notes, then add one, as a program does: an API token, no cookie (step 10 on).

    export API_TOKEN=fat_...    # not an argument: your shell's history and `ps` would show it
    python examples/notes.py "back up the photos"
"""
import os
import sys
from urllib.parse import urlsplit

import requests

API = os.environ.get("API", "http://127.0.0.1:5000")
TOKEN = os.environ.get("API_TOKEN") or sys.exit("Set API_TOKEN first (make a token in the browser client).")
WHAT_TO_DO = {401: "Make a new token: this one is mistyped, expired or revoked.",
              403: "Make a token with the scope it names."}
if urlsplit(API).scheme != "https" and urlsplit(API).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"Not sending a token to {API}: over plain http anyone on the way can read it. Use https.")


def call(method, path, **body):
    """The API's JSON answer, or the program stops with its error and what to do."""
    try:
        answer = requests.request(method, API + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, **body)
    except requests.ConnectionError:
        sys.exit(f"No answer from {API}: is the API running? (make run STEP=10)")
    if not answer.ok:  # the API's {"error", "fields"}, or the reason of whatever else answered
        problem = answer.json() if answer.headers.get("Content-Type") == "application/json" else {}
        error = "; ".join([problem.get("error", answer.reason), *(f"{name} {why}" for name, why in
                                                                   problem.get("fields", {}).items())])
        sys.exit(f"{method} {path}: {answer.status_code} {error}. {WHAT_TO_DO.get(answer.status_code, '')}".rstrip())
    return answer.json()


for note in call("GET", "/notes")["notes"]:
    print(f"{note['id']}: {note['text']!r}")  # repr: a note's escape codes can't drive your terminal
added = call("POST", "/notes", json={"text": " ".join(sys.argv[1:]) or "written by examples/notes.py"})["note"]
print(f"Added note {added['id']}.")
