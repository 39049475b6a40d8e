"""Prove that a copy of the app really runs, the way a learner runs it: a
fresh SQLite database, `flask db upgrade`, `flask db check`, `flask run`,
and real HTTP requests. The tests can't see a missing migration (they build
their tables with db.create_all()); this can.

Used by `check` (on a learner's copy) and `doctor` (on a step); the
database, the server and their environment come from tools/appserver.py. Standard
library only, any Python 3.8+: the app itself runs in .venv's Python.
"""
import json
import os
import re
import secrets
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tools import appserver, bootstrap

ROOT = bootstrap.ROOT

START_LIMIT = 60  # seconds for `flask run` to answer at all: a hang guard, generous for a busy laptop
CHECKING = "=== flask db check ==="  # printed by tools/dbprobe.py between its two halves


def request(base_url, method, path, body=None, timeout=10):
    """(status, parsed JSON or None, text); status None when nothing answered in time."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(base_url + path, data=data, method=method,
                                                           headers=headers), timeout=timeout) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    except (OSError, ValueError):  # refused, reset, timed out
        return None, None, ""
    try:
        return status, json.loads(text), text
    except ValueError:
        return status, None, text


class Finding:
    """One thing that is wrong, in words: a title and the lines under it."""

    def __init__(self, title, *lines, topic=None):
        self.title, self.lines, self.topic = title, [line for line in lines if line], topic

    def __repr__(self):
        return "Finding(%r)" % self.title


def prove_it_runs(folder, python, step_name=None, limit=10, learner_folder=None):
    """[Finding] for everything that stops the app in `folder` from running for
    real; [] when it upgrades a fresh database, matches its migrations and
    answers HTTP. `limit`: seconds an HTTP request may take."""
    folder = Path(folder)
    learner_folder = Path(learner_folder or folder)
    shown_folder = shown(learner_folder)
    with tempfile.TemporaryDirectory(prefix="live-") as scratch:
        env = appserver.environment(Path(scratch) / "fresh.sqlite")
        if not (folder / "migrations").is_dir():
            return [Finding("Your copy has no migrations/ folder",
                            "A real database gets its tables from migrations (`flask db upgrade`), and %s "
                            "has none. Copy migrations/ from the previous step, then add this step's." % shown_folder,
                            topic="migration")]
        # The server starts while `flask db upgrade` and `flask db check` run (one
        # process: tools/dbprobe.py); it is asked nothing until they are done.
        server = appserver.Server(folder, env, Path(scratch) / "server.log", python)
        try:
            # Extra: PYTHONPATH, so that .venv's Python finds tools.dbprobe in the repository.
            probe = appserver.run([str(python), "-m", "tools.dbprobe"], folder, dict(env, PYTHONPATH=str(ROOT)))
            upgraded, checking, differences = probe.stdout.partition(CHECKING)
            if not checking:
                return [Finding("`flask db upgrade` fails on a fresh database",
                                "What happened: " + last_error(upgraded),
                                where_in(upgraded, folder, shown_folder), topic="migration")]
            findings = []
            if probe.returncode != 0:
                findings.append(migration_drift(differences, shown_folder, learner_folder, step_name))
            return findings + answers_http(server, folder, step_name, limit, shown_folder)
        finally:
            server.stop()


def migration_drift(output, shown_folder, learner_folder, step_name=None):
    """`flask db check` found models and migrations that disagree: say what, in words."""
    differences = []
    for kind, what, name in re.findall(r"Detected (added|removed) (table|column) '([\w.]+)'", output):
        where = ("in your models, but no migration creates it" if kind == "added"
                 else "made by a migration, but your models don't have it")
        differences.append("%s `%s` is %s" % (what, name, where))
    if not differences:
        differences = [line.split("Detected ", 1)[1] for line in output.splitlines() if "Detected " in line]
    if not differences:
        differences.append(last_error(output))
    return Finding(
        "Your migrations don't build the database your models describe",
        "What `flask db check` found (on a fresh database, after `flask db upgrade`):",
        *["  - " + difference for difference in differences],
        "The tests can't see this: they create their tables straight from the models. A real server would "
        "answer 500 (\"no such table\" or \"no such column\").",
        "Fix: bring your database up to date (migrate compares the models with it), write the migration "
        "with the revision id the steps use (so the next step's migrations chain on), then read the file it "
        "adds to migrations/versions/:",
        "  cd %s" % shown_folder,
        "  %s --app authapp db upgrade" % flask_command(learner_folder),
        "  %s --app authapp db migrate --rev-id %s -m \"%s\"" % (
            flask_command(learner_folder), next_revision(learner_folder, step_name), "describe the change"),
        topic="migration")


REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def revisions(folder):
    """The revision ids of a folder's migrations/versions/*.py."""
    versions = Path(folder) / "migrations" / "versions"
    found = REVISION.findall("\n".join(path.read_text(encoding="utf-8", errors="replace")
                                       for path in sorted(versions.glob("*.py")))) if versions.is_dir() else []
    return found


