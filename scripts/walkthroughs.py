"""Run each step's walkthrough.sh against the real app and record what it printed.

    python scripts/walkthroughs.py            (or: make walkthroughs) all steps
    python scripts/walkthroughs.py 03         one step, printed, nothing written

For each step: a fresh SQLite database in a temporary folder, `flask db upgrade`,
`flask run` on a free loopback port, then `bash walkthrough.sh` with BASE_URL
pointing at it. The output goes to docs/walkthroughs/<step>.txt, which the step's
page shows under "Try it". tests/test_walkthroughs.py runs the same thing and
fails if a walkthrough fails or prints something other than what the page shows.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "docs" / "walkthroughs"
BIN = Path(sys.executable).parent
SERVER_START_LIMIT = 120  # seconds: a hang guard, generous so a busy machine never fails it

# What differs on every run, replaced so the recorded output can be compared.
VOLATILE = [
    (re.compile(r"(session=)[^;\s]+"), r"\1<random>"),
    (re.compile(r"\b(token[\"=: ]+\"?)[A-Za-z0-9_.\-]{16,}"), r"\1<random>"),
    (re.compile(r"(Retry-After: )\d+"), r"\1<seconds>"),
    # Werkzeug lists allowed methods in set order, which changes between runs.
    (re.compile(r"(Allow: )(.+)"), lambda m: m[1] + ", ".join(sorted(m[2].split(", ")))),
]


def steps():
    return sorted(path for path in (ROOT / "steps").iterdir()
                  if path.is_dir() and (path / "walkthrough.sh").exists())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database):
    env = {name: value for name, value in os.environ.items()
           if name not in {"APP_CONFIG", "SECRET_KEY", "CORS_ORIGINS", "FLASK_APP", "FLASK_DEBUG"}}
    env.update(DATABASE_URL=f"sqlite:///{database}", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               PYTHONDONTWRITEBYTECODE="1")
    return env


@contextmanager
def running_step(step):
    """The step served on http://127.0.0.1:<free port>, with an empty database."""
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp) / "walkthrough.sqlite")
        subprocess.run([BIN / "flask", "--app", "authapp", "db", "upgrade"], cwd=step, env=env,
                       check=True, capture_output=True)
        port = free_port()
        log = open(Path(tmp) / "server.log", "w+")
        server = subprocess.Popen([BIN / "flask", "--app", "authapp", "run", "--host", "127.0.0.1",
                                   "--port", str(port)], cwd=step, env=env, stdout=log, stderr=log)
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url, server, log)
            yield base_url, env, log
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def wait_until_up(base_url, server, log):
    deadline = time.monotonic() + SERVER_START_LIMIT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited:\n{log.read()}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {base_url}")


def normalise(text):
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.lstrip("\n")


def run(step):
    """(exit code, normalised output, server log) of one step's walkthrough."""
    with running_step(step) as (base_url, env, log):
        result = subprocess.run(["bash", "walkthrough.sh"], cwd=step, env={**env, "BASE_URL": base_url, "SERVER_LOG": log.name},
                                capture_output=True, text=True, timeout=300)
        log.seek(0)
        server_log = log.read()
    return result.returncode, normalise(result.stdout + result.stderr), server_log


def output_path(step):
    return OUT_DIR / f"{step.name}.txt"


def main(selected):
    chosen = [step for step in steps() if not selected or step.name[:2] in selected]
    failed = False
    for step in chosen:
        code, output, server_log = run(step)
        if selected:
            print(output, end="")
        if code != 0:
            failed = True
            print(f"{step.name}: walkthrough.sh exited {code}\n{output}\nserver log:\n{server_log}", file=sys.stderr)
            continue
        if not selected:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            output_path(step).write_text(output, encoding="utf-8")
            print(f"wrote {output_path(step).relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
