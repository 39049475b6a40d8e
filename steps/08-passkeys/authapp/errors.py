"""Every error is JSON, never Flask's HTML error page."""
from flask import json
from werkzeug.exceptions import HTTPException


class FieldErrors(HTTPException):
    """An error that also says what is wrong with each field: {"name": "problem"}."""

    def __init__(self, description, fields, code=400):
        super().__init__(description)
        self.fields = fields
        self.code = code


def http_error_as_json(error):
    # get_response() keeps the error's headers (Allow on a 405, for example).
    response = error.get_response()
    body = {"error": error.description}
    if isinstance(error, FieldErrors):
        body["fields"] = error.fields
    response.data = json.dumps(body)
    response.content_type = "application/json"
    return response


def register_error_handlers(app):
    # One handler for every HTTPException: 404, 405... and 500, because Flask
    # wraps any unhandled exception in an InternalServerError before handling it.
    app.register_error_handler(HTTPException, http_error_as_json)
