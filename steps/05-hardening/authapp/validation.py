"""Checking what the client sent, with one clear message per field."""
import re

from flask import request
from werkzeug.exceptions import UnsupportedMediaType

from .blocklist import is_common
from .errors import FieldErrors

USERNAME = re.compile(r"[A-Za-z0-9._-]{3,30}")
# Deliberately loose: something@something.tld, no spaces. Only a mail that
# arrives proves an address; a stricter pattern only refuses real ones.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX_LENGTH = 254

# NIST SP 800-63B-4, section 3.1.1.2: a password used as the only factor must
# be at least 15 characters long; verifiers should allow at least 64, and must
# not impose composition rules (no "one digit, one symbol").
PASSWORD_MIN_LENGTH = 15
PASSWORD_MAX_LENGTH = 128  # ours: long enough for any passphrase, short enough to hash cheaply


def json_object():
    """The request body as a dict, or a 415 (not JSON) or 400 (not an object)."""
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON body with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise FieldErrors("the request body must be a JSON object", {})
    return data


def required_strings(data, *names):
    """The named fields' values; a 400 naming every field that is missing or not a string."""
    problems = {}
    for name in names:
        if data.get(name) in (None, ""):
            problems[name] = "is required"
        elif not isinstance(data[name], str):
            problems[name] = "must be a string"
    if problems:
        raise FieldErrors("some fields are missing or invalid", problems)
    return [data[name] for name in names]


def username_problem(username):
    if not USERNAME.fullmatch(username.strip()):
        return "must be 3 to 30 characters: letters, digits, '.', '_' or '-'"
    return None


def email_problem(email):
    email = email.strip()
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL.fullmatch(email):
        return "must be an email address like name@example.com"
    return None


def password_problem(password):
    # len() counts Unicode characters, as NIST asks, not bytes.
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"must be at least {PASSWORD_MIN_LENGTH} characters (a few words make a good one)"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"must be at most {PASSWORD_MAX_LENGTH} characters"
    if is_common(password):
        return "is one of the most common passwords, so it is guessed first: choose another"
    return None


def check_registration(username, email, password):
    """A 400 listing every field that breaks a rule."""
    problems = {
        "username": username_problem(username),
        "email": email_problem(email),
        "password": password_problem(password),
    }
    problems = {name: problem for name, problem in problems.items() if problem}
    if problems:
        raise FieldErrors("some fields are invalid", problems)
