"""Which tests of a step are contract tests: they talk to the app over HTTP
only, so every later step must pass them too.

Read from the source (nothing is imported): a test is a contract test when
it asks for the `client` fixture (directly or through fixtures of its own
file that need only `client`) and for nothing else but its
@pytest.mark.parametrize arguments, and it uses nothing imported from
`authapp` or `conftest`, directly or through its file's helper functions
(an import inside a function counts too).
"""
import ast
from pathlib import Path

from tools.outcomes import parse_python

HTTP_ONLY = {"client"}
INTERNAL_MODULES = ("authapp", "conftest")


def contract_tests(test_file):
    """Names of the contract test functions in one test file."""
    tree = parse_python(Path(test_file).read_text())
    internal = internal_names(tree)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    uses = {name: used_names(node) for name, node in functions.items()}

    def reaches_internals(name, seen=()):
        if name in seen:
            return False
        names = uses[name]
        return (bool(names & internal) or imports_internals(functions[name])
                or any(reaches_internals(other, (*seen, name)) for other in names & set(functions) if other != name))

    fixtures = {name for name, node in functions.items() if is_fixture(node)}
    http_fixtures = set()
    changed = True
    while changed:  # a fixture is HTTP-only if it needs only HTTP-only fixtures
        changed = False
        for name in fixtures - http_fixtures:
            if set(arguments(functions[name])) <= HTTP_ONLY | http_fixtures and not reaches_internals(name):
                http_fixtures.add(name)
                changed = True

    found = []
    for name, node in functions.items():
        if not name.startswith("test_"):
            continue
        asked = set(arguments(node))
        talks_http = bool(asked & (HTTP_ONLY | http_fixtures))
        if talks_http and asked <= HTTP_ONLY | http_fixtures | parametrized(node) and not reaches_internals(name):
            found.append(name)
    return found


def internal_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(INTERNAL_MODULES):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names
                      if alias.name.startswith(INTERNAL_MODULES)}
    return names


def imports_internals(function):
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith(INTERNAL_MODULES)
               or isinstance(node, ast.Import) and any(a.name.startswith(INTERNAL_MODULES) for a in node.names)
               for node in ast.walk(function))


def used_names(function):
    return {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}


def arguments(function):
    return [arg.arg for arg in function.args.args]


def is_fixture(function):
    return any("fixture" in ast.unparse(decorator) for decorator in function.decorator_list)


def parametrized(function):
    names = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and "parametrize" in ast.unparse(decorator.func) and decorator.args:
            first = decorator.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names |= {part.strip() for part in first.value.split(",")}
    return names
