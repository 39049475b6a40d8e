"""A room of 30 laptops (issue 12): each way a workshop breaks, run the way a
learner meets it, in a copy of the repository typed into without make
(tests/workshop.py).

- an old Python gets a clear message and nothing is installed; a .venv made
  by an old Python is rebuilt (from a wheelhouse, without the internet);
- `run --dir` serves the learner's copy on the port given; `reset` refuses
  while that server holds the database;
- `check` fails on a copy missing a migration, and on a copy that never
  answers HTTP, though their tests pass; a test that never ends is stopped
  with the line it was stuck on; messages name the learner's file and line;
- steps are accepted as 3, 03 or 03-sessions; the Makefile only calls the
  tools; the devcontainer's setup command runs; the client follows PORT.
"""
import ast
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
import zipfile

import pytest

import memo
from tools import bootstrap, client, commands, steps
from workshop import ROOT, Learner, clone, edit, free_port, in_parallel, stop, wait_for, wrapper

LEARNER_FILES = ["jar.txt", "stolen.txt", "cookies.txt", "answer.json", "server.log", ".DS_Store", "notes.txt~"]


# The learner's commands here (start, check, run, reset, try) name steps 01 to 03,
# and step 05's code; `check` reads the pages of the steps it names (hints),
# and says to read the next one (04).
LEARNER_STEPS = ["01", "02", "03", "04"]


def memo_inputs(item):
    """A copy of the repository and the tools typed in it: everything but the pages of
    the steps these checks don't name (a step's README check: its step)."""
    named = memo.steps_of(item) or [name for name in memo.step_names() if name[:2] in LEARNER_STEPS]
    return memo.everything_but_the_pages_of_other_steps(named)


def copy_of(step, folder, without=()):
    shutil.copytree(steps.find_step(step), folder, ignore=shutil.ignore_patterns("instance", "__pycache__", *without))
    return folder


# --- check on copies that pass their tests but don't run, or never finish ------------

