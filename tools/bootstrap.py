"""A good Python and the pinned packages in .venv, whatever Python was typed.

Every command goes through here first (tools/__main__.py). It runs on any
Python 3.8 or newer (no newer syntax in this file), so that it can say
clearly when that Python is too old instead of failing deep inside pip:

- it picks a Python that is new enough: the one running, or a newer one
  found on PATH (python3.13, python3.12, ...; on Windows `py -3.13`, ...);
- it rebuilds a .venv whose Python is too old or gone (a Python upgrade, a
  .venv made before with python3.10);
- it installs the exact pins a command needs, once: a stamp file in .venv
  holds a hash of the requirements, so a changed pin installs again;
- it installs from wheelhouse/ without the internet when that folder exists
  (`python3 -m tools wheelhouse` makes it; docs/instructor.md).
"""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

MINIMUM = (3, 11)
ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / "wheelhouse"

# What each kind of command needs. A level's file includes the ones before it.
LEVELS = {
    "app": ("requirements.txt", "the app's packages (Flask, SQLAlchemy, ...)"),
    "check": ("tools/requirements-check.txt", "the app's packages and pytest"),
    "dev": ("requirements-dev.txt", "everything for `make test` and the docs"),
    "prod": ("requirements-prod.txt", "the production profile's packages"),
}
INCLUDED = {"check": ["app"], "dev": ["app", "check"], "prod": ["app"]}

VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
NETWORK_TROUBLE = re.compile(r"NewConnectionError|Max retries exceeded|ConnectTimeout|ReadTimeout|ProxyError|"
                             r"Temporary failure in name resolution|Name or service not known|"
                             r"getaddrinfo failed|SSLError|CERTIFICATE_VERIFY_FAILED|Network is unreachable")


class Problem(Exception):
    """Something the learner must fix, with the message that says how."""

    def __init__(self, message, code=2):
        Exception.__init__(self, message)
        self.code = code


def version_text(version):
    return ".".join(str(part) for part in version)


def launcher():
    """How a learner starts Python here: `py` on Windows, `python3` elsewhere."""
    return "py" if os.name == "nt" else "python3"


def venv_dir():
    return Path(os.environ.get("TOOLS_VENV") or ROOT / ".venv")


