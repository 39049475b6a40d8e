"""Turn one failed test into sentences a beginner can act on.

Input: a record from tools/outcomes.py (the exception's type and message,
the line of the test that failed, and the line of the app it came from).
Output: what the test expected, and what your app did instead.
"""
import re
from http import HTTPStatus

# What a surprising status code usually means, for someone writing the step.
STATUS_ADVICE = {
    404: "the URL doesn't exist in your app yet (check the route and that its blueprint is registered)",
    405: "the URL exists, but not for this HTTP method (check methods= or @bp.post/@bp.get)",
    415: "your app refused the request's content type",
    500: "your app crashed while answering (run it with `flask run` to see the error)",
}


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


def what_happened(error):
    """One or two sentences about what the app did, from the recorded exception."""
    kind, message, line = error["type"], error["message"], error.get("test_line", "")
    frame = error.get("app_frame")
    if frame and kind != "AssertionError":
        # The exception came out of the learner's own code: point there.
        return (f"Your app raised {kind}: {first_line(message)}\n"
                f"in {frame['file']}, line {frame['line']} ({frame['function']}): {frame['code']}")
    if kind == "AssertionError":
        return explain_assertion(message)
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
    return f"{kind}: {first_line(message)}"


def explain_assertion(message):
    """pytest's assertion text ('assert 404 == 204' + 'where' lines) in words."""
    lines = message.splitlines()
    head = lines[0].removeprefix("assert ").strip() if lines else ""
    compared = re.fullmatch(r"(\d{3}) == (\d{3})", head)
    if compared and "status_code" in message:
        got, expected = int(compared.group(1)), int(compared.group(2))
        sentence = f"Your app answered {status(got)}; the test expects {status(expected)}."
        advice = STATUS_ADVICE.get(got)
        return f"{sentence}\n{advice[:1].upper() + advice[1:]}." if advice else sentence
    compared = re.fullmatch(r"(.+?) == (.+)", head)
    if compared:
        return f"Your app gave {shorten(compared.group(1))}; the test expects {shorten(compared.group(2))}."
    if head and head not in ("False", "None", "0", "[]", "{}", "''"):
        return f"This turned out false: {shorten(head)}"
    return "The check on the test's line below turned out false."


def first_line(text):
    return shorten(text.strip().splitlines()[0]) if text.strip() else ""


def shorten(text, limit=160):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def why_module_failed(collect_error):
    """Why a whole test file couldn't load, from pytest's collection error text."""
    error_lines = [line[1:].strip() for line in collect_error.splitlines() if line.startswith("E ")]
    last = error_lines[-1] if error_lines else first_line(collect_error)
    name = re.search(r"cannot import name '([^']+)' from '([^']+)'", last)
    if name:
        module = name.group(2).replace(".", "/") + ".py"
        return f"The tests import `{name.group(1)}` from `{module}`, and your copy doesn't define it yet."
    missing = re.search(r"No module named '([^']+)'", last)
    if missing:
        name = missing.group(1)
        module = name.replace(".", "/") + ".py" if "." in name else f"{name}/__init__.py"
        return f"The tests need `{module}`, and your copy doesn't have it yet."
    located = re.search(r'File "([^"]+)", line (\d+)', collect_error)
    where = f" ({located.group(1)}, line {located.group(2)})" if located else ""
    return f"Python could not load it: {shorten(last)}{where}"
