"""Is this machine ready for the workshop? A quick check, in seconds, that sets
up what is missing on the way (the app's pins and pytest, not the docs tools):

    make doctor                 # or: python3 -m tools doctor   (Windows: py -m tools doctor)
    make doctor STEP=3 PORT=5001

It looks at Python, the venv module, .venv, the ports the workshop uses,
the programs the commands call, and runs a step for real: a fresh database,
its migrations, `flask run`, and a register and login over HTTP.
Every line that isn't "ok" says what to do. (Any Python 3.8+.)
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

from tools import bootstrap, liveapp, steps
from tools.commands import suggest


class Checklist:
    def __init__(self):
        self.problems = 0

    def ok(self, text):
        print("  ok    " + text, flush=True)

    def fix(self, text):
        self.problems += 1
        print("  FIX   " + text.replace("\n", "\n        "), flush=True)

    def note(self, text):
        print("  note  " + text.replace("\n", "\n        "), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="doctor", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="the step to run (default: the last)")
    parser.add_argument("--port", type=int, default=5000, help="the port you will run the API on")
    args = parser.parse_args(argv)
    step = steps.find_step(args.step) if args.step else steps.all_steps()[-1]
    print("Checking this machine for the workshop ...", flush=True)
    report = Checklist()
    python = check_python(report)
    if python and check_venv_module(report, python):
        venv_python = check_install(report)
        if venv_python:
            check_step_runs(report, venv_python, step)
    check_ports(report, args.port)
    check_programs(report)
    check_network_settings(report)
    print()
    if report.problems:
        print("%d thing%s to fix (the FIX lines above), then run %s again." % (
            report.problems, "" if report.problems == 1 else "s", suggest("doctor")))
        return 1
    print("Ready for the workshop. Next: %s, or %s to write step 01 yourself." % (
        suggest("run"), suggest("start", "01")))
    return 0


def check_python(report):
    try:
        command, version = bootstrap.choose_python()
    except bootstrap.Problem as problem:
        report.fix(str(problem))
        return None
    report.ok("Python %s (%s)" % (bootstrap.version_text(version), " ".join(command)))
    return command


def check_venv_module(report, python):
    result = subprocess.run(python + ["-c", "import venv, ensurepip"], capture_output=True, text=True)
    if result.returncode != 0 and not bootstrap.venv_python().exists():
        version = bootstrap.version_of(python) or (3, 11)
        report.fix("This Python has no venv module with pip, so it can't make .venv.\n"
                   "Debian/Ubuntu: sudo apt install python%d.%d-venv   (or python3-venv)" % version[:2])
        return False
    return True


def check_install(report):
    state, version = bootstrap.inspect_venv(bootstrap.venv_dir())
    try:
        python = bootstrap.ensure(["check"])
    except bootstrap.Problem as problem:
        report.fix(str(problem))
        return None
    done = "" if state == "ok" else " (just made)"
    report.ok("%s%s: Python %s, the app's packages and pytest installed" % (
        bootstrap.shown(bootstrap.venv_dir()), done, bootstrap.version_text(bootstrap.version_of([str(python)]))))
    return python


def check_step_runs(report, python, step):
    started = time.monotonic()
    findings = liveapp.prove_it_runs(step, python, step.name, limit=30)
    if findings:
        report.fix("Step %s doesn't run here:\n%s" % (step.name, "\n".join(
            [findings[0].title] + findings[0].lines)))
    else:
        report.ok("step %s runs: fresh database, migrations, flask run, register and log in (%.1f s)" % (
            step.name, time.monotonic() - started))


def port_busy(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return True
    with socket.socket() as trial:
        if os.name != "nt":
            trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            trial.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_ports(report, api_port):
    for port, use, fix in [
            (api_port, "the API (make run)", "use another: %s and %s" % (
                suggest("run", port=api_port + 1), suggest("client", port=api_port + 1))),
            (3000, "the browser client (make client)", "stop what uses it; the API allows only :3000 by default")]:
        if not port_busy(port):
            report.ok("port %d is free for %s" % (port, use))
            continue
        why = " (on macOS: AirPlay Receiver; System Settings > General > AirDrop & Handoff)" \
            if sys.platform == "darwin" and port == 5000 else " (another step still running?)"
        report.note("port %d is in use%s: %s" % (port, why, fix))


def check_programs(report):
    if not shutil.which("make"):
        report.note("make isn't installed: type `%s -m tools <command>` where the guide says `make <command>`%s" % (
            bootstrap.launcher(), " (or install Xcode's command line tools: xcode-select --install)"
            if sys.platform == "darwin" else ""))
    for program, use in [("git", "to update the repository"), ("curl", "to try the API by hand (the READMEs)"),
                         ("bash", "for `make try` and the walkthroughs (Windows: Git Bash)")]:
        if not shutil.which(program):
            report.note("%s isn't installed: needed %s" % (program, use))


def check_network_settings(report):
    proxies = [name for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy") if os.environ.get(name)]
    if proxies:
        report.note("a proxy is set (%s): pip uses it; if installs fail, check it" % proxies[0])
    if bootstrap.WHEELHOUSE.is_dir():
        report.note("wheelhouse/ is here: installs use it first (OFFLINE=1 forbids the internet)")


if __name__ == "__main__":
    sys.exit(main())
