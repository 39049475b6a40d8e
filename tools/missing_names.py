"""For the red/green proof: lets a test file load on a step that lacks some
of the names it imports, so that each of its tests runs and fails (or passes)
on its own instead of the whole file failing at import.

tools/outcomes.py rewrites `from authapp.models import UserSession, utcnow`
in a copied test file into
`UserSession, utcnow = optional("authapp.models", "UserSession", "utcnow")`
(on the same line, so line numbers don't move); a name the app lacks becomes
a Missing object that fails the test as soon as the test uses it.
"""
import importlib


class Missing:
    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute):
        raise AttributeError(f"{self._name} does not exist in this step (asked for .{attribute})")

    def __setattr__(self, attribute, value):
        raise AttributeError(f"{self._name} does not exist in this step")

    def __call__(self, *args, **kwargs):
        raise NameError(f"{self._name} does not exist in this step")

    def __repr__(self):
        return f"<missing {self._name}>"


def optional(module_name, *names):
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        module = None
    values = []
    for name in names:
        if module is not None and hasattr(module, name):
            values.append(getattr(module, name))
            continue
        try:  # `from authapp import auth`: a submodule
            values.append(importlib.import_module(f"{module_name}.{name}"))
        except ImportError:
            values.append(Missing(f"{module_name}.{name}"))
    return values[0] if len(values) == 1 else tuple(values)