def next_revision(learner_folder, step_name=None):
    """The id the step's own new migration has (0002, ...) when the learner's copy lacks it;
    else the next number after the copy's highest."""
    official = revisions(ROOT / "steps" / step_name) if step_name else []
    own = set(revisions(learner_folder))
    missing = [revision for revision in official if revision not in own]
    if missing:
        return missing[0]
    numbers = [int(revision) for revision in own if revision.isdigit()]
    return "%04d" % (max(numbers, default=0) + 1)


def answers_http(server, folder, step_name, limit, shown_folder):
    """GET / and, when the step has accounts, a register and a login, over real HTTP."""
    if not server.wait_until_listening(START_LIMIT):
        return [Finding("Your app doesn't start with `flask run`",
                        "What happened: " + (last_error(server.output()) or "it never printed `Running on http://127.0.0.1:...`"),
                        where_in(server.output(), folder, shown_folder))]
    status, body, text = request(server.base_url, "GET", "/", timeout=limit)
    if status is None:
        return [Finding("Your app started, but never answered HTTP",
                        "`flask run` listens on its port, yet GET / got no answer within %d seconds: something "
                        "in your app waits forever (a loop, a sleep, a lock) before it answers." % limit,
                        where_in(server.output(), folder, shown_folder))]
    expected = {"status": "ok", "step": step_name} if step_name else None
    if status != 200 or not isinstance(body, dict) or body.get("status") != "ok" or (
            expected and body != expected):
        return [Finding("GET / doesn't answer as the step says",
                        "A real server answered %s %s; the step says 200 %s." % (
                            status, shorten(text), json.dumps(expected or {"status": "ok"})),
                        where_in(server.output(), folder, shown_folder))]
    return account_round_trip(server, limit, folder, shown_folder)


def account_round_trip(server, limit, folder, shown_folder):
    """Register and log in for real when the step has accounts: any 5xx is a finding."""
    name = "check" + secrets.token_hex(4)
    password = "a long and uncommon passphrase 7"
    attempts = [("/auth/register", {"username": name, "email": name + "@example.com", "password": password}),
                ("/auth/login", {"username": name, "password": password})]
    for path, body in attempts:
        status, _, text = request(server.base_url, "POST", path, body, timeout=limit)
        if status == 404 and path == "/auth/register":
            return []  # no accounts in this step yet
        if status is None:
            return [Finding("Your app never answered POST %s" % path,
                            "A real server got no answer within %d seconds." % limit,
                            where_in(server.output(), folder, shown_folder))]
        if status >= 500:
            return [Finding("A real server answers POST %s with %d" % (path, status),
                            "What happened: " + (last_error(server.output()) or shorten(text)),
                            where_in(server.output(), folder, shown_folder),
                            "The tests pass this, so it is about running for real: usually a migration that "
                            "is missing, or a setting only the development config uses.")]
    return []


def last_error(output):
    """The last line that names an exception, e.g. 'sqlite3.OperationalError: no such table: sessions'."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Quit|Interrupt)\b", line)]
    chosen = named[-1] if named else (lines[-1] if lines else "")
    chosen = re.sub(r"\s*\[SQL:.*", "", chosen)
    return shorten(chosen, 300)


def where_in(output, folder, shown_folder):
    """'In workspace/x/authapp/auth.py, line 12: code' for the last traceback frame in the learner's folder."""
    folder_text = str(Path(folder).resolve())
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)\n\s+(.*)', output)
    mine = [frame for frame in frames if os.path.realpath(frame[0]).startswith(folder_text + os.sep)]
    if not mine:
        return ""
    path, line, function, code = mine[-1]
    relative = os.path.relpath(os.path.realpath(path), folder_text).replace(os.sep, "/")
    return "In %s/%s, line %s (%s): %s" % (shown_folder.rstrip("/"), relative, line, function, code.strip())


def shown(path):
    """A folder as the learner names it: relative to the repository when inside it."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if ROOT in path.parents else str(path)


def flask_command(folder):
    """The Flask command of .venv as typed from inside `folder`: nothing to activate."""
    program, folder = bootstrap.venv_program("flask").resolve(), Path(folder).resolve()
    inside = ROOT in folder.parents and ROOT in program.parents
    return os.path.relpath(str(program), str(folder)) if inside else str(program)


def shorten(text, limit=200):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
