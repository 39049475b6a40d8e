"""Deny by default: every view declares who may call it (@public,
@login_required, @permission_required); a view that declares nothing is refused."""
from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from .roles import permissions_of
from .sessions import current_session


def public(view):
    view.access_rule = "public"
    return view


def permission_required(permission):
    """401 without a session, 403 unless the user's roles give `permission`."""
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
    """Before every request. functools.wraps copies the mark through other decorators."""
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and access_rule(view) is None:
        current_app.logger.error("the view %s declares no access rule: refused", request.endpoint)
        raise Forbidden("this route declares no access rule, so nobody may call it (deny by default)")


def init_access(app):
    app.before_request(refuse_undeclared)
