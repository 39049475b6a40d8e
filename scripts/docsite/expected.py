"""The "names the tests expect" box of a step page (<!-- docsite: expected-names -->).

A learner's copy passes a step's tests only if it uses the names they look
for. This reads them from the step's tests (conftest.py included), with ast:

  * names imported from the app: `from authapp.models import User` -> authapp.models: User
  * names used on an imported module of the app: `auth.check_hash`, and
    `monkeypatch.setattr(auth, "check_hash", ...)` -> authapp.auth: check_hash
  * the app's routes that the tests call: `client.post("/auth/login", ...)`
    -> POST /auth/login (routes read from the app's @bp.post("/login") and
    url_prefix; a path's <parts> show as <...>; addresses that only a test's
    own little app or a 404 check uses are left out)

What the previous step's tests didn't expect is in bold.
"""
import ast
import re

METHODS = {"get", "post", "put", "patch", "delete"}


def test_sources(step):
    return [path.read_text(encoding="utf-8") for path in sorted((step / "tests").glob("*.py"))]


def imported_from_app(tree):
    """{local name: (module, name)} of every `from authapp... import ...` in a file."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "authapp":
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
    return found


def app_names(step):
    """{module: {name}} that the step's tests take from the app."""
    names = {}
    for source in test_sources(step):
        tree = ast.parse(source)
        imported = imported_from_app(tree)
        modules = {local: found for local, found in imported.items() if is_module(step, *found)}
        for module, name in imported.values():
            names.setdefault(module, set()).add(name)
        for node in ast.walk(tree):
            used = used_on_a_module(node, modules)
            if used:
                names.setdefault(used[0], set()).add(used[1])
    return names


def is_module(step, module, name):
    """True for `from authapp import auth` (authapp/auth.py), not for a class or an object."""
    return (step / module.replace(".", "/") / f"{name}.py").exists()


def used_on_a_module(node, imported):
    """(module, name) for `module.name` or setattr(module, "name", ...) on an
    imported module of the app, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
        module, name = imported[node.value.id]
        return f"{module}.{name}", node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr" \
            and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in imported \
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
        module, name = imported[node.args[0].id]
        return f"{module}.{name}", node.args[1].value
    return None


def called(step):
    """{(method, path)} the step's tests call with a literal address."""
    found = set()
    for source in test_sources(step):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in METHODS and node.args:
                path = literal_path(node.args[0])
                if path:
                    found.add((node.func.attr.upper(), path))
    return found


PREFIX = re.compile(r'Blueprint\([^)]*url_prefix="([^"]*)"')
ROUTE = re.compile(r'^[ \t]*@\w+\.(get|post|put|patch|delete)\("([^"]*)"', re.MULTILINE)
PART = re.compile(r"<[^>]*>")


def app_routes(step):
    """{(method, path)} the step's app declares, <parts> as <...>."""
    found = set()
    for path in sorted((step / "authapp").rglob("*.py")):  # from step 07, a feature's routes are in its folder
        text = path.read_text(encoding="utf-8")
        prefix = PREFIX.search(text)
        for method, route in ROUTE.findall(text):
            found.add((method.upper(), PART.sub("<...>", (prefix[1] if prefix else "") + route) or "/"))
    return found


def routes(step):
    """{"POST /auth/login", ...}: the app's routes that the step's tests call."""
    calls = called(step)

    def is_called(method, route):
        pattern = re.compile("".join("[^/]+" if part == "<...>" else re.escape(part)
                                     for part in re.split(r"(<\.\.\.>)", route)))
        return any(method == call_method and pattern.fullmatch(path) for call_method, path in calls)
    return {f"{method} {route}" for method, route in app_routes(step) if is_called(method, route)}


def literal_path(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value if isinstance(part, ast.Constant) else "<...>" for part in node.values)
    else:
        return None
    text = text.split("?")[0]
    return text if re.fullmatch(r"/[\w\-./<>]*", text) else None


def markdown(step, previous):
    """The folded box: modules and their names, then the routes; new ones in bold."""
    names, before = app_names(step), app_names(previous) if previous else {}
    used, used_before = routes(step), routes(previous) if previous else set()

    def shown(text, new):
        return f"**`{text}`**" if new else f"`{text}`"

    lines = ['??? info "Names the tests expect"',
             "    What this step's tests import from `authapp`, use on its modules, and call over HTTP. "
             "Keep these names, or the tests can't find your code. **Bold**: new in this step.", ""]
    for module in sorted(names):
        listed = ", ".join(shown(name, name not in before.get(module, set())) for name in sorted(names[module]))
        lines.append(f"    - `{module}`: {listed}")
    if used:
        lines.append("    - routes: " + ", ".join(shown(route, route not in used_before)
                                                  for route in sorted(used, key=lambda r: (r.split()[1], r))))
    return "\n".join(lines) + "\n"
