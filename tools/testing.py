"""`make test`: ruff's lint first (a second; ruff.toml), then every step's
suite, the repository checks and the strict docs build, with .venv's Python
(python3 -m tools test; Windows: py -m tools test).

The repository checks run on every core (pytest-xdist, `--dist loadscope`):
each group of tests runs whole in one worker (tests/conftest.py), so what a
module builds is built once, and the outcome of every test is the same as in
a run on one core. At the end, a table says where the time went.

A check whose inputs are the same as when it last passed is re-used, not
run (tests/memo.py; the record is build/test-record.json). `FRESH=1` (`make
test FRESH=1`) or `CI=true` runs everything. The last line gives the CPU
seconds of the whole run (every process it started), the measure to compare
on a busy machine.

Extra arguments go to pytest: `python3 -m tools test -k walkthrough -x`, or
`python3 -m tools test tests/test_workshop.py` for one file (no lint then).
`-n 0` runs on one core (needed for --pdb).
"""
import os
import shutil
import subprocess
import sys
import time

from tools import steps

PARALLEL = ["-n", "auto", "--dist", "loadscope", "--no-loadscope-reorder"]


def lint():
    """ruff on the whole repository; True when it is clean."""
    print("ruff check (ruff.toml) ...", flush=True)
    return subprocess.call([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=steps.ROOT) == 0


def pytest_command(argv):
    chosen = any(arg in ("-n", "--numprocesses", "--pdb", "no:xdist") or arg.startswith(("-n", "--numprocesses="))
                 for arg in argv)  # the caller's own choice of workers, or none
    # Without file names, pytest.ini's testpaths (tests/) says what to run.
    return [sys.executable, "-m", "pytest", *([] if chosen else PARALLEL), *argv]


def main(argv=None):
    argv = list(argv or [])
    missing = [program for program in ("bash", "curl") if not shutil.which(program)]
    if missing:
        print(f"Note: {' and '.join(missing)} not found. The walkthrough tests run each step's walkthrough.sh "
              f"(bash and curl) and will fail; on Windows, run this from Git Bash.", flush=True)
    if not argv and not lint():
        print("ruff found the problems above: fix them (`ruff check --fix` fixes some), then run the tests again.")
        return 1
    started = time.monotonic()
    code = subprocess.call(pytest_command(argv), cwd=steps.ROOT, env={**os.environ, "TEST_MEMO": "1"})
    print(f"make test: {time.monotonic() - started:.1f} s of wall time, {cpu_of_children():.1f} CPU seconds "
          f"(user + system, every process of the run)")
    return code


def cpu_of_children():
    """CPU seconds of the processes this one started and waited for (0 on Windows, which lacks resource)."""
    try:
        import resource  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