def venv_python(venv=None):
    venv = venv or venv_dir()
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_program(name, venv=None):
    """A program that .venv installed (flask, pytest, mkdocs), by its path."""
    venv = venv or venv_dir()
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def running_inside(venv=None):
    """True when this very interpreter is the one in .venv."""
    venv = venv or venv_dir()
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def version_of(command):
    """(3, 11, 7) for a Python command (a list), or None if it doesn't run."""
    try:
        result = subprocess.run(command + ["-c", VERSION_CODE], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", result.stdout.strip())
    return tuple(int(part) for part in match.groups()) if result.returncode == 0 and match else None


def candidates():
    """Pythons to consider, best first: the one running, then newer ones by name."""
    found = [([sys.executable], tuple(sys.version_info[:3]))]
    names = ["python3.%d" % minor for minor in range(20, MINIMUM[1] - 1, -1)] + ["python3", "python"]
    seen = {os.path.realpath(sys.executable)}
    for name in names:
        path = shutil.which(name)
        if path and os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            version = version_of([path])
            if version:
                found.append(([path], version))
    if os.name == "nt" and shutil.which("py"):
        for minor in range(20, MINIMUM[1] - 1, -1):
            version = version_of(["py", "-3.%d" % minor])
            if version:
                found.append((["py", "-3.%d" % minor], version))
    return found


def choose_python():
    """The Python to build .venv with; a Problem that says what to install if none is new enough."""
    found = candidates()
    good = [(command, version) for command, version in found if version[:2] >= MINIMUM]
    if good:
        if good[0][0] != [sys.executable]:
            print("Your %s is Python %s; using %s (Python %s) instead." % (
                os.path.basename(sys.executable), version_text(sys.version_info[:3]),
                " ".join(good[0][0]), version_text(good[0][1])))
        return good[0][0], good[0][1]
    newest = max(found, key=lambda item: item[1])
    raise Problem(old_python_message(newest))


def old_python_message(newest):
    command, version = newest
    need = version_text(MINIMUM)
    return "\n".join([
        "This tutorial needs Python %s or newer, and the newest Python here is %s (%s)." % (
            need, version_text(version), " ".join(command)),
        "(Its pinned packages, SQLAlchemy 2.1 among them, don't install on older versions.)",
        "",
        "Install Python %s or newer, then run the same command again: it finds the new one." % need,
        "  Windows:        the installer from https://www.python.org/downloads/ , then type `py -m tools ...`",
        "  macOS:          the installer from https://www.python.org/downloads/ , or `brew install python@3.12`",
        "  Ubuntu/Debian:  sudo apt install python%s python%s-venv   (Ubuntu 22.04 has it too)" % (need, need),
        "If it is installed under a name I don't look for: make <command> PYTHON=/path/to/python3.12",
        "Nothing was installed, and .venv/ was left as it was.",
    ])


def inspect_venv(venv):
    """("missing" | "broken" | "old" | "ok", version or None)."""
    if not venv.exists():
        return "missing", None
    python = venv_python(venv)
    version = version_of([str(python)]) if python.exists() else None
    if version is None:
        return "broken", None
    if version[:2] < MINIMUM:
        return "old", version
    return "ok", version


def remove_venv(venv):
    if not (venv / "pyvenv.cfg").exists() and any(venv.iterdir()):
        raise Problem("%s is not a virtual environment I made, so I won't delete it.\n"
                      "Move it away (or delete it yourself), then run the command again." % venv)
    shutil.rmtree(venv)


def create_venv(command, version, venv):
    print("Creating %s with Python %s ..." % (shown(venv), version_text(version)), flush=True)
    result = subprocess.run(command + ["-m", "venv", str(venv)], capture_output=True, text=True)
    if result.returncode == 0 and venv_python(venv).exists():
        return
    output = result.stdout + result.stderr
    if venv.exists():
        shutil.rmtree(venv, ignore_errors=True)  # half made: next time starts clean
    if "ensurepip" in output or "No module named venv" in output:
        minor = "%d.%d" % version[:2]
        raise Problem("This Python can't make a virtual environment: its `venv` module (with pip) is missing.\n"
                      "  Debian/Ubuntu: sudo apt install python%s-venv   (or python3-venv)\n"
                      "Then run the same command again." % minor)
    raise Problem("Making the virtual environment failed:\n" + output[-2000:])


def ensure_venv():
    """The Python in a .venv that works and is new enough, making or rebuilding it if needed."""
    venv = venv_dir()
    state, version = inspect_venv(venv)
    if state == "ok":
        return venv_python(venv)
    command, chosen = choose_python()
    if state == "old":
        print("Rebuilding %s: it was made by Python %s, and this tutorial needs %s or newer." % (
            shown(venv), version_text(version), version_text(MINIMUM)))
        remove_venv(venv)
    elif state == "broken":
        print("Rebuilding %s: its Python no longer runs (moved, upgraded or half-installed)." % shown(venv))
        remove_venv(venv)
    create_venv(command, chosen, venv)
    return venv_python(venv)


def requirement_files(name):
    """A requirements file and every file it includes with -r, in order."""
    path = ROOT / name
    files = [path]
    for line in path.read_text().splitlines():
        match = re.match(r"\s*-r\s+(\S+)", line)
        if match:
            files += requirement_files(str((path.parent / match.group(1)).resolve().relative_to(ROOT)))
    return files


def digest(level):
    text = "".join(path.read_text() for path in requirement_files(LEVELS[level][0]))
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(level, venv=None):
    return (venv or venv_dir()) / (".tools-%s-installed" % level)


def installed(level):
    path = stamp(level)
    if not path.exists() or not (ROOT / LEVELS[level][0]).exists():
        return False
    return path.read_text().strip() == digest(level)


def ensure(levels=()):
    """A .venv with everything `levels` need; returns its Python."""
    python = ensure_venv()
    for level in levels:
        if not installed(level):
            install(python, level)
    return python


def install(python, level):
    name, what = LEVELS[level]
    print("Installing %s into %s (the exact pins of %s; the first time takes a minute) ..." % (
        what, shown(venv_dir()), name), flush=True)
    base = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(ROOT / name)]
    wheels = WHEELHOUSE.is_dir() and any(WHEELHOUSE.glob("*.whl"))
    if wheels:
        code, output = pip(base + ["--no-index", "--find-links", str(WHEELHOUSE)])
        if code != 0 and not os.environ.get("OFFLINE"):
            print("wheelhouse/ doesn't have everything for this machine: trying the internet too ...")
            code, output = pip(base + ["--find-links", str(WHEELHOUSE)])
    else:
        code, output = pip(base)
    if code != 0:
        raise Problem(pip_advice(output), code=1)
    for each in [level] + INCLUDED.get(level, []):
        if (ROOT / LEVELS[each][0]).exists():
            stamp(each).write_text(digest(each) + "\n")


