"""`make test`: every step's suite, the repository checks and the strict docs
build, with .venv's Python (python3 -m tools test; Windows: py -m tools test).
Extra arguments go to pytest: `python3 -m tools test -k walkthrough -x`, or
`python3 -m tools test tests/test_workshop.py` for one file.
"""
import shutil
import subprocess
import sys

from tools import steps


def main(argv=None):
    missing = [program for program in ("bash", "curl") if not shutil.which(program)]
    if missing:
        print(f"Note: {' and '.join(missing)} not found. The walkthrough tests run each step's walkthrough.sh "
              f"(bash and curl) and will fail; on Windows, run this from Git Bash.", flush=True)
    # Without file names, pytest.ini's testpaths (tests/) says what to run.
    return subprocess.call([sys.executable, "-m", "pytest", *(argv or [])], cwd=steps.ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
