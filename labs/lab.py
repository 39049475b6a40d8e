"""The attack lab: break a weak version of a step, then watch the step hold.

    make attack STEP=02                          (or: python3 -m tools attack 02)
    make attack STEP=03 DIR=workspace/03-sessions     ... against your own copy

For each attack of labs/NN-name/ (one attack_<what>.py each), the runner
starts the weak target (the step before, or this step with its defence undone
by weak_<what>.patch) and the step itself (or your copy), each with
`flask run` on a free loopback port, a fresh SQLite database and a real SMTP
sink for its mail. The attack runs against the weak target first (it should
get through: red) and then against the step (it should be held: green).
Exit status: 0 when the step (or your copy) held every attack, 1 when an
attack got through or could not run, 2 on misuse.

Safety, enforced here rather than promised: every address the lab talks to
must be loopback (require_loopback), and every attack is bounded in requests
and seconds (Budget). Standard library only, plus aiosmtpd for the mail
sink: the "check" install level has both.
"""
import argparse
import email
import email.policy
import hashlib
import http.cookiejar
import importlib.util
import ipaddress
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path

LABS = Path(__file__).resolve().parent
ROOT = LABS.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import appserver, liveapp, patches, ports, steps  # noqa: E402
from tools.commands import suggest  # noqa: E402

RECORDINGS = ROOT / "docs" / "break-it"
START_LIMIT = 60  # seconds for a server to start: a hang guard for a busy laptop
REQUEST_TIMEOUT = 20  # seconds one request may take at most (less if the attack's time runs out first)
# --cheap-hashes (for the repository tests, tests/test_labs.py): every server
# hashes passwords with real scrypt at the testing config's tiny cost, passed to
# the step's own create_app() as settings. No attack is about the hash's cost
# (each is about what the app answers), so every verdict is the same; a login
# costs about 1 ms instead of half a second of CPU.
CHEAP_HASHES = appserver.CHEAP_HASHES


# ---------------------------------------------------------------- what an attack returns


@dataclass
class Outcome:
    """What an attack found: did it get what it wanted, and the lines that show it."""
    got_through: bool
    evidence: list = field(default_factory=list)


class Missing(Exception):
    """Raised by an attack when the target doesn't have what the attack needs
    (no /auth/logout yet, say): a copy that is still the previous step.
    The runner counts it as not held."""


class OutOfBounds(Exception):
    """An attack tried to go past its MAX_REQUESTS or MAX_SECONDS."""


class NotLoopback(SystemExit):
    """An address that isn't this machine: the lab stops with exit status 2."""

    def __init__(self, message):
        SystemExit.__init__(self, 2)
        self.message = message


def require_loopback(url):
    """Stop (exit status 2) unless every address `url`'s host resolves to is
    loopback (127.0.0.0/8 or ::1). Called on every target and every request."""
    host = urllib.parse.urlsplit(url).hostname
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)} if host else set()
    except (socket.gaierror, UnicodeError):
        found = set()
    addresses = [ipaddress.ip_address(address.split("%")[0]) for address in found]
    if not addresses or not all(address.is_loopback for address in addresses):
        message = (f"The lab only attacks this machine, and {url!r} is not loopback "
                   f"(127.0.0.0/8 or ::1; it resolves to {', '.join(sorted(found)) or 'nothing'}).")
        print(message, file=sys.stderr)
        raise NotLoopback(message)
    return url


# ---------------------------------------------------------------- bounds


class Budget:
    """Counts an attack's requests and its time; refuses what goes past either."""

    def __init__(self, max_requests, max_seconds):
        self.max_requests, self.max_seconds = max_requests, max_seconds
        self.used, self.started, self.stopped = 0, time.monotonic(), None
        self.lock = threading.Lock()  # attacks send requests from several threads at once

    def seconds(self):
        return time.monotonic() - self.started

    def seconds_left(self):
        return self.max_seconds - self.seconds()

    def spend(self):
        """Count one request; OutOfBounds if it is one too many or time is up."""
        with self.lock:
            if self.stopped is None and self.used >= self.max_requests:
                self.stopped = f"request {self.used + 1} refused: MAX_REQUESTS is {self.max_requests}"
            elif self.stopped is None and self.seconds_left() <= 0:
                self.stopped = f"stopped after {self.max_seconds} s: MAX_SECONDS is {self.max_seconds}"
            if self.stopped:
                raise OutOfBounds(self.stopped)
            self.used += 1
        return self.seconds_left()

    def stop(self, reason):
        with self.lock:
            self.stopped = self.stopped or reason


