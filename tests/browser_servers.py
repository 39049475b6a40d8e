"""Real servers for the browser tests, each on a free loopback port: a step's
API (the Flask CLI in a subprocess, fresh SQLite file) and the client's static
files (a copy of client/ whose config.js points at that API).

Both bind port 0 and say which port they got (tools/ports.py): the API's url
is known once it runs, so write the client's config.js after starting it (a
StaticSite may start before the folder it serves exists)."""
import email
import email.policy
import re
import secrets
import shutil
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools import appserver

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "client"
# How the steps print a mail when no MAIL_SERVER is set (authapp/mail.py). No
# end-of-line anchor: print() writes its final newline separately, and a request
# log line from another thread may land right before it.
PRINTED_MAIL = re.compile(r"----- mail \(no MAIL_SERVER set\) -----\n(.*?)\n-----", re.S)


def configured_client(folder, api_url):
    """A copy of client/ set up the way you would deploy it: config.js names the API."""
    shutil.copytree(CLIENT, folder)
    (folder / "config.js").write_text(f'const API_BASE = "{api_url}";\n')
    return folder


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticSite:
    """`python -m http.server` for one folder, in a thread."""

    def __init__(self, folder):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=folder))
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ApiServer:
    """One step, run as a learner runs it: `flask db upgrade`, then `flask run`
    on port 0 (tools/appserver.py). Its output (request log and printed mails)
    goes to a file we can read. `extra`: settings a test needs on top of
    appserver's environment rule, nothing from the shell."""

    def __init__(self, step, workdir, cors_origins, frontend_url, extra=None):
        self.step = step
        self.log_path = workdir / f"{step.name}.log"
        self.database = workdir / f"{step.name}.sqlite"
        self.env = env = appserver.environment(
            self.database,
            APP_CONFIG="testing",  # cheap password hashing: the tests check behaviour
            SECRET_KEY=secrets.token_hex(32),
            CORS_ORIGINS=",".join(cors_origins),  # the client's origins, on ports the kernel picked
            FRONTEND_URL=frontend_url,  # the links in the mails point at the client
            **(extra or {}))  # no MAIL_SERVER: the mail is printed, and we read it
        upgraded = appserver.upgrade(step, env)
        if upgraded.returncode != 0:
            raise RuntimeError(f"{step.name}: `flask db upgrade` failed:\n{upgraded.stdout[-3000:]}")
        self.server = appserver.Server(step, env, self.log_path)
        if not self.server.wait_until_listening():
            self.stop()
            raise RuntimeError(f"{self.step.name} exited, or never said where it listens:\n{self.output()}")
        self.port, self.url = self.server.port, self.server.base_url
        self.process = self.server.process

    def flask(self, *words):
        """A `flask --app authapp ...` command in the step's folder, on this server's
        database (as the terminal next to `flask run` would): its output."""
        done = appserver.run(appserver.flask(sys.executable, *words), self.step, self.env)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(words)} failed:\n{done.stdout[-3000:]}")
        return done.stdout

    def output(self, since=0):
        return self.log_path.read_text()[since:]

    def mark(self):
        """A position in the output: output(since=mark) is what came after it."""
        return len(self.log_path.read_text())

    def reset_link(self, address, seconds=60):
        """The link in the last reset mail printed for `address`."""
        return self.mailed_link(address, "/reset-password?token=", seconds)

    def verification_link(self, address, seconds=60):
        """The link in the last verification mail printed for `address` (step 06 on)."""
        return self.mailed_link(address, "/verify-email?token=", seconds)

    def mailed_link(self, address, path, seconds=60):
        """The link to `path` in the last mail printed for `address`. The step sends
        mail from a background thread, so it may take a moment to appear."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for block in reversed(PRINTED_MAIL.findall(self.output())):
                mail = email.message_from_string(block, policy=email.policy.default)
                link = re.search(r"https?://\S+", mail.get_content())
                if mail["To"] == address and link and path in link.group():
                    return link.group()
            time.sleep(0.1)
        raise AssertionError(f"no mail with a link to {path} for {address} in:\n{self.output()}")

    def stop(self):
        self.server.stop()
