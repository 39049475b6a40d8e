"""Which tests of a step are contract tests: they talk to the app over HTTP
only, so every later step must pass them too (test_promises.py).

A step says so itself, on each such test:

    @pytest.mark.contract
    def test_wrong_password_is_401(client, alice): ...

(the marker is registered in every step's pytest.ini). A contract test may
use the fixtures of its step's conftest.py: the promises check runs it with
the later step's conftest.py, which keeps them. It must not reach into
`authapp`, whose insides a later step may change.

Read from the source, nothing imported (every step has a package called
`authapp`): the decorator is written as above, or the module sets
`pytestmark = pytest.mark.contract` for every test in it. Other forms pytest
accepts (`@pytest.mark.contract()`, an alias, a class method, ...) are not
read here: test_contract_markers.py fails, naming the test, when what this
reads differs from what pytest selects with `-m contract`.
"""
import ast
from pathlib import Path

from tools.outcomes import parse_python

MARKER = "pytest.mark.contract"


def contract_tests(test_file):
    """Names of the contract test functions in one test file."""
    tree = parse_python(Path(test_file).read_text())
    whole_module = any(marks_contract(node.value) for node in tree.body if isinstance(node, ast.Assign)
                       and any(isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets))
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            and (whole_module or any(marks_contract(decorator) for decorator in node.decorator_list))]


def marks_contract(expression):
    """pytest.mark.contract, alone or in a list or tuple of marks."""
    if isinstance(expression, (ast.List, ast.Tuple)):
        return any(marks_contract(element) for element in expression.elts)
    return ast.unparse(expression) == MARKER
