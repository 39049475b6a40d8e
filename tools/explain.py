"""Turn what happened in a test run into sentences a beginner can act on.

Input: records from tools/outcomes.py (an exception's type and message, the
line of the test that failed, the line of the app it came from, an import
that failed). Output: what went wrong, named by the learner's own file and
line where there is one. `Where` turns the paths of the temporary copy
that `check` runs into the paths the learner knows.
"""
import difflib
import re
from http import HTTPStatus
from pathlib import Path

from tools import bootstrap
from tools.commands import suggest

# What a surprising status code usually means, for someone writing the step.
STATUS_ADVICE = {
    404: "the URL doesn't exist in your app yet (check the route and that its blueprint is registered)",
    405: "the URL exists, but not for this HTTP method (check methods= or @bp.post/@bp.get)",
    415: "your app refused the request's content type",
    500: "your app crashed while answering (the error it raised is in the lines your app printed, if any)",
}


class Where:
    """Names files the way the learner knows them.

    app: the learner's folder as shown (workspace/03-sessions);
    tests: the official tests' folder as shown (steps/03-sessions/tests)."""

    def __init__(self, app="authapp's folder", tests="tests"):
        self.app, self.tests = app.rstrip("/"), tests.rstrip("/")

    def app_file(self, relative, line=None):
        return f"{self.app}/{relative}" + (f", line {line}" if line else "")

    def test_file(self, name, line=None):
        return f"{self.tests}/{Path(name).name}" + (f", line {line}" if line else "")


def humanise(test_name):
    """test_a_copy_of_the_cookie_is_worthless_after_logout[x] -> 'A copy of the cookie is worthless after logout'."""
    words = test_name.split("[")[0].removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def case_of(test_name):
    """The parameters of a parametrized test ('ALICE' in test_login[ALICE]), or ''."""
    return test_name[test_name.index("[") + 1:-1] if "[" in test_name else ""


def status(code):
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def what_happened(error, where=None):
    """One or a few sentences about what the app did, from the recorded exception."""
    where = where or Where()
    kind, message, line = error["type"], error["message"], error.get("test_line", "")
    frame = error.get("app_frame")
    if kind == "BdbQuit":
        return "Your app stopped in the debugger (pdb); `check` runs without a keyboard. Remove that line."
    if kind == "EOFError" and frame:
        return (f"Your app waited for keyboard input (input()) in {where.app_file(frame['file'], frame['line'])}: "
                f"an API can't ask the terminal anything.")
    if frame and kind != "AssertionError":
        # The exception came out of the learner's own code: point there.
        return (f"Your app raised {kind}: {first_line(message)}\n"
                f"in {where.app_file(frame['file'], frame['line'])} ({frame['function']}): {frame['code']}")
    if kind == "AssertionError":
        return explain_assertion(message, line)
    if error.get("is_key_error"):
        key = error.get("key", "")
        if ".headers[" in line:
            return f"The response had no `{key}` header."
        if "get_json()" in line:
            return f"The JSON your app sent back had no `{key}` key."
        return f"Something the test looked up was missing: {key!r}."
    if kind == "AttributeError" and "'NoneType'" in message and "get_cookie(" in line:
        cookie = re.search(r"get_cookie\(\"([^\"]+)\"\)", line)
        return f"Your app set no `{cookie.group(1) if cookie else 'session'}` cookie."
    if kind == "TypeError" and "'NoneType'" in message and "get_json()" in line:
        return "Your app did not answer with JSON (get_json() found no JSON body)."
    return explain_test_stopped(kind, message, line)


def explain_test_stopped(kind, message, line):
    """An error raised by the test's own code: something it needs from the app isn't there."""
    mail = "inbox.messages" in line or "messages[" in line
    unpack = re.search(r"not enough values to unpack \(expected (\d+), got (\d+)\)", message)
    if kind == "IndexError" and mail:
        return "Your app sent no mail: the test's inbox is empty where it expects the mail."
    if kind == "ValueError" and unpack and mail:
        return f"The test expects {unpack.group(1)} mail(s) in its inbox, and your app sent {unpack.group(2)}."
    if kind == "ValueError" and unpack:
        return (f"The test takes a value from your app apart into {unpack.group(1)} pieces and found only "
                f"{unpack.group(2)}: the value doesn't have the form the test expects.")
    if kind == "IndexError":
        return "The test looks for an item your app didn't produce (the list it gets is shorter than it expects)."
    if kind == "StopIteration":
        return "The test looks for a line or item your app didn't produce, and found none."
    return f"The test stopped with {kind}: {first_line(message)}"


def explain_assertion(message, test_line=""):
    """pytest's assertion text ('assert 404 == 204' + 'where' lines) in words."""
    lines = message.splitlines()
    head = lines[0].removeprefix("assert ").strip() if lines else ""
    compared = re.fullmatch(r"(\d{3}) == (\d{3})", head)
    if compared and "status_code" in message:
        got, expected = int(compared.group(1)), int(compared.group(2))
        sentence = f"Your app answered {status(got)}; the test expects {status(expected)}."
        advice = STATUS_ADVICE.get(got)
        return f"{sentence}\n{advice[:1].upper() + advice[1:]}." if advice else sentence
    check = test_line.removeprefix("assert ").split(",  #")[0].strip() if test_line.startswith("assert ") else ""
    compared = re.fullmatch(r"(.+?) == (.+)", head)
    if compared:
        found, expected = shorten(compared.group(1)), shorten(compared.group(2))
        if check and check != head:
            return f"The test checks `{shorten(check)}`: it found {found} where it expects {expected}."
        return f"Your app gave {found}; the test expects {expected}."
    if check:
        return f"The test checks `{shorten(check)}`, and that turned out false" + (
            f" ({shorten(head)})." if head and head != check and head not in ("False", "None") else ".")
    if head and head not in ("False", "None", "0", "[]", "{}", "''"):
        return f"This turned out false: {shorten(head)}"
    return "The check on the test's line below turned out false."


