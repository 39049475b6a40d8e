"""Password hashes from before this step, and checks that all take the same time.

Steps 01-04 stored Werkzeug's default, scrypt:32768:8:1: a quarter of OWASP's
minimum cost. Waiting for each user's next login to re-hash would leave those
weak hashes in the database for years, and would make such accounts answer a
login four times faster than a name with no account (the "dummy hash" is at
today's cost), so one request would tell an attacker that the account exists.

So migration 0003 upgrades every old hash at once, without knowing any
password, by hashing the old hash at today's cost ("wrapping" it, as the OWASP
Password Storage Cheat Sheet describes for legacy hashes):

    wrapped$scrypt:32768:8:1$<old salt>$<today's hash of the old hash>

Checking a wrapped hash costs the old scrypt and then today's. To keep every
check equally long, the others run the old scrypt too, on nothing in particular.
"""
import hashlib
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

WRAPPED = "wrapped"
FILLER_SALT = "only here to take the same time"


def wrap(old_hash, method):
    """The wrapped form of an old Werkzeug scrypt hash, with today's `method` outside."""
    old_method, salt, digest = old_hash.split("$", 2)
    return "$".join([WRAPPED, old_method, salt, generate_password_hash(digest, method=method)])


def check_hash(stored, password):
    """check_password_hash() for a plain or a wrapped hash, always doing the same work:
    one scrypt at the legacy cost, then one check at the stored hash's cost."""
    if stored.startswith(WRAPPED + "$"):
        _, old_method, salt, outer = stored.split("$", 3)
        return check_password_hash(outer, old_scrypt(old_method, salt, password))
    if legacy := current_app.config["LEGACY_PASSWORD_HASH_METHOD"]:  # None once no wrapped hash is left
        old_scrypt(legacy, FILLER_SALT, password)
    return check_password_hash(stored, password)


def old_scrypt(method, salt, password):
    """The hex digest an old hash holds: scrypt as Werkzeug computes it."""
    n, r, p = (int(number) for number in method.split(":")[1:])
    return hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()


def method_of(stored):
    """The method a stored hash was made with, as Werkzeug writes it ("scrypt:131072:8:1")."""
    return stored.split("$", 1)[0]


@cache
def written_method(method):
    """A method as Werkzeug writes it into a hash ("scrypt" becomes
    "scrypt:32768:8:1"), found by making one hash, once per method."""
    return method_of(generate_password_hash("", method=method))
