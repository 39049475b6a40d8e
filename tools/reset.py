"""Fresh databases: delete instance/authapp.sqlite and build it again, empty,
with `flask --app authapp db upgrade`.

    make reset                          # every step
    make reset STEP=3                   # one step
    make reset DIR=workspace/03-sessions    # your copy
    python3 -m tools reset [3] [--dir DIR]   (Windows: py -m tools reset ...)

Only the default SQLite files in instance/ are touched (not a database that
DATABASE_URL points to). A database that a running server has open is never
deleted: reset stops and says which server to stop first.
"""
import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools import holders, steps
from tools.commands import suggest

DATABASE = "authapp.sqlite"


def reset(folder):
    database = folder / "instance" / DATABASE
    existed = database.exists()
    for companion in (database, *(database.with_name(DATABASE + suffix) for suffix in ("-journal", "-wal", "-shm"))):
        companion.unlink(missing_ok=True)
    environment = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "APP_CONFIG"}}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "authapp", "db", "upgrade"],
                            cwd=folder, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        return f"{shown(folder)}: db upgrade FAILED\n{result.stderr[-2000:]}"
    action = "deleted and rebuilt" if existed else "created"
    return f"{shown(folder)}: instance/{DATABASE} {action} (empty, at the latest migration)"


def in_use(folders):
    """Lines naming each database that a running program holds."""
    lines = []
    for folder in folders:
        for pid, command in holders.holders(folder / "instance" / DATABASE):
            who = f"process {pid}: {command}" if pid else command
            lines.append(f"  {shown(folder)}/instance/{DATABASE} is open in {who}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="reset", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="only this step: 3, 03 or 03-sessions (default: every step)")
    parser.add_argument("--dir", help="your copy instead (a folder that holds authapp/)")
    args = parser.parse_args(argv)
    if args.dir:
        folders = [Path(args.dir).resolve()]
        if not (folders[0] / "authapp").is_dir():
            print(f"There is no authapp/ in {args.dir}: nothing to reset.")
            return 2
    else:
        folders = [steps.find_step(args.step)] if args.step else steps.all_steps()
    busy = in_use(folders)
    if busy:
        print("Nothing was reset: a running server is using a database, and deleting it under the server would\n"
              "break that server (it would go on writing into a file nobody sees, then fail).\n"
              + "\n".join(busy)
              + "\nStop it first (Ctrl+C in its terminal), then run the same command again: "
              + (suggest("reset", args.step, dir=args.dir)))
        return 1
    if os.environ.get("DATABASE_URL"):
        print("Note: DATABASE_URL is set in your shell; reset ignores it and resets the instance/ files.")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        reports = list(pool.map(reset, folders))
    print("\n".join(reports))
    return 1 if any("FAILED" in report for report in reports) else 0


def shown(path):
    path = Path(path).resolve()
    return path.relative_to(steps.ROOT).as_posix() if steps.ROOT in path.parents else str(path)


if __name__ == "__main__":
    sys.exit(main())