# ---------------------------------------------------------------- HTTP, stdlib only


Response = namedtuple("Response", "status json headers text")
Mail = namedtuple("Mail", "to subject body")


class Client:
    """One browser, as an attacker drives it: its own cookie jar, JSON in and out."""

    def __init__(self, target, name="attacker", address=None):
        self.target, self.name, self.address = target, name, address
        self.jar = http.cookiejar.CookieJar()
        # No proxy: one set in the environment must never carry lab traffic elsewhere. No
        # redirects followed: a Location header could point anywhere; the attack sees the 3xx.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects(),
                                                  urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, json=None, headers=None, data=None):
        return self.request("POST", path, json, headers, data)

    def delete(self, path, headers=None):
        return self.request("DELETE", path, headers=headers)

    def request(self, method, path, json_body=None, headers=None, data=None):
        url = require_loopback(self.target.url + path)
        seconds_left = self.target.budget.spend()
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        if self.address:
            headers["X-Forwarded-For"] = self.address
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=max(0.1, min(REQUEST_TIMEOUT, seconds_left))) as answer:
                return self.response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            return self.response(error.code, error.headers, error.read())
        except TimeoutError as error:
            raise OutOfBounds(f"{method} {path} got no answer in time") from error
        except (urllib.error.URLError, OSError) as error:  # refused, reset: the server is gone
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise OutOfBounds(f"{method} {path} got no answer in time") from error
            raise Missing(f"{method} {path} got no answer: {reason}") from error

    @staticmethod
    def response(status, headers, body):
        text = body.decode("utf-8", "replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        return Response(status, parsed, headers, text)

    def cookies(self):
        """{name: value} of the cookies this browser holds."""
        return {cookie.name: cookie.value for cookie in self.jar}

    def set_cookie(self, name, value):
        """Put a cookie in this browser's jar, as if copied from another one."""
        host = urllib.parse.urlsplit(self.target.url).hostname
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, name, value, None, False, host, False, False, "/", True, False, None, True, None, None, {}))


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then hands the 3xx answer back as it is


# ---------------------------------------------------------------- mail


class MailSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every mail."""

    def __init__(self):
        from aiosmtpd.controller import Controller  # noqa: PLC0415 (only when a server starts)
        self.mails, self.changed = [], threading.Condition()
        self.controller = Controller(self, hostname=ports.HOST, port=ports.free_port())
        self.controller.start()
        self.port = self.controller.port

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.changed:
            self.mails.append(Mail(str(message["To"]), str(message["Subject"]), message.get_content()))
            self.changed.notify_all()
        return "250 Message accepted"

    def stop(self):
        self.controller.stop()


# ---------------------------------------------------------------- the app under attack


class App:
    """A folder served by `flask run` on a free loopback port, with a fresh
    database in a temporary folder and its mail going to a MailSink."""

    def __init__(self, folder, step, python=None, app=appserver.APP, databases=None, provider=None):
        self.folder, self.step, self.app_spec = Path(folder), step, app
        self.provider = provider  # the run's test OpenID provider, when an attack signs in with one
        self.python = python or sys.executable
        self.own_databases = databases is None  # an App on its own (not one of a run's Apps) upgrades alone
        self.databases = databases or FreshDatabases()
        self.scratch = tempfile.TemporaryDirectory(prefix="lab-")
        self.database = Path(self.scratch.name) / "lab.sqlite"
        self.sink = MailSink()
        # Extra: the app's mail goes to the lab's own SMTP server, where the attacks read it.
        self.env = appserver.environment(self.database, MAIL_SERVER=ports.HOST,
                                         MAIL_PORT=str(self.sink.port), MAIL_USE_TLS="no")
        if provider is not None:
            self.env.update(provider_settings(provider))
        self.server, self.url = None, None

    def start(self):
        """Upgrade the fresh database, start the server; a message if either fails."""
        problem = self.databases.upgraded(self)
        if problem:
            return problem
        self.server = appserver.Server(self.folder, self.env, Path(self.scratch.name) / "server.log", self.python,
                                       self.app_spec)
        if not self.server.wait_until_listening(START_LIMIT):
            return f"`flask run` did not start: {liveapp.last_error(self.server.output())}"
        self.url = require_loopback(self.server.base_url)
        return None

    def stop(self):
        if self.server:
            self.server.stop()
        self.sink.stop()
        if self.own_databases:
            self.databases.cleanup()
        self.scratch.cleanup()


class FreshDatabases:
    """One `flask db upgrade` per set of migrations in a run: the servers of a
    step and of its weak twins (the same migrations/, their own authapp/) each
    start from a copy of one fresh, upgraded database file."""

    def __init__(self):
        self.lock, self.made = threading.Lock(), {}  # migrations' digest -> [lock, upgraded file or None, problem]
        self.scratch = tempfile.TemporaryDirectory(prefix="lab-databases-")

    def upgraded(self, app):
        """Give `app` its fresh, upgraded database; a message if `flask db upgrade` failed."""
        key = migrations_digest(app.folder)
        with self.lock:
            entry = self.made.setdefault(key, [threading.Lock(), None, None])
        with entry[0]:  # the first app of these migrations upgrades; the others wait, then copy
            if entry[1] is None and entry[2] is None:
                upgrade = appserver.upgrade(app.folder, app.env, app.python)
                if upgrade.returncode != 0:
                    entry[2] = f"`flask db upgrade` failed: {liveapp.last_error(upgrade.stdout)}"
                else:
                    entry[1] = Path(self.scratch.name) / f"{key}.sqlite"
                    shutil.copyfile(app.database, entry[1])
                return entry[2]
        if entry[2] is None:
            shutil.copyfile(entry[1], app.database)
        return entry[2]

    def cleanup(self):
        self.scratch.cleanup()


def migrations_digest(folder):
    """What the upgrade reads: every file of the folder's migrations/ (not Python's caches)."""
    digest = hashlib.sha256()
    for path in sorted((Path(folder) / "migrations").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Target:
    """What an attack gets: one app, seen through this attack's budget."""

    def __init__(self, app, budget):
        self.app, self.budget = app, budget
        self.url, self.step = require_loopback(app.url), app.step

    @property
    def provider(self):
        """The run's test OpenID provider (provider_process.ProviderProcess); Missing without one."""
        if self.app.provider is None:
            raise Missing(f"no OpenID provider for this run: {why_no_provider()}")
        return self.app.provider

    def client(self, name="attacker", address=None):
        return Client(self, name, address)

    def mails(self, to=None):
        """The mails the app sent (to one address, or all), newest last."""
        return [mail for mail in self.app.sink.mails if to is None or mail.to == to]

    def wait_for_mail(self, to, count=1):
        """The newest mail to `to` once at least `count` have arrived (the app
        sends mail from a thread of its own); Missing if none comes in time."""
        with self.app.sink.changed:
            arrived = self.app.sink.changed.wait_for(lambda: len(self.mails(to)) >= count,
                                                     timeout=max(0.1, self.budget.seconds_left()))
        if not arrived:
            raise Missing(f"no mail reached {to} (the target sent {len(self.mails(to))})")
        return self.mails(to)[-1]

    @staticmethod
    def link_token(mail, kind):
        """The token of the link in `mail` whose path ends with `kind` ("reset-password")."""
        for url in re.findall(r"https?://\S+", mail.body):
            parts = urllib.parse.urlsplit(url)
            if parts.path.rstrip("/").endswith(kind):
                tokens = urllib.parse.parse_qs(parts.query).get("token")
                if tokens:
                    return tokens[0]
        raise Missing(f"the mail {mail.subject!r} has no {kind} link with a token")

    def flask(self, *args, input=None):  # noqa: A002 (subprocess's own name for it)
        """Run `flask --app authapp ARGS` in the target's folder, on its database (set-up only)."""
        return subprocess.run(appserver.flask(self.app.python, *args, app=self.app.app_spec), cwd=str(self.app.folder),
                              env=self.app.env,
                              input=input, capture_output=True, text=True, timeout=60)

    def stolen_database(self):
        """A read-only connection to the target's SQLite file: what a leaked
        backup, a read replica or one SQL injection gives an attacker. Only the
        lab's own temporary database, never a learner's instance/."""
        return sqlite3.connect(f"file:{self.app.database}?mode=ro", uri=True)

    def verified_user(self, username, email, password):
        """Register (and, from step 06, follow the verification link); the user JSON."""
        setup = self.client("setup")
        answer = setup.post("/auth/register", json={"username": username, "email": email, "password": password})
        if answer.status != 201:
            raise Missing(f"registering {username} answered {answer.status} {answer.text.strip()[:200]}")
        if int(self.step[:2]) >= 6:
            token = self.link_token(self.wait_for_mail(email), "verify-email")
            # From step 06 on, a link needs the password of the account it verifies too.
            verified = setup.post("/auth/verify-email", json={"token": token, "password": password})
            if verified.status != 200:
                raise Missing(f"following {username}'s verification link answered {verified.status}")
        return answer.json["user"]


