"""Run a step, or your own copy of one, with its database upgraded first.

    make run                                  # the last step on http://127.0.0.1:5000
    make run STEP=3 PORT=5001                 # step 03 on port 5001 (macOS: AirPlay takes 5000)
    make run STEP=3 FRESH=1                   # step 03 on a fresh, empty database
    make run DIR=workspace/03-sessions        # your copy, with its own database
    python3 -m tools run 3 --dir workspace/03-sessions --port 5001 --fresh     (Windows: py -m tools ...)

The database is the SQLite file in the folder's instance/ (or DATABASE_URL).
FRESH=1 (--fresh) deletes that file first, so a page's "Try it" can be run again
from the start: its first request registers a user, which a second run on the
same database would find taken (409).
"""
import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

from tools import bootstrap, reset, steps
from tools.commands import suggest

DEFAULT_PORT = 5000


def main(argv=None):
    parser = argparse.ArgumentParser(prog="run", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="3, 03 or 03-sessions (default: the last step)")
    parser.add_argument("--dir", help="your copy of a step: a folder that holds authapp/")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to be reachable from other machines")
    parser.add_argument("--fresh", action="store_true", help="start from a fresh, empty database")
    args = parser.parse_args(argv)

    folder = chosen_folder(args.step, args.dir)
    if not (folder / "authapp").is_dir():
        print(f"There is no authapp/ in {shown(folder)}: give the folder that holds your app "
              f"(for example {suggest('run', dir='workspace/03-sessions')}).")
        return 2
    busy = port_in_use(args.host, args.port)
    if busy:
        print(busy_message(args.host, args.port, args.step, args.dir))
        return 1
    if args.fresh:
        problem = start_fresh(folder)
        if problem:
            print(problem)
            return 1
    print(f"Upgrading the database of {shown(folder)} (flask --app authapp db upgrade) ...", flush=True)
    upgrade = subprocess.run(flask("db", "upgrade"), cwd=folder)
    if upgrade.returncode != 0:
        print(f"\nThe database upgrade failed (the error is above). To start again from an empty database: "
              f"{suggest('reset', dir=shown(folder)) if args.dir else suggest('reset', steps.number(folder))}")
        return 1
    print(f"\nRunning {shown(folder)} on http://{args.host}:{args.port}  (Ctrl+C to stop)\n"
          f"In another terminal: {suggest('client', port=args.port if args.port != DEFAULT_PORT else None)}"
          f" for the browser client, or curl http://{args.host}:{args.port}/\n", flush=True)
    server = subprocess.Popen(flask("run", "--host", args.host, "--port", str(args.port)), cwd=folder)
    return bootstrap.wait_ignoring_ctrl_c(server)


def start_fresh(folder):
    """Empty the folder's database (tools/reset.py); a message if it can't be done."""
    if os.environ.get("DATABASE_URL"):
        return ("A fresh start only empties the SQLite file in instance/, and DATABASE_URL is set in your shell, "
                "so the app would not use that file. Unset DATABASE_URL, or empty your database yourself.")
    busy = reset.in_use([folder])
    if busy:
        return ("No fresh start: a running server has this database open, and deleting it under that server "
                "would break it.\n" + "\n".join(busy) + "\nStop it first (Ctrl+C in its terminal).")
    report = reset.reset(folder)
    if "FAILED" in report:
        return report
    print(f"Fresh start: {report}.", flush=True)
    return None


def chosen_folder(step, directory):
    if directory:
        folder = Path(directory).expanduser()
        if not folder.is_dir():
            raise SystemExit(f"There is no folder {directory}. Your copies are in workspace/ "
                             f"({', '.join(p.name for p in sorted(Path('workspace').glob('[0-9]*'))) or 'none yet'}).")
        return folder.resolve()
    return steps.find_step(step) if step else steps.all_steps()[-1]


def flask(*words):
    return [sys.executable, "-m", "flask", "--app", "authapp", *words]


def port_in_use(host, port):
    """True if something already answers on the port, or it can't be taken."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(("127.0.0.1" if host in ("0.0.0.0", "") else host, port)) == 0:
            return True
    with socket.socket() as trial:
        if os.name != "nt":
            trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Werkzeug does
        try:
            trial.bind((host, port))
        except OSError:
            return True
    return False


def free_port_from(host, start):
    for port in range(start, start + 100):
        if not port_in_use(host, port):
            return port
    return start


def busy_message(host, port, step=None, directory=None):
    other = free_port_from(host, port + 1)
    lines = [f"Port {port} is already in use, so the app can't listen there."]
    if sys.platform == "darwin" and port == 5000:
        lines.append("On macOS, that is usually AirPlay Receiver (System Settings > General > AirDrop & Handoff).")
    else:
        lines.append("Another step may still be running in another terminal: stop it with Ctrl+C.")
    lines.append(f"Or use another port: {suggest('run', step, dir=directory, port=other)}  (the client follows it: "
                 f"{suggest('client', port=other)})")
    return "\n".join(lines)


def shown(path):
    path = Path(path).resolve()
    return str(path.relative_to(steps.ROOT)) if steps.ROOT in path.parents else str(path)


if __name__ == "__main__":
    sys.exit(main())