def pip(command):
    """Run pip, showing what it prints; (exit code, its output) for the advice."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        if "is ignored: it is neither a file nor a directory" not in line:
            sys.stdout.write(line)
        lines.append(line)
    return process.wait(), "".join(lines[-200:])


def pip_advice(output):
    if NETWORK_TROUBLE.search(output):
        return ("pip could not download the packages: the network (see its message above).\n"
                "  Behind a proxy: set HTTPS_PROXY first (macOS/Linux: export HTTPS_PROXY=http://proxy:3128;\n"
                "  Windows: set HTTPS_PROXY=http://proxy:3128), then run the same command again.\n"
                "  In a workshop with bad wifi: ask for the wheelhouse (docs/instructor.md, 'Offline rooms').")
    if "Requires-Python" in output or "No matching distribution" in output:
        return ("pip found no version of a pinned package for this Python (see above). This tutorial needs\n"
                "Python %s or newer; delete .venv/ and run the same command again." % version_text(MINIMUM))
    return "Installing the packages failed (pip's message is above). Run the same command again to retry."


def shown(path):
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) + os.sep
    except ValueError:
        return str(path)


def relaunch(python, argv):
    """Run `python -m tools argv` in .venv's Python; its exit code. Ctrl+C
    reaches it directly (same terminal), so this process ignores it meanwhile."""
    environment = dict(os.environ, TOOLS_INSIDE="1")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    process = subprocess.Popen([str(python), "-m", "tools"] + list(argv), env=environment)
    return wait_ignoring_ctrl_c(process)


def wait_ignoring_ctrl_c(process):
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


# The test OpenID provider for step 12 (oidc-provider/): Node's packages, pinned
# by its package-lock.json. `npm ci` installs exactly the lock, and only when the
# lock changed since the last time (the same stamp idea as the Python pins).
OIDC_FOLDER = ROOT / "oidc-provider"


def oidc_stamp():
    return OIDC_FOLDER / "node_modules" / ".tools-oidc-installed"


def oidc_digest():
    return hashlib.sha256((OIDC_FOLDER / "package-lock.json").read_bytes()).hexdigest()


def oidc_installed():
    return oidc_stamp().exists() and oidc_stamp().read_text().strip() == oidc_digest()


def ensure_oidc():
    """oidc-provider/node_modules from the lock, with npm; a Problem when there is no npm."""
    if oidc_installed():
        return
    npm = shutil.which("npm")
    if not npm:
        raise Problem("Step 12's tests run a real OpenID provider, which needs Node.js 20.12 or newer and npm.\n"
                      "  Debian/Ubuntu: sudo apt install nodejs npm   (check `node --version`)\n"
                      "  macOS: brew install node    Windows: the installer from https://nodejs.org/\n"
                      "Then run the same command again.")
    print("Installing the test OpenID provider's packages into oidc-provider/node_modules (npm ci) ...", flush=True)
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=OIDC_FOLDER)
    if result.returncode != 0:
        raise Problem("npm ci failed in oidc-provider/ (its message is above). Run the same command again to retry.",
                      code=1)
    oidc_stamp().write_text(oidc_digest() + "\n")
