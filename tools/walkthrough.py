"""`make try STEP=03`: run a step's walkthrough (the curl session its page
shows) against the step served on a free port with a fresh database.

The work is done by scripts/walkthroughs.py; this only accepts the step as
3, 03 or 03-sessions, refuses a step that doesn't exist, and says what is
missing when bash or curl isn't there (the walkthroughs are bash scripts).
"""
import argparse
import shutil
import subprocess
import sys

from tools import steps
from tools.commands import suggest


def main(argv=None):
    parser = argparse.ArgumentParser(prog="try", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="3, 03 or 03-sessions")
    parser.add_argument("--url", help="run the commands against a server you started, e.g. http://127.0.0.1:5001")
    args = parser.parse_args(argv)
    if not args.step:
        print(f"Which step? For example: {suggest('try', '3')}")
        return 2
    step = steps.find_step(args.step)
    missing = [program for program in ("bash", "curl") if not shutil.which(program)]
    if missing:
        print(f"The walkthroughs are bash scripts that call curl, and {' and '.join(missing)} "
              f"{'is' if len(missing) == 1 else 'are'} not installed here.\n"
              f"On Windows, run this from Git Bash (it has both), or read the walkthrough on the step's page.")
        return 2
    script = steps.ROOT / "scripts" / "walkthroughs.py"
    url = ["--url", args.url] if args.url else []
    return subprocess.call([sys.executable, str(script), steps.number(step), *url], cwd=steps.ROOT)


if __name__ == "__main__":
    sys.exit(main())