@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Each broken copy checked once, two at a time."""
    base = tmp_path_factory.mktemp("checked")
    learner = Learner(clone(base / "repository"), base / "bin")
    workspace = learner.repository / "workspace"

    copy_of("03", workspace / "03-sessions", without=["0002_*"])  # no migration

    never_answers = copy_of("01", base / "my-first-app")  # any folder name: the step is given
    edit(never_answers / "authapp" / "__init__.py", "    return app\n",
         "    if not app.testing:  # a real server waits forever; the test client never gets here\n"
         "        app.before_request(lambda: __import__('time').sleep(3600))\n    return app\n")

    looping = copy_of("01", workspace / "01-models")
    edit(looping / "authapp" / "__init__.py", 'def status():\n    return {"status": "ok", "step": STEP}',
         'def status():\n    while True:\n        pass')
    edit(looping / "authapp" / "errors.py", "def http_error_as_json(error):\n",
         "def http_error_as_json(error):\n    print('DEBUG: the handler saw', error.code)\n    breakpoint()\n"
         "    error.description = 'nope'\n")

    typo = copy_of("03", base / "typo" / "03-sessions")
    edit(typo / "authapp" / "sessions.py", "from .models import UserSession, utcnow",
         "from .models import UserSessionn, utcnow")
    stray_package = copy_of("02", base / "stray" / "02-register-login")
    edit(stray_package / "authapp" / "auth.py", "from flask import", "import flask_login\nfrom flask import")

    results = in_parallel([
        ("no migration", learner.tools, "check", "3"),
        ("never answers", learner.tools, "check", "01", "--dir", str(never_answers), "--timeout", "3"),
        ("looping", learner.tools, "check", "1", "--timeout", "3"),
        ("typo", learner.tools, "check", "--dir", str(typo)),
        ("stray package", learner.tools, "check", "--dir", str(stray_package)),
    ])
    return {"base": base, **results}


def test_check_fails_on_a_copy_missing_a_migration(checked):
    result = checked["no migration"]
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert not re.search(r"\d+ fail", out), "every test passes: only a real run shows the problem"
    assert "Your migrations don't build the database your models describe" in out
    assert "table `sessions` is in your models, but no migration creates it" in out
    assert "no such table: sessions" in out  # what a real server answered to a login
    assert "cd workspace/03-sessions" in out and re.search(r"\S*/bin/flask --app authapp db migrate", out)
    assert "Step 03 complete:" not in out


def test_check_fails_on_a_copy_that_never_answers_http(checked):
    result = checked["never answers"]
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert not re.search(r"\d+ fail", out)
    assert "Your app started, but never answered HTTP" in out
    assert "GET / got no answer within 3 seconds" in out
    assert "Step 01 complete:" not in out


def test_a_test_that_never_ends_is_stopped_with_the_line_it_was_on(checked):
    result = checked["looping"]
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "Status names the step: never finished" in out
    assert "it was still running after 3 seconds, so I stopped it" in out
    line = (checked["base"] / "repository/workspace/01-models/authapp/__init__.py").read_text().splitlines().index(
        "    while True:") + 1  # Python may name the loop's line or its body's
    assert re.search(rf"Your app was busy at workspace/01-models/authapp/__init__\.py, line ({line}|{line + 1}) "
                     rf"\(status\)", out), out
    assert re.search(r"\d+ tests pass", out), "the tests after the stopped one still ran"


def test_check_shows_what_a_failing_test_printed_and_skips_breakpoints(checked):
    out = checked["looping"].stdout
    assert "404 is json" in out
    assert "Your app printed (while this test ran):" in out and "  | DEBUG: the handler saw 404" in out
    assert "Note: your code calls breakpoint() (or pdb.set_trace()) at workspace/01-models/authapp/errors.py" in out


def test_a_typo_in_the_learners_import_is_named_as_such(checked):
    result = checked["typo"]
    out = result.stdout
    typo = checked["base"] / "typo" / "03-sessions"
    line = (typo / "authapp" / "sessions.py").read_text().splitlines().index(
        "from .models import UserSessionn, utcnow") + 1
    assert result.returncode == 1
    assert (f"{typo}/authapp/sessions.py, line {line} imports `UserSessionn` from {typo}/authapp/models.py, "
            f"which has no `UserSessionn`.") in out, out
    assert "Did you mean `UserSession`?" in out
    assert "The tests import" not in out  # the tests are not to blame


def test_a_package_that_is_not_installed_is_not_a_missing_file(checked):
    out = checked["stray package"].stdout
    assert "authapp/auth.py, line" in out and "imports `flask_login`, a package that isn't installed" in out
    assert "__init__.py`, and your copy doesn't have it" not in out


# --- Python versions and .venv -------------------------------------------------------

def test_an_old_python_gets_a_clear_message_and_nothing_is_installed(tmp_path):
    """python3 is 3.10 (Ubuntu 22.04's), and no newer Python is on PATH."""
    repository = clone(tmp_path / "repository")
    fake_site = tmp_path / "fake-3.10"
    fake_site.mkdir()
    (fake_site / "sitecustomize.py").write_text(
        "import sys, collections\n"
        "Version = collections.namedtuple('version_info', 'major minor micro releaselevel serial')\n"
        "sys.version_info = Version(3, 10, 12, 'final', 0)\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\nPYTHONPATH="{fake_site}" exec "{sys.executable}" "$@"\n')
    (bin_dir / "python3").chmod(0o755)
    venv = tmp_path / "new-venv"
    result = subprocess.run(["python3", "-m", "tools", "run", "3"], cwd=repository, capture_output=True, text=True,
                            env={"PATH": str(bin_dir), "TOOLS_VENV": str(venv), "HOME": str(tmp_path)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "This tutorial needs Python 3.11 or newer, and the newest Python here is 3.10.12" in result.stderr
    assert "sudo apt install python3.11 python3.11-venv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not venv.exists()


def test_the_entry_point_reads_on_old_pythons():
    """The modules that run before .venv exists must not be a SyntaxError on 3.8-3.10."""
    for name in ["__init__", "__main__", "bootstrap", "commands", "steps", "liveapp", "appserver", "ports", "doctor",
                 "client"]:
        source = (ROOT / "tools" / f"{name}.py").read_text()
        ast.parse(source, filename=f"tools/{name}.py", feature_version=(3, 8))


def tiny_wheel(folder):
    """A real wheel of a one-module package, so pip can install it offline."""
    files = {"workshop_tiny.py": b"ANSWER = 42\n",
             "workshop_tiny-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: workshop-tiny\nVersion: 1.0\n",
             "workshop_tiny-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                                 b"Tag: py3-none-any\n"}
    record = "".join(f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()}"
                     f",{len(data)}\n" for name, data in files.items())
    files["workshop_tiny-1.0.dist-info/RECORD"] = (record + "workshop_tiny-1.0.dist-info/RECORD,,\n").encode()
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "workshop_tiny-1.0-py3-none-any.whl", "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)


def test_a_venv_made_by_an_old_python_is_rebuilt_from_the_wheelhouse_offline(tmp_path):
    repository = tmp_path / "repository"
    shutil.copytree(ROOT / "tools", repository / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    (repository / "requirements.txt").write_text("workshop-tiny==1.0\n")
    (repository / "tools" / "requirements-check.txt").write_text("-r ../requirements.txt\n")
    tiny_wheel(repository / "wheelhouse")
    old = repository / ".venv"  # what `python3.10 -m venv .venv` left behind
    wrapper(old / "bin", "python", "/bin/true").write_text("#!/bin/sh\necho 3.10.12\n")
    (old / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.10.12\n")
    bin_dir = tmp_path / "bin"
    wrapper(bin_dir, "python3", sys.executable)
    result = subprocess.run(["python3", "-m", "tools", "setup"], cwd=repository, capture_output=True, text=True,
                            env={"PATH": str(bin_dir), "HOME": str(tmp_path), "OFFLINE": "1"}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rebuilding .venv/: it was made by Python 3.10.12, and this tutorial needs 3.11 or newer." in result.stdout
    assert f"version = {'.'.join(map(str, sys.version_info[:3]))}" in (old / "pyvenv.cfg").read_text()
    imported = subprocess.run([str(old / "bin" / "python"), "-c", "import workshop_tiny; print(workshop_tiny.ANSWER)"],
                              capture_output=True, text=True)
    assert imported.stdout.strip() == "42", imported.stderr
    again = subprocess.run(["python3", "-m", "tools", "setup"], cwd=repository, capture_output=True, text=True,
                           env={"PATH": str(bin_dir), "HOME": str(tmp_path), "OFFLINE": "1"})
    assert "Installing" not in again.stdout and "Ready" in again.stdout  # the stamp says it is done


REQUIREMENT_FILES = [name for name, _ in bootstrap.LEVELS.values()]


def pinned(path):
    """[(package, the pin as written)] of one requirements file, without what it includes."""
    return [(match[0].lower().replace("_", "-"), match[1].strip())
            for match in re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?(==[^#\n]+)", path.read_text(), re.M)]


# Pinned in two files, because neither may include the other: the production
# profile installs no pytest, the workshop no gunicorn. Both need redis (step
# 05's test of a Redis that can't be reached; RATELIMIT_STORAGE_URI=redis://).
SHARED_BY_PRODUCTION_AND_WORKSHOP = {"redis", "async-timeout"}


def test_each_pin_is_written_in_one_file():
    """Every package is pinned in one requirements file only; a file that needs
    it includes that file with -r. A second copy of a pin is a pin that can be
    updated in one place and not the other (CONTRIBUTING.md says why the files
    are kept by hand)."""
    files = {}
    for name in REQUIREMENT_FILES:
        for package, _ in pinned(bootstrap.ROOT / name):
            files.setdefault(package, []).append(name)
    twice = {package: names for package, names in files.items()
             if len(names) > 1 and package not in SHARED_BY_PRODUCTION_AND_WORKSHOP}
    assert not twice, f"pinned in more than one file (include the file that has it with -r): {twice}"
    workshop = [package for path in bootstrap.requirement_files("requirements-dev.txt") for package, _ in pinned(path)]
    assert {"pytest", "flask", "mkdocs"} <= set(workshop)


def test_a_package_pinned_in_two_files_has_one_pin():
    """Files that cannot include each other (the production profile and the
    workshop both need redis) pin a package they share the same way."""
    pins = {}
    for name in REQUIREMENT_FILES:
        for package, pin in pinned(bootstrap.ROOT / name):
            pins.setdefault(package, {})[name] = pin
    differ = {package: where for package, where in pins.items() if len(set(where.values())) > 1}
    assert not differ, f"pinned differently: {differ}"


# --- run, reset, ports -----------------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`run --dir` on a learner's copy (step 02's code named 03-sessions), and
    `reset` on it while it runs and after."""
    base = tmp_path_factory.mktemp("served")
    learner = Learner(clone(base / "repository"), base / "bin")
    assert learner.tools("start", "03-sessions").returncode == 0
    port = free_port()
    server = learner.start_tools("run", "--dir", "workspace/03-sessions", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        status = json.loads(wait_for(url + "/", server))
        me = urllib_status(url + "/auth/me")
        register = urllib_status(url + "/auth/register", {"username": "alice", "email": "alice@example.com",
                                                          "password": "correct horse battery staple"})
        busy_port = learner.tools("run", "3", "--port", str(port))
        refused = learner.tools("reset", "--dir", "workspace/03-sessions")
    finally:
        log = stop(server)
    after = learner.tools("reset", "--dir", "workspace/03-sessions")
    return {"learner": learner, "status": status, "me": me, "register": register, "busy_port": busy_port,
            "refused": refused, "after": after, "log": log, "port": port}


def urllib_status(url, body=None):
    data = json.dumps(body).encode() if body else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_run_dir_serves_the_learners_copy_on_the_port_given(served):
    assert served["status"] == {"status": "ok", "step": "03-sessions"}
    assert served["me"] == 404, "the copy is still step 02's code; the official step 03 would answer 401"
    assert served["register"] == 201
    repository = served["learner"].repository
    assert (repository / "workspace/03-sessions/instance/authapp.sqlite").exists()
    assert not (repository / "steps/03-sessions/instance").exists()
    assert f"Running workspace/03-sessions on http://127.0.0.1:{served['port']}" in served["log"]


def test_run_on_a_busy_port_says_which_port_to_use_instead(served):
    result = served["busy_port"]
    assert result.returncode == 1
    assert f"Port {served['port']} is already in use" in result.stdout
    assert re.search(r"python3 -m tools run 3 --port \d+ +\(the client follows it: python3 -m tools client --port \d+",
                     result.stdout)


def test_reset_refuses_while_a_server_holds_the_database(served):
    result = served["refused"]
    assert result.returncode == 1, result.stdout
    assert "Nothing was reset: a running server is using a database" in result.stdout
    assert re.search(r"workspace/03-sessions/instance/authapp\.sqlite is open in process \d+: .*flask", result.stdout)
    assert served["after"].returncode == 0, served["after"].stdout
    assert "deleted and rebuilt" in served["after"].stdout


def test_the_client_follows_the_api_port():
    httpd = client.server(api_port=5123, port=0)  # the kernel picks a free port
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/config.js", timeout=10) as response:
            config = response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/app.js", timeout=10) as response:
            app = response.read().decode()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "const API_PORT = 5123;" in config and "const API_BASE = null;" in config
    assert "${API_PORT}" in app and ":5000" not in app
    assert "const API_PORT = 5000;" in (ROOT / "client" / "config.js").read_text()  # the file itself is unchanged


# --- arguments, help, the Makefile, the READMEs ------------------------------------

@pytest.mark.parametrize("given", [3, "3", "03", "03-sessions", "sessions", "steps/03-sessions", "03-Sessions"])
def test_a_step_is_found_however_it_is_written(given):
    assert steps.find_step(given).name == "03-sessions"


@pytest.mark.parametrize("given, hint", [("99", "The steps are: 01-models"),
                                         ("03-sesions", "Did you mean 03-sessions?"), ("sessionz", "Did you mean")])
def test_a_step_that_does_not_exist_is_refused_with_the_list(given, hint):
    with pytest.raises(steps.NoSuchStep) as refused:
        steps.find_step(given)
    assert hint in str(refused.value)


def test_try_with_a_step_that_does_not_exist_fails_loudly(tmp_path):
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    result = learner.tools("try", "99")
    assert result.returncode != 0
    assert "There is no step '99'." in result.stderr


def test_check_without_a_step_takes_it_from_the_folder_or_asks(tmp_path):
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    asked = learner.tools("check", "--dir", str(tmp_path))
    assert asked.returncode != 0
    assert "Which step's tests should run on" in asked.stderr and "python3 -m tools check 03 --dir" in asked.stderr


def test_help_lists_every_command_and_the_makefile_only_calls_the_tools():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\.DEFAULT_GOAL := help$", makefile, re.M)
    help_text = commands.help_text()
    for command in commands.COMMANDS:
        assert command.make_form in help_text and f"-m tools {command.tools_form}" in help_text
        recipe = re.search(rf"^{re.escape(command.name)}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
        assert recipe, f"the Makefile has no target {command.name}"
        assert f"$(TOOLS) {command.name}" in recipe.group(1), f"make {command.name} must call the tools"
    for form, _ in commands.MAKE_ONLY:
        assert re.search(rf"^{re.escape(form.split()[1])}:", makefile, re.M)


def test_messages_name_the_form_the_learner_typed(monkeypatch):
    monkeypatch.setenv("TOOLS_VIA", "make")
    assert commands.suggest("check", "03", dir="w/03", all=True) == "make check STEP=03 DIR=w/03 ALL=1"
    monkeypatch.delenv("TOOLS_VIA")
    assert commands.suggest("check", "03", dir="w/03", all=True) == "python3 -m tools check 03 --dir w/03 --all"


@pytest.mark.parametrize("step", steps.all_steps(), ids=lambda step: step.name)
def test_step_readmes_run_without_activating_anything(step):
    text = (step / "README.md").read_text()
    number = steps.number(step)
    assert f"make run STEP={number}" in text and f"python3 -m tools run {int(number)}" in text
    assert f"make check STEP={number} DIR=steps/{step.name}" in text
    activation = text.find(".venv/bin/activate")
    bare = [index for index in (match.start() for match in re.finditer(r"^flask --app", text, re.M))]
    assert all(activation != -1 and index > activation for index in bare), (
        "a bare `flask` command is only given after the line that activates .venv")


# --- learner leftovers ----------------------------------------------------------------

def test_learner_leftovers_are_ignored_by_git_and_never_copied(tmp_path):
    step = steps.find_step("03")
    leftovers = [step / name for name in LEARNER_FILES]
    assert steps.git_ignored(leftovers, ROOT) == set(leftovers)
    lesson = [step / "README.md", step / "authapp" / "auth.py",
              steps.find_step("05") / "authapp/data/common-passwords.txt"]
    assert steps.git_ignored(lesson, ROOT) == set()
    # Without git (a downloaded zip), .gitignore is read directly; and `start` copies only the lesson.
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    copied_step = learner.repository / "steps" / "02-register-login"
    for name in LEARNER_FILES:
        (copied_step / name).write_text("a leftover")
    assert all(steps.matches_gitignore(copied_step / name, learner.repository) for name in LEARNER_FILES)
    assert learner.tools("start", "3").returncode == 0
    copy = learner.repository / "workspace" / "03-sessions"
    assert not [name for name in LEARNER_FILES if (copy / name).exists()]
    assert (copy / "README.md").exists() and (copy / "authapp" / "auth.py").exists()


def test_lesson_files_are_the_files_the_diff_check_reads():
    """The site's diffs (scripts/docsite/stepdiff.py) read exactly steps.lesson_files:
    a learner's leftovers (a cookie jar in a step folder) never show up in them."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from docsite import stepdiff
    for step in steps.all_steps():
        assert [path.relative_to(step).as_posix() for path in steps.lesson_files(step)] == list(
            stepdiff.step_files(step)), step.name


# --- the devcontainer -------------------------------------------------------------------

DEVCONTAINER = ROOT / ".devcontainer"


def test_the_devcontainer_is_valid_and_its_image_has_a_new_enough_python():
    config = json.loads((DEVCONTAINER / "devcontainer.json").read_text())
    dockerfile = (DEVCONTAINER / config["build"]["dockerfile"]).read_text()
    context = (DEVCONTAINER / config["build"]["context"]).resolve()
    assert context == ROOT
    version = re.search(r"^FROM python:(\d+)\.(\d+)", dockerfile, re.M)
    assert version and (int(version.group(1)), int(version.group(2))) >= bootstrap.MINIMUM
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (context / source).exists(), f"the Dockerfile copies {source}, which doesn't exist"
    assert set(config["forwardPorts"]) >= {5000, 3000}
    for verb in re.findall(r"python3 -m tools (\w+)", config["postCreateCommand"]):
        assert commands.find(verb), f"postCreateCommand uses an unknown command: {verb}"


def test_the_devcontainers_setup_command_runs_on_this_machine(tmp_path):
    """No container engine needed: its postCreateCommand, run here on a copy."""
    config = json.loads((DEVCONTAINER / "devcontainer.json").read_text())
    learner = Learner(clone(tmp_path / "repository"), tmp_path / "bin")
    wrapper(tmp_path / "bin", "sh", "/bin/sh")
    result = subprocess.run(["/bin/sh", "-c", config["postCreateCommand"]], cwd=learner.repository,
                            capture_output=True, text=True, env=learner.env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ready:" in result.stdout and "Ready for the workshop" in result.stdout
    assert re.search(r"ok +step \d\d-[\w-]+ runs: fresh database, migrations, flask run, register and log in",
                     result.stdout)


def container_engine():
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.mark.skipif(not container_engine(), reason="no container engine runs here (docker info fails): the image "
                                                   "is not built; the config and its setup command are still tested")
def test_the_devcontainer_image_builds():
    result = subprocess.run(["docker", "build", "-f", str(DEVCONTAINER / "Dockerfile"), "-t", "flask-auth-workshop",
                             str(ROOT)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
