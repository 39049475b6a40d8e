"""Checking what the client sent, with one clear message per field."""
import re

from email_validator import EmailNotValidError, validate_email
from flask import request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from .errors import FieldErrors
from .guessable import guessability_problem
from .models import normalized

USERNAME = re.compile(r"[A-Za-z0-9._-]{3,30}")
EMAIL_MAX_LENGTH = 254  # the longest address that can be used (RFC 5321's path limit)

# NIST SP 800-63B-4, section 3.1.1.2: a password used as the only factor must
# be at least 15 characters long; verifiers should allow at least 64, and must
# not impose composition rules (no "one digit, one symbol").
PASSWORD_MIN_LENGTH = 15
PASSWORD_MAX_LENGTH = 128  # ours: long enough for any passphrase, short enough to hash cheaply


def json_object():
    """The request body as a dict, or a 415 (not JSON) or 400 (not an object)."""
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON body with Content-Type: application/json")
    data = json_body()
    if not isinstance(data, dict):
        raise FieldErrors("the request body must be a JSON object", {})
    return data


def no_form_body():
    """A 415 for a form or text body, which any web page can send without
    JavaScript (so without a CORS preflight). No body at all is fine: that
    is what fetch() and curl send for a plain POST."""
    if request.content_type and not request.is_json:
        raise UnsupportedMediaType("send no body, or a JSON one")


def json_body():
    """The parsed JSON body, or None if it isn't valid JSON or can't be read."""
    try:
        return request.get_json(silent=True)
    except HTTPException:
        raise  # a 413: the body is over MAX_CONTENT_LENGTH
    except Exception:  # noqa: BLE001
        # Nested deeper than Python's parser goes ([[[[...]]]]: a RecursionError),
        # or a body the server can't read (gunicorn: a broken chunked encoding).
        return None


def json_string(name):
    """A string field of the JSON body, or "" if there is none. For code that
    runs before the view has checked the body: the rate limits."""
    data = json_body()
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) and storable(value) else ""


def required_strings(data, *names):
    """The named fields' values; a 400 naming every field that is missing or not a string."""
    problems = {}
    for name in names:
        if data.get(name) in (None, ""):
            problems[name] = "is required"
        elif not isinstance(data[name], str):
            problems[name] = "must be a string"
        elif not storable(data[name]):
            problems[name] = "must not contain NUL characters or unpaired surrogates"
    if problems:
        raise FieldErrors("some fields are missing or invalid", problems)
    return [data[name] for name in names]


def storable(text):
    """JSON can carry "\\u0000" and a lone "\\ud800", but UTF-8 can't encode a lone
    surrogate and PostgreSQL can't store NUL: refuse them here, not with a 500 later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def username_problem(username):
    if not USERNAME.fullmatch(username.strip()):
        return "must be 3 to 30 characters: letters, digits, '.', '_' or '-'"
    return None


def canonical_email(email):
    """The address as we store it (trimmed, lower-cased), or None unless it is a
    bare name@domain. email-validator refuses display names, comments, angle
    brackets, quotes, lists and whitespace: "Bob <alice@example.com>" or "a@x.com,
    b@y.com" could reach another mailbox, or several."""
    try:
        address = validate_email(email.strip(), check_deliverability=False)  # no DNS lookups
    except EmailNotValidError:
        return None
    return address.normalized.lower()


def email_problem(email):
    canonical = canonical_email(email)
    # Measured after lower-casing: "İ" becomes two characters.
    if canonical is None or len(canonical) > EMAIL_MAX_LENGTH:
        return "must be an email address like name@example.com"
    return None


def password_problem(password, context=()):
    """`context`: the account's username and email, which a password must not lean on."""
    password = normalized(password)  # judge what will be hashed
    # len() counts Unicode characters, as NIST asks, not bytes.
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"must be at least {PASSWORD_MIN_LENGTH} characters (a few words make a good one)"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"must be at most {PASSWORD_MAX_LENGTH} characters"
    return guessability_problem(password, context)


def check_registration(username, email, password):
    """The username and email as we store them; a 400 listing every field that breaks a rule."""
    problems = {
        "username": username_problem(username),
        "email": email_problem(email),
        "password": password_problem(password, (username, email)),
    }
    problems = {name: problem for name, problem in problems.items() if problem}
    if problems:
        raise FieldErrors("some fields are invalid", problems)
    return username, canonical_email(email)
