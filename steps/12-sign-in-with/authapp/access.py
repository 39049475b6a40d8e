"""Deny by default: every view declares who may call it (@public,
@login_required, @permission_required, @token_or_session); a view that
declares nothing is refused."""
from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from .bearer import BearerError, allowed_scopes, bearer_grant, has_bearer_token, refuse_mixed_credentials
from .limits import address_key, rate_limited
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


def token_or_session(scope):
    """A browser's session may call the view, and so may a bearer token
    (bearer.py) that has `scope` and whose owner may do it. A token request
    never reads the cookie, so a page on another site (CSRF) can't make one."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if has_bearer_token():
                grant = bearer_grant()
                if scope not in allowed_scopes(grant):
                    raise BearerError(403, f"this token may not do this: it needs the scope {scope}",
                                      "insufficient_scope", scope)
                g.session, g.user = None, grant.user
            else:
                record = current_session()
                if record is None:
                    raise BearerError(401, "login required")  # RFC 6750 section 3: say a token would do
                g.session, g.user = record, record.user
            return view(*args, **kwargs)
        wrapper.access_rule = f"token {scope} or session"
        return failed_tokens_limited(wrapper)
    return decorate


# Per address, every route that takes a token sharing one count. Only the 401s
# count: a script whose token works uses none of the allowance.
failed_tokens_limited = rate_limited(
    "BEARER_FAILURES_LIMIT_PER_ADDRESS", "too many refused tokens from your address", by=address_key, shared=True,
    exempt_when=lambda: not has_bearer_token(), deduct_when=lambda response: response.status_code == 401)


def may(permission):
    """Whether this request may do `permission`: a session, if its user may;
    a token, only if its scopes lend it too (an admin's token is no admin)."""
    if g.get("grant") is not None:
        return permission in allowed_scopes(g.grant)
    return permission in permissions_of(g.user)


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
    app.before_request(refuse_mixed_credentials)