def at_once(*requests, timeout=20):
    """Run the functions in `requests` in threads held at a barrier, so that
    they all set off together; their results in order (an exception is returned,
    not raised). This is how two clicks of one link reach the server together."""
    barrier = threading.Barrier(len(requests), timeout=timeout)
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            results[index] = request()
        except Exception as error:  # noqa: BLE001 (returned, so the attack sees what failed)
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, r), name=f"at-once-{i}") for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + REQUEST_TIMEOUT)
    return results


# ---------------------------------------------------------------- one attack, one target


@dataclass
class Result:
    verdict: str  # "got through", "held", "missing", "out of bounds", "broken"
    evidence: list
    requests: int
    seconds: float


def run_attack(attack, app):
    """Run attack.attack() against `app` within its bounds; a Result."""
    budget = Budget(attack.MAX_REQUESTS, attack.MAX_SECONDS)
    box = {}

    def work():
        try:
            box["outcome"] = attack.attack(Target(app, budget))
        except BaseException as error:  # noqa: BLE001 (reported below, whatever it is)
            box["error"] = error

    thread = threading.Thread(target=work, name="attack", daemon=True)
    thread.start()
    thread.join(attack.MAX_SECONDS)
    if thread.is_alive():  # its next request is refused; the daemon thread dies with the process
        budget.stop(f"stopped after {attack.MAX_SECONDS} s: MAX_SECONDS is {attack.MAX_SECONDS}")
        return Result("out of bounds", [budget.stopped], budget.used, budget.seconds())
    return judged(box, budget)


def judged(box, budget):
    error = box.get("error")
    if isinstance(error, NotLoopback):
        raise error
    if isinstance(error, OutOfBounds):
        return Result("out of bounds", [str(error)], budget.used, budget.seconds())
    if isinstance(error, Missing):
        return Result("missing", [str(error)], budget.used, budget.seconds())
    if error is not None:
        where = traceback.format_exception(error)[-2:]
        return Result("broken", [line.rstrip() for line in "".join(where).splitlines()], budget.used,
                      budget.seconds())
    outcome = box.get("outcome")
    if not isinstance(outcome, Outcome) or not isinstance(outcome.got_through, bool):
        return Result("broken", [f"attack() returned {outcome!r}, not a lab.Outcome"], budget.used, budget.seconds())
    verdict = "got through" if outcome.got_through else "held"
    return Result(verdict, [str(line) for line in outcome.evidence], budget.used, budget.seconds())


# ---------------------------------------------------------------- finding the labs


def lab_folder(step):
    return LABS / step.name


def attacks_of(step):
    """The attack modules of a step's lab, in name order."""
    if str(LABS) not in sys.path:
        sys.path.insert(0, str(LABS))  # so that an attack's `import lab` finds this module
    sys.modules.setdefault("lab", sys.modules[__name__])
    modules = []
    for path in sorted(lab_folder(step).glob("attack_*.py")):
        spec = importlib.util.spec_from_file_location(f"lab_{step.name[:2]}_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.PATH = path
        modules.append(module)
    return modules


def title(attack):
    return (attack.__doc__ or attack.PATH.stem).strip().splitlines()[0]


def patch_of(attack):
    """The weak_<what>.patch of an attack_<what>.py (or the file its PATCH names)."""
    name = getattr(attack, "PATCH", None) or "weak_" + attack.PATH.stem[len("attack_"):] + ".patch"
    return attack.PATH.parent / name


# ---------------------------------------------------------------- patches, without git or patch(1)
# One reader and applier for the labs' weak_*.patch and the steps' moves: tools/patches.py.
PatchDoesNotApply, parse_patch, apply_patch = patches.PatchDoesNotApply, patches.parse_patch, patches.apply_patch


def patched_copy(step, patch, into):
    """A copy of `step` (same folder name, so GET / names it) with `patch` applied."""
    copy = Path(into) / step.name
    shutil.copytree(step, copy, ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS, "*.sqlite"))
    apply_patch(patch, copy)
    return copy


