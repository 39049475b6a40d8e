"""Deny by default: every view says who may call it, and a view that says
nothing is refused when it is called.

    @public                            anyone, logged in or not
    @login_required (sessions.py)      a logged-in user
    @permission_required("users:read") a logged-in user whose roles give it

Each rule marks its view (`access_rule`); functools.wraps copies the mark
through the other decorators. refuse_undeclared() runs before every view and
turns away one without a mark: a route added in a hurry fails closed, with a
403 and a line in the log, instead of being open to everyone (OWASP
Authorization Cheat Sheet: "deny by default").
"""
from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from .roles import permissions_of
from .sessions import current_session


def public(view):
    """Anyone may call this view: say so, so that nobody has to guess."""
    view.access_rule = "public"
    return view


def permission_required(permission):
    """Run the view only for a logged-in user (g.user) whose roles give
    `permission`: 401 for nobody, 403 for a user without it."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            record = current_session()
            if record is None:
                raise Unauthorized("login required")
            g.session, g.user = record, record.user
            if permission not in permissions_of(g.user):  # read from the database now
                raise Forbidden("you don't have permission to do this")
            return view(*args, **kwargs)
        wrapper.access_rule = f"permission {permission}"
        return wrapper
    return decorate


def access_rule(view):
    return getattr(view, "access_rule", None)


def refuse_undeclared():
    """Before every request: a view without a rule is not run."""
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and access_rule(view) is None:
        current_app.logger.error("the view %s declares no access rule: refused", request.endpoint)
        raise Forbidden("this route declares no access rule, so nobody may call it (deny by default)")


def init_access(app):
    app.before_request(refuse_undeclared)
