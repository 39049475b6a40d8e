"""Every command, once: what it does, what it needs installed, and how to type it
with make and without (`python3 -m tools ...`; on Windows `py -m tools ...`).

`make help` and `python3 -m tools help` print this table; the messages of the
commands use `suggest()` so that they name the form the learner typed.
(Any Python 3.8+: help works even before a good Python is installed.)
"""
import os
from collections import namedtuple

Command = namedtuple("Command", "name module needs summary make_form tools_form")

COMMANDS = [
    Command("help", None, None, "list the commands (this page)", "make help", "help"),
    Command("doctor", "tools.doctor", None,
            "is this machine ready? Python, .venv, ports, a step that runs (seconds)",
            "make doctor", "doctor"),
    Command("setup", None, ("check",),
            "make .venv and install the pins for run and check (DEV=1: for test; OIDC=1: step 12's provider)",
            "make setup [DEV=1] [OIDC=1]", "setup [--dev] [--oidc]"),
    Command("run", "tools.run", ("app",),
            "run a step (default: the last), or your copy with DIR=, on PORT= (default 5000); FRESH=1: empty database",
            "make run [STEP=3] [DIR=workspace/03-sessions] [PORT=5001] [FRESH=1]",
            "run [3] [--dir DIR] [--port 5001] [--fresh]"),
    Command("start", "tools.start", ("app",),
            "copy the previous step into workspace/NN-name: write step NN there yourself",
            "make start STEP=3 [FORCE=1] [FROM=workspace/02-register-login]", "start 3 [--force] [--from DIR]"),
    Command("check", "tools.check", ("check",),
            "run step NN's tests on your copy, prove it runs, explain each failure",
            "make check [STEP=3] [DIR=path] [MOVE=2] [ALL=1] [TIMEOUT=20]",
            "check [3] [--dir DIR] [--move 2] [--all] [--timeout 20]"),
    Command("reset", "tools.reset", ("app",),
            "fresh, empty databases (every step, STEP=, or DIR=); refuses while a server uses one",
            "make reset [STEP=3] [DIR=path]", "reset [3] [--dir DIR]"),
    Command("try", "tools.walkthrough", ("app",),
            "run a step's walkthrough (its page's curl session) against a fresh database",
            "make try STEP=3", "try 3"),
    Command("attack", "tools.attack", ("check",),
            "the attack lab: break a weak version of step NN, then watch the step (or your copy) hold",
            "make attack STEP=2 [DIR=workspace/02-register-login]", "attack 2 [--dir DIR]"),
    Command("client", "tools.client", None,
            "serve the browser client on http://localhost:3000, talking to the API on PORT=",
            "make client [PORT=5001]", "client [--port 5001]"),
    Command("checklists", "tools.checklists", ("dev",),
            "a printable checklist per step in build/checklists/", "make checklists", "checklists"),
    Command("wheelhouse", "tools.wheelhouse", ("app",),
            "download every pinned package into wheelhouse/ for a room without internet",
            "make wheelhouse [FOR=all]", "wheelhouse [--for all]"),
    Command("test", "tools.testing", ("dev",),
            "every test of the repository, as CI runs them", "make test", "test"),
]

# Make targets that are not commands of their own (they need the full install
# and run from the repository root; see the Makefile).
MAKE_ONLY = [
    ("make docs", "the documentation site on http://127.0.0.1:8000"),
    ("make site", "build the site into site/: open site/index.html from the files (a USB stick)"),
    ("make diffs", "regenerate docs/diffs/ after changing a step"),
    ("make walkthroughs", "record every step's walkthrough for the docs"),
    ("make screenshots", "refresh the browser client's screenshots"),
    ("make test-production", "step 05 on PostgreSQL, Redis and gunicorn"),
    ("make bench", "the performance report"),
    ("make lint", "ruff on the whole repository (make test runs it first)"),
]


def find(name):
    for command in COMMANDS:
        if command.name == name:
            return command
    return None


def launcher():
    return "py" if os.name == "nt" else "python3"


def via_make():
    """True when the learner typed `make ...` (the Makefile says so)."""
    return os.environ.get("TOOLS_VIA") == "make"


def suggest(name, step=None, **options):
    """The command line to type, in the form the learner is using:
    suggest("check", "03", dir="w/03") -> `make check STEP=03 DIR=w/03`
    or `python3 -m tools check 03 --dir w/03`. A True option is a flag."""
    if via_make():
        words = ["make", name] + (["STEP=%s" % step] if step else [])
        for key, value in options.items():
            if value is True:
                words.append("%s=1" % key.upper())
            elif value not in (None, False):
                words.append("%s=%s" % (key.upper(), quote(value)))
    else:
        words = [launcher(), "-m", "tools", name] + ([str(step)] if step else [])
        for key, value in options.items():
            if value is True:
                words.append("--" + key.replace("_", "-"))
            elif value not in (None, False):
                words += ["--" + key.replace("_", "-"), quote(value)]
    return " ".join(words)


def quote(value):
    text = str(value)
    return '"%s"' % text if " " in text else text


def help_text():
    lines = [
        "Flask Auth, Step by Step: the commands. Type them from the repository root, either way:",
        "with make (Linux, macOS, WSL), or without it (%s -m tools ..., on any system)." % launcher(),
        "",
    ]
    for command in COMMANDS:
        lines += ["  %-11s %s" % (command.name, command.summary),
                  "  %-11s %s" % ("", command.make_form),
                  "  %-11s %s -m tools %s" % ("", launcher(), command.tools_form)]
    lines += ["", "Only with make (they need the full install; see the Makefile):"]
    lines += ["  %-22s %s" % (form, summary) for form, summary in MAKE_ONLY]
    lines += [
        "",
        "STEP takes 3, 03 or 03-sessions. Windows: type `py -m tools ...` (python3 may not exist there);",
        "Linux and macOS: `python3 -m tools ...`. Nothing needs the virtual environment activated.",
        "New here? Start with: %s" % ("make doctor" if via_make() else launcher() + " -m tools doctor"),
    ]
    return "\n".join(lines)
