"""What each test checks, in one sentence a learner can act on.

`check` shows it under every failing test ("What it checks: ..."). It comes
from the test's docstring when it has one, else from tools/purposes.toml,
keyed by test file and test function. tests/test_check_your_work.py fails
for any test of any step that has neither, so a new test can't reach a
learner without its explanation.
"""
import tomllib
from functools import cache
from pathlib import Path

PURPOSES = Path(__file__).resolve().parent / "purposes.toml"


@cache
def table(path=PURPOSES):
    return tomllib.loads(path.read_text())


def purpose(test_file, function, test_doc=""):
    """The test's docstring (its first paragraph), else its entry in purposes.toml, else ''."""
    if test_doc and test_doc.strip():
        return " ".join(test_doc.strip().split("\n\n")[0].split())
    return table().get(Path(test_file).name, {}).get(function.split("[")[0], "")