def first_line(text):
    return shorten(text.strip().splitlines()[0]) if text.strip() else ""


def shorten(text, limit=160):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# --- when the app, or a test file, can't even be imported ---------------------------

def why_import_failed(record, where=None):
    """Lines that explain a record of tools/outcomes.import_error: a mistake in
    the learner's file (named, with its line), or a package that isn't installed."""
    where = where or Where()
    frame = record.get("frame")
    place = where.app_file(frame["file"], frame["line"]) if frame else where.app_file(module_file(record["module"]))
    kind, message = record["type"], record["message"]
    if kind in ("SyntaxError", "IndentationError", "TabError"):
        lines = [f"{place}: Python can't read this line ({kind}: {message})."]
        if frame and frame.get("code"):
            lines.append("    " + frame["code"].strip())
            if frame.get("offset"):
                indent = len(frame["code"]) - len(frame["code"].lstrip())
                lines.append("    " + " " * max(0, frame["offset"] - 1 - indent) + "^")
        return lines
    missing = record.get("missing_module")
    if missing:
        return missing_module(missing, place, frame)
    name = record.get("missing_name")
    if name:
        source = module_file(record["from_module"])
        close = difflib.get_close_matches(name, record.get("available", []), n=1)
        lines = [f"{place} imports `{name}` from {where.app_file(source)}, which has no `{name}`."]
        if frame:
            lines.append(f"    {frame['code']}")
        if close:
            lines.append(f"Did you mean `{close[0]}`? (a typo in your import, or a name you haven't written yet)")
        return lines
    lines = [f"Importing your app stopped with {kind}: {first_line(message)}", f"in {place}"
             + (f" ({frame['function']}): {frame['code']}" if frame and frame.get("code") else "")]
    return lines


def missing_module(name, place, frame):
    top = name.split(".")[0]
    code = [f"    {frame['code']}"] if frame and frame.get("code") else []
    if top == "authapp":
        return [f"{place} imports `{name}`, and your copy has no {module_file(name)} (yet).", *code]
    pinned = pinned_packages()
    wanted = [package for package in pinned if normal(package) == normal(top)
              or normal(package).replace("-", "") == normal(top).replace("_", "")]
    if wanted:
        return [f"{place} imports `{top}`, which the tutorial pins ({wanted[0]}) but isn't installed in .venv.",
                *code, f"Install the pins: {suggest('setup')}"]
    return [f"{place} imports `{top}`, a package that isn't installed: this tutorial doesn't use it.",
            *code, "Remove that import (the steps need only the packages in requirements.txt), or check its spelling."]


def module_file(module):
    """authapp.models -> authapp/models.py; authapp -> authapp/__init__.py."""
    parts = module.split(".")
    return "/".join(parts) + ("/__init__.py" if len(parts) == 1 else ".py")


def normal(name):
    return name.lower().replace("_", "-")


def pinned_packages():
    names = []
    for path in sorted(bootstrap.ROOT.glob("requirements*.txt")):
        for line in path.read_text().splitlines():
            match = re.match(r"\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*==", line)
            if match:
                names.append(match.group(1))
    return names


def why_module_failed(collect_error, where=None):
    """Why a whole test file couldn't load, from pytest's collection error text,
    once the app itself is known to import: the tests need a name or a module
    that the learner's copy doesn't have yet."""
    where = where or Where()
    error_lines = [line[1:].strip() for line in collect_error.splitlines() if line.startswith("E ")]
    last = error_lines[-1] if error_lines else first_line(collect_error)
    name = re.search(r"cannot import name '([^']+)' from '([^']+)'", last)
    if name:
        return (f"The tests import `{name.group(1)}` from `{module_file(name.group(2))}`, "
                f"and your copy doesn't define it yet.")
    missing = re.search(r"No module named '([^']+)'", last)
    if missing:
        module = missing.group(1)
        if module.split(".")[0] != "authapp":
            return f"The tests need the package `{module}`, which isn't installed: {suggest('setup')}"
        return f"The tests need `{module_file(module)}`, and your copy doesn't have it yet."
    return f"Python could not load it: {shorten(last)}"


# --- a test that never finished -----------------------------------------------------

def where_it_hung(dump, app_dir, where=None):
    """'workspace/x/authapp/auth.py, line 51 (login)' from a faulthandler dump: the
    innermost frame in the learner's app, in any thread; '' if none."""
    where = where or Where()
    app_dir = Path(app_dir).resolve()
    for path, line, function in re.findall(r'File "([^"]+)", line (\d+) in (\S+)', dump):
        resolved = Path(path).resolve()
        if app_dir in resolved.parents:
            relative = resolved.relative_to(app_dir).as_posix()
            code = source_line(resolved, int(line))
            return f"{where.app_file(relative, line)} ({function})" + (f": {code}" if code else "")
    return ""


def source_line(path, number):
    try:
        return Path(path).read_text(errors="replace").splitlines()[number - 1].strip()
    except (OSError, IndexError):
        return ""