# ---------------------------------------------------------------- the runner


class Apps:
    """The servers of one run, started when first needed and shared by the
    attacks that attack the same thing (one server per target per step)."""

    def __init__(self, step, copy=None, app=appserver.APP):
        self.step, self.copy, self.started, self.app_spec = step, copy, {}, app
        self.databases = FreshDatabases()
        self.scratch = tempfile.TemporaryDirectory(prefix="lab-weak-")
        self.provider = None

    def plan(self, attack, side):
        """(key, label, make) of the app `attack` meets on `side` ("weak" or "target")."""
        if side == "target" and self.copy:
            return ("copy",), f"your copy, {liveapp.shown(self.copy)}", lambda: self.serve(self.copy, self.step)
        if side == "target":
            return ("step",), f"steps/{self.step.name}", lambda: self.serve(self.step, self.step)
        if attack.WEAK == "previous":
            previous = steps.neighbour(self.step, -1)
            return ("previous",), f"the step before, steps/{previous.name}", lambda: self.serve(previous, previous)
        patch = patch_of(attack)
        return (("patch", patch.name), f"steps/{self.step.name} with {patch.name} (its defence undone)",
                lambda: self.serve(patched_copy(self.step, patch, Path(self.scratch.name) / patch.stem), self.step))

    def serve(self, folder, step):
        return App(folder, step.name, app=self.app_spec, databases=self.databases, provider=self.provider)

    def start_all(self, attacks, sides):
        """Start every app the run needs at once: each start waits mostly on its own process."""
        self.provider = start_provider(attacks, Path(self.scratch.name) / "provider")
        plans = {}
        for attack in attacks:
            for side in sides:
                key, label, make = self.plan(attack, side)
                plans.setdefault(key + own(attack), (label, make))
        threads = [threading.Thread(target=self.get, args=(key, label, make), name=f"start {key}")
                   for key, (label, make) in plans.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def app(self, attack, side):
        """(App or None, its label, why it did not start or None)."""
        key, label, make = self.plan(attack, side)
        return self.get(key + own(attack), label, make)

    def get(self, key, label, make):
        if key not in self.started:
            try:
                app = make()
            except (PatchDoesNotApply, OSError) as error:
                self.started[key] = (None, label, f"could not prepare it: {error}")
            else:
                self.started[key] = (app, label, app.start())
        return self.started[key]

    def stop(self):
        for app, _, _ in self.started.values():
            if app:
                app.stop()
        if self.provider is not None:
            self.provider.stop()
        self.databases.cleanup()
        self.scratch.cleanup()


# ---------------------------------------------------------------- a test OpenID provider (step 12 on)
# An attack that lists PROVIDER_ACCOUNTS signs in with "Sign in with": the run
# starts the repository's test provider (oidc-provider/) once, with every such
# account, and every app of the run is configured for it. A native client: the
# provider accepts its loopback redirect URI on any port (RFC 8252), and an
# app's port is known only once it runs.
LAB_CLIENT = {"client_id": "flask-auth-lab", "client_secret": "a-lab-secret-" + "x" * 24,
              "application_type": "native", "redirect_uris": ["http://127.0.0.1/auth/oidc/callback"]}


def provider_process():
    """oidc-provider/provider_process.py, found by path (a folder, not a package)."""
    folder = str(ROOT / "oidc-provider")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import provider_process as module  # noqa: PLC0415
    return module


def why_no_provider():
    return provider_process().why_no_provider() or "no attack of this lab asked for one"


def start_provider(attacks, folder):
    """The run's provider, or None when no attack needs one or it can't run here."""
    accounts = [account for attack in attacks for account in getattr(attack, "PROVIDER_ACCOUNTS", [])]
    if not accounts or provider_process().why_no_provider():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return provider_process().ProviderProcess.start({"clients": [LAB_CLIENT], "accounts": accounts}, folder)


def provider_settings(provider):
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": LAB_CLIENT["client_id"],
            "OIDC_CLIENT_SECRET": LAB_CLIENT["client_secret"]}


