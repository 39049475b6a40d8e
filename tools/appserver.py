"""One home for "upgrade a step's database, serve the step on a free loopback
port, stop it". Used by `check` and `doctor` (tools/liveapp.py), the labs
(labs/lab.py), the walkthroughs (scripts/walkthroughs.py) and the browser
tests (tests/browser_servers.py); its environment rule also by the production
profile's gunicorn (production/services.py, for make test-production and
make bench).

One environment rule for all of them, environment(): the shell's variables
minus every app setting (tools/steps.py) and minus proxies, then a database
file of our own and the development config, then only what the caller names
in `extra`. So a DATABASE_URL, MAIL_SERVER or APP_CONFIG left in a learner's
shell never changes what a step does behind its back.

Standard library only, any Python 3.8+: the tools import it before .venv
exists. The app itself runs in the Python given (.venv's).
"""
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tools import ports, steps

START_LIMIT = 120  # seconds for `flask run` to say where it listens: a hang guard, generous for a busy machine
# The servers only talk to loopback: a proxy set in the shell must never carry that traffic elsewhere.
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def environment(database, **extra):
    """The environment every server and `flask db upgrade` of the machinery gets:
    the rule (without_shell_settings) on a SQLite file of our own."""
    return without_shell_settings(DATABASE_URL="sqlite:///" + Path(database).as_posix(), **extra)


def without_shell_settings(**extra):
    """The rule itself: the shell's variables minus every app setting and proxy,
    plus `extra`. (production/services.py uses it with PostgreSQL and Redis.)"""
    env = {name: value for name, value in steps.environment_without_app_settings().items()
           if name.lower() not in PROXY_VARIABLES}
    env.update(PYTHONDONTWRITEBYTECODE="1",  # no __pycache__ left in the step folders
               PYTHONUNBUFFERED="1",  # the log holds each line as soon as the server prints it
               PYTHONBREAKPOINT="0")  # breakpoint() would wait for a keyboard nobody has
    env.update(extra)
    return env


APP = "authapp"  # what `flask --app` loads: the step's factory, create_app(), with its config
# The same app, hashing passwords with real scrypt at the testing config's tiny
# cost (settings passed to the step's own create_app()): for the repository's
# runs of labs and walkthroughs, whose answers don't depend on the hash's cost.
# A login costs about 1 ms of CPU instead of half a second. The recordings and
# what a learner runs keep APP (tests/test_labs.py: only the two hash settings differ).
CHEAP_HASHES = ("authapp:create_app(PASSWORD_HASH_METHOD='scrypt:256:8:1', "
                "LEGACY_PASSWORD_HASH_METHOD='scrypt:128:8:1')")


def flask(python, *words, app=APP):
    """The Flask command for the app in the current folder, run by `python`.
    `app` may call the factory with settings of its own, in Flask's syntax:
    "authapp:create_app(PASSWORD_HASH_METHOD='scrypt:256:8:1')"."""
    return [str(python), "-m", "flask", "--app", app, *words]


def upgrade(folder, env, python=None, timeout=120):
    """`flask db upgrade` in `folder`: a CompletedProcess, its output in .stdout."""
    return run(flask(python or sys.executable, "db", "upgrade"), folder, env, timeout)


def run(command, folder, env, timeout=120):
    """A command's CompletedProcess (output and errors together in .stdout); a
    command that hangs is stopped after `timeout` seconds and counts as failed."""
    try:
        return subprocess.run(command, cwd=str(folder), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        return subprocess.CompletedProcess(command, 1, output + "\nstopped after %d seconds" % timeout, "")


class Server:
    """`flask run` on loopback port 0, its output kept in a file: the kernel
    picks a free port, and the server says which (tools/ports.py)."""

    def __init__(self, folder, env, log_path, python=None, app=APP):
        self.port = self.base_url = None
        self.log_path = Path(log_path)
        self.log = open(str(log_path), "w+", encoding="utf-8", errors="replace")
        command = flask(python or sys.executable, "run", "--host", ports.HOST, "--port", "0", app=app)
        self.process = subprocess.Popen(command, cwd=str(folder), env=env, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_listening(self, limit=START_LIMIT):
        """True once the server listens and has said on which port; False if it
        exits first, or says nothing within `limit` seconds."""
        self.port = ports.announced_port(self.output, self.process, limit)
        if self.port is None:
            return False
        self.base_url = "http://%s:%d" % (ports.HOST, self.port)
        return True

    def output(self):
        """Everything the server printed so far (read through a file of its own:
        seeking in the server's would move its place)."""
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class DidNotStart(RuntimeError):
    """The upgrade failed, or the server never said where it listens."""


@contextmanager
def serving(folder, env, log_path, python=None, limit=START_LIMIT, app=APP):
    """The app in `folder` on an upgraded database, listening (a Server); stopped on leaving."""
    upgraded = upgrade(folder, env, python)
    if upgraded.returncode != 0:
        raise DidNotStart("`flask db upgrade` failed in %s:\n%s" % (folder, upgraded.stdout[-3000:]))
    server = Server(folder, env, log_path, python, app)
    try:
        if not server.wait_until_listening(limit):
            raise DidNotStart("%s exited, or never said where it listens:\n%s" % (folder, server.output()[-3000:]))
        yield server
    finally:
        server.stop()
