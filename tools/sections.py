"""Which section of a step's page explains a given test.

In order: the section that names the test function; else the entry for the
test in tools/hints.toml (file, or file::test-name prefix, longest wins);
else the section that names the test file; else just the page.
"""
import re
import tomllib
from pathlib import Path

HINTS = Path(__file__).resolve().parent / "hints.toml"
HEADING = re.compile(r"^(#{2,4})\s+(.+?)\s*#*\s*$")


def sections(markdown):
    """[(heading, text of the section)] for every ##, ### and #### heading,
    ignoring lines inside fenced code blocks."""
    found, heading, body, fenced = [], None, [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            if heading:
                found.append((heading, "\n".join(body)))
            heading, body = clean(match.group(2)), []
        else:
            body.append(line)
    if heading:
        found.append((heading, "\n".join(body)))
    return found


def clean(heading):
    """Drop attribute lists ({ #id }) and emphasis marks from a heading."""
    return re.sub(r"\s*\{[^}]*\}\s*$", "", heading).replace("`", "").replace("*", "").strip()


def load_hints(path=HINTS):
    return tomllib.loads(path.read_text()) if path.exists() else {}


def section_for(page_text, step_name, test_file, test_function, hints=None):
    """The heading to re-read for one test, or None."""
    hints = load_hints() if hints is None else hints
    found = sections(page_text or "")
    for heading, body in found:
        if re.search(rf"\b{re.escape(test_function)}\b", body):
            return heading
    file_name = Path(test_file).name
    table = hints.get(step_name, {})
    test_id = f"{file_name}::{test_function}"
    keys = [key for key in table if key == file_name or ("::" in key and test_id.startswith(key))]
    if keys:
        return table[max(keys, key=len)]
    for heading, body in found:
        if file_name in body:
            return heading
    return None