def own(attack):
    """A key part that gives an attack servers of its own when it sets OWN_SERVERS = True:
    rate-limit counters live in the server, so attacks that fill them must not share one."""
    return (attack.PATH.name,) if getattr(attack, "OWN_SERVERS", False) else ()


class Printer:
    """The run's output, coloured on a terminal; also kept for --record."""

    COLOURS = {"red": "\033[31;1m", "green": "\033[32;1m", "yellow": "\033[33;1m", "end": "\033[0m"}

    def __init__(self, colour):
        self.colour, self.lines = colour, []
        self.weak = set()  # which lines tell of a weak target (VARIES applies to them)

    def __call__(self, text="", colour=None, weak=False):
        if weak:
            self.weak.add(len(self.lines))
        self.lines.append(text)
        if colour and self.colour:
            text = self.COLOURS[colour] + text + self.COLOURS["end"]
        print(text, flush=True)


VERDICTS = {  # verdict -> (on the weak target, on the target): the words and their colour
    "got through": (("RED", "the attack got through, as expected", "red"),
                    ("RED", "the attack got through: this defence is missing", "red")),
    "held": (("??", "the weak target held: this lab is broken, please report it", "yellow"),
             ("GREEN", "the target held", "green")),
    "missing": (("??", "the weak target can't be attacked this way: this lab is broken", "yellow"),
                ("RED", "the target can't be attacked this way yet: the feature is missing", "red")),
    "out of bounds": (("??", "the attack went out of its bounds and was stopped", "yellow"),
                      ("??", "the attack went out of its bounds and was stopped", "yellow")),
    "broken": (("??", "the attack itself failed", "yellow"), ("??", "the attack itself failed", "yellow")),
}


def report(say, where, app_label, url, result, on_target):
    tag, words, colour = VERDICTS[result.verdict][1 if on_target else 0]
    say(f"   {where}: {app_label}, on {url}")
    requests = f"{result.requests} request{'s' if result.requests != 1 else ''}"
    say(f"   {tag:<5} {words} ({requests}, {result.seconds:.1f} s)", colour)
    for line in result.evidence:
        say(f"         {line}", weak=not on_target)


def run_one(say, apps, attack, side):
    """Run `attack` on one side ("weak" or "target"); its Result (or a broken one)."""
    app, label, problem = apps.app(attack, side)
    where = "weak target" if side == "weak" else "target"
    if problem:
        result = Result("missing" if side == "target" else "broken", [problem], 0, 0.0)
        report(say, where, label, "(did not start)", result, side == "target")
        return result
    result = run_attack(attack, app)
    report(say, where, label, app.url, result, side == "target")
    return result


def run_lab(step, copy=None, sides=("weak", "target"), colour=False, app=appserver.APP):
    """Run every attack of the step's lab; (exit status, the Printer, results).
    `app` is what each server's `flask --app` loads (CHEAP_HASHES in the tests)."""
    say = Printer(colour)
    attacks = attacks_of(step)
    say(f"$ {suggest('attack', step.name[:2], dir=liveapp.shown(copy) if copy else None)}")
    say(f"{len(attacks)} attack{'s' if len(attacks) != 1 else ''} from labs/{step.name}/, each first on a weak "
        f"target, then on {'your copy' if copy else 'the step'}.")
    apps, results = Apps(step, copy, app), []
    try:
        apps.start_all(attacks, sides)
        for number, attack in enumerate(attacks, start=1):
            say()
            say(f"{number}. {title(attack)}  ({attack.PATH.name}: at most {attack.MAX_REQUESTS} requests, "
                f"{attack.MAX_SECONDS} s)")
            entry = {"attack": attack.PATH.name}
            for side in sides:
                entry[side] = run_one(say, apps, attack, side).verdict
            results.append(entry)
    finally:
        apps.stop()
    return summary(say, step, copy, sides, results), say, results


