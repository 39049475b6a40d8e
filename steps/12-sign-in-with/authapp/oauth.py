"""What the OAuth endpoints share: their parameters come form-encoded (RFC 6749,
section 3.2), and their errors are codes a program acts on (section 5.2)."""
from flask import current_app, json, request
from werkzeug.exceptions import HTTPException

from .validation import json_body, storable

FORM = "application/x-www-form-urlencoded"


class OAuthError(HTTPException):
    """e.g. OAuthError("slow_down", "poll every 10 seconds"): 400 {"error": "slow_down", "error_description": ...}."""

    def __init__(self, error, description, code=400, **extra):
        super().__init__(description)
        self.error, self.code, self.extra = error, code, extra


def oauth_error_as_json(error):
    body = {"error": error.error, "error_description": error.description, **error.extra}
    return current_app.response_class(json.dumps(body), error.code, {"Content-Type": "application/json"})


def init_oauth(app):
    # More specific than errors.py's handler for every HTTPException: Flask picks this one.
    app.register_error_handler(OAuthError, oauth_error_as_json)


def parameters(*names, json_too=False):
    """The named parameters (None when absent) of a form-encoded body, or of a
    JSON object if `json_too`. A parameter sent twice is refused (RFC 6749, section 3.2)."""
    if json_too and request.is_json:
        data = json_body()
        if not isinstance(data, dict):
            raise OAuthError("invalid_request", "the body must be a JSON object")
        values = {name: data.get(name) for name in names}
    elif request.mimetype == FORM:
        if any(len(request.form.getlist(name)) > 1 for name in request.form):
            raise OAuthError("invalid_request", "a parameter was sent more than once")
        values = {name: request.form.get(name) for name in names}
    else:
        raise OAuthError("invalid_request", f"send the parameters form-encoded ({FORM})")
    for name, value in values.items():
        if value is not None and not (isinstance(value, str) and storable(value)):
            raise OAuthError("invalid_request", f"{name} must be a string")
    return {name: value or None for name, value in values.items()}


def known_client(client_id):
    """The client_id of an app we know (DEVICE_CLIENTS). A public client has no
    secret to prove it (RFC 8628, section 3.1), but an unknown one is refused."""
    if client_id not in current_app.config["DEVICE_CLIENTS"]:
        raise OAuthError("invalid_client", "unknown client_id")
    return client_id
