"""Every error is JSON, never Flask's HTML error page."""
from flask import Response, json
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException


class FieldErrors(HTTPException):
    """An error that also says what is wrong with each field: {"name": "problem"}."""

    def __init__(self, description, fields, code=400):
        super().__init__(description)
        self.fields = fields
        self.code = code


def http_error_as_json(error):
    body = {"error": error.description}
    if isinstance(error, FieldErrors):
        body["fields"] = error.fields
    # Built as JSON from the start (error.get_response() would write Werkzeug's
    # HTML page first), with the error's own headers (Allow on a 405, for
    # example), in their order; its Content-Type, the HTML page's, becomes ours.
    headers = Headers(error.get_headers())
    headers["Content-Type"] = "application/json"
    return Response(json.dumps(body), error.code, headers)


def register_error_handlers(app):
    # One handler for every HTTPException: 404, 405... and 500, because Flask
    # wraps any unhandled exception in an InternalServerError before handling it.
    app.register_error_handler(HTTPException, http_error_as_json)