def summary(say, step, copy, sides, results):
    say()
    if "target" not in sides:
        return 0
    who = "Your copy" if copy else f"steps/{step.name}"
    held = [entry for entry in results if entry["target"] == "held"]
    if len(held) == len(results):
        say(f"{who} held {['the attack', 'both attacks'][len(results) - 1] if len(results) < 3 else 'every attack'}.",
            "green")
        return 0
    say(f"{who} held {len(held)} of {len(results)} attacks: read labs/{step.name}/README.md, "
        f"then the step's page.", "red")
    return 1


# ---------------------------------------------------------------- recordings for the docs ("Break it")


def normalised(printed, step):
    """The run as recorded for the page: ports and seconds, which change on
    every run, replaced; and, on the weak targets, what an attack lists in VARIES."""
    varies = [pattern for attack in attacks_of(step) for pattern in getattr(attack, "VARIES", ())]
    lines = [f"$ make attack STEP={step.name[:2]}"]  # however it was typed
    for index, line in enumerate(printed.lines[1:], start=1):
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", line)
        line = re.sub(r"\d+\.\d s\)", "<seconds> s)", line)
        for pattern in varies if index in printed.weak else ():
            line = re.sub(pattern, lambda match: match[0].replace(match[1], "<varies>"), line)
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


def recording_path(step):
    return RECORDINGS / f"{step.name}.txt"


# ---------------------------------------------------------------- command line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="attack", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="2, 02 or 02-register-login")
    parser.add_argument("--dir", help="your copy of the step: a folder that holds authapp/")
    sides = parser.add_mutually_exclusive_group()
    sides.add_argument("--weak-only", action="store_true", help="only the weak target")
    sides.add_argument("--target-only", action="store_true", help="only the step (or your copy)")
    parser.add_argument("--record", action="store_true", help=f"write the run to {RECORDINGS.relative_to(ROOT)}/")
    parser.add_argument("--results", help="write each attack's verdicts to this JSON file (for the tests)")
    parser.add_argument("--record-to", help="write the recording to this file instead (for the tests)")
    parser.add_argument("--cheap-hashes", action="store_true",
                        help="hash passwords at the testing config's tiny scrypt cost (for the tests)")
    args = parser.parse_args(argv)
    step, copy = chosen(args)
    sides = ("weak",) if args.weak_only else ("target",) if args.target_only else ("weak", "target")
    if args.record and (copy or sides != ("weak", "target") or args.cheap_hashes):
        raise SystemExit(usage("--record keeps a whole run of the step for its page: leave out --dir, "
                               "--weak-only, --target-only and --cheap-hashes."))
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not args.record
    try:
        app = CHEAP_HASHES if args.cheap_hashes else appserver.APP
        status, printed, results = run_lab(step, copy, sides, colour, app)
    except NotLoopback:
        return 2
    if args.results:
        Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.record_to:
        Path(args.record_to).write_text(normalised(printed, step), encoding="utf-8")
    if args.record:
        recording_path(step).parent.mkdir(parents=True, exist_ok=True)
        recording_path(step).write_text(normalised(printed, step), encoding="utf-8")
        print(f"wrote {recording_path(step).relative_to(ROOT)}")
    return status


def chosen(args):
    """(step folder, the learner's copy or None); exit status 2 with a message on misuse."""
    labbed = [step for step in steps.all_steps() if lab_folder(step).is_dir()]
    if not args.step:
        raise SystemExit(usage(f"Which step? The steps with a lab: {names(labbed)}."))
    try:
        step = steps.find_step(args.step)
    except steps.NoSuchStep as problem:
        raise SystemExit(usage(str(problem))) from None
    if step not in labbed:
        raise SystemExit(usage(f"Step {step.name} has no lab yet. The steps with a lab: {names(labbed)}."))
    copy = None
    if args.dir:
        copy = Path(args.dir).expanduser().resolve()
        if not (copy / "authapp").is_dir():
            raise SystemExit(usage(f"There is no authapp/ in {args.dir}: give the folder that holds your copy "
                                   f"of step {step.name} (for example workspace/{step.name})."))
    return step, copy


def names(found):
    return ", ".join(step.name for step in found) or "none yet"


def usage(message):
    print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
