"""Throwaway PostgreSQL and Redis servers on loopback, for make test-production
and make bench. Each lives in a temporary folder on a free port and is gone
when the `with` block ends: nothing touches the machine's own clusters.

Ports (tools/ports.py): gunicorn binds port 0 and says which port it got.
PostgreSQL and redis-server need a number: they get a port that was free a
moment ago, and start again on another if something took it meanwhile."""
import glob
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager

import psycopg
import redis

from tools import appserver, ports
from tools.steps import all_steps

ATTEMPTS = 5  # starts on a port that another process took in the meantime


def wait_until(ready, what, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except Exception:  # not up yet: refused connections, missing files
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout} s")
        time.sleep(0.05)


def postgres_bin(name):
    """Debian keeps PostgreSQL's programs in /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql (or: make test-production)")
    return found[-1]


def plain_url(url):
    """psycopg wants postgresql://; SQLAlchemy's postgresql+psycopg:// names the driver too."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_database(url, name):
    """Another empty database on the same server; returns its URL."""
    with psycopg.connect(plain_url(url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def as_postgres_user(command):
    # PostgreSQL refuses to run as root; CI runs as root, a learner usually doesn't.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgresql(database="authapp", durable=False):
    """Yield a postgresql+psycopg:// URL to an empty database. durable=False
    switches off fsync: fine for a server that is deleted minutes later."""
    folder = tempfile.mkdtemp(prefix="authapp-pg-")
    data = os.path.join(folder, "data")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(as_postgres_user([postgres_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8", "--locale=C", "--no-sync"]),
                   check=True, stdout=subprocess.DEVNULL)
    pg_ctl, log = postgres_bin("pg_ctl"), os.path.join(folder, "log")
    for _ in range(ATTEMPTS):
        port = ports.free_port()
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        started = subprocess.run(as_postgres_user([pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "start"]),
                                 stdout=subprocess.DEVNULL)
        if started.returncode == 0:
            break
    else:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start in {ATTEMPTS} attempts; its log said:\n{read_log(log)}")
    try:
        yield create_database(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", database)
    finally:
        subprocess.run(as_postgres_user([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


def read_log(path):
    try:
        with open(path, errors="replace") as log:
            return log.read()[-3000:]
    except OSError:
        return "(no log)"


@contextmanager
def redis_server():
    """Yield a redis:// URL to a Redis that keeps nothing on disk."""
    for _ in range(ATTEMPTS):
        port = ports.free_port()
        server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--daemonize", "no"],
                                  stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        # Up, or gone: redis-server exits at once when its port is taken.
        wait_until(lambda: server.poll() is not None or redis.Redis.from_url(url).ping(), "redis-server")
        if server.poll() is None:
            break
    else:
        raise RuntimeError(f"redis-server did not start in {ATTEMPTS} attempts")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP_05 = os.path.join(ROOT, "steps", "05-hardening")
LAST_STEP = str(all_steps()[-1])  # Part 2's newest step: its suite runs on PostgreSQL too
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def production_environment(database_url, storage_uri, **more):
    """The environment a deployer sets for step 05: configuration, no code, and
    nothing else the shell holds (tools/appserver.py's rule): a TRUSTED_PROXY_COUNT
    left there would change whose address the login limit counts."""
    return appserver.without_shell_settings(
        APP_CONFIG="production", SECRET_KEY=os.urandom(32).hex(),
        DATABASE_URL=database_url, RATELIMIT_STORAGE_URI=storage_uri,
        # Production refuses to start without a mail server. These runs send no
        # mail; one that tried would find nothing listening and log the failure.
        MAIL_SERVER="127.0.0.1", MAIL_PORT="9", MAIL_USE_TLS="false", **more)


def migrate(environment, folder=STEP_05):
    """What a deploy runs before starting the new version: flask db upgrade."""
    subprocess.run([os.path.join(VENV_BIN, "flask"), "--app", "authapp", "db", "upgrade"], cwd=folder,
                   env=environment, check=True, capture_output=True)


def http_ok(port, path="/"):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    finally:
        connection.close()


@contextmanager
def gunicorn(environment, workers=2, app="authapp:create_app()", folder=STEP_05, access_log=None, error_log=None,
             options=()):
    """Serve `app` with gunicorn (sync workers, unless `options` say otherwise) on
    a loopback port it picks itself (port 0); yield the port.
    access_log: a file that gets one line per request, "<pid> <status> <path>".
    error_log: a file for gunicorn's standard error (the app's log lines go there too).
    No control socket: it would be one file in ~/.gunicorn for every server at once."""
    command = [os.path.join(VENV_BIN, "gunicorn"), "--workers", str(workers), "--bind", "127.0.0.1:0",
               "--no-control-socket", *options]
    if access_log:
        command += ["--access-logfile", access_log, "--access-logformat", "%(p)s %(s)s %(U)s"]
    # gunicorn's own log and the app's: it says its port there, and it is shown if it fails to start.
    with ExitStack() as stack:
        if error_log is None:
            error_log = os.path.join(stack.enter_context(tempfile.TemporaryDirectory()), "gunicorn.log")
        errors = stack.enter_context(open(error_log, "w"))
        server = subprocess.Popen([*command, app], cwd=folder, env=environment,
                                  stdout=subprocess.DEVNULL, stderr=errors)
        try:
            port = ports.announced_port(lambda: read_log(error_log), server)
            if port is None:
                raise RuntimeError(f"gunicorn did not start:\n{read_log(error_log)}")
            wait_until(lambda: server.poll() is None and http_ok(port), "gunicorn")
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
