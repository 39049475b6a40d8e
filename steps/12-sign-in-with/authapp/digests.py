"""Digests: what the server must recognise again but never keep as it came.

A session token is looked up by its SHA-256 (sessions.py), so a copy of the
database holds no cookie that works. The rate limiter files names and email
addresses under their SHA-256 (limits.py), so its storage (maybe Redis) holds
no list of who tried to log in. One fast hash is enough for a random token of
256 bits, which nobody can guess; a password needs a slow one (hashing.py)."""
import hashlib


def digest(text):
    """The SHA-256 of `text`, in hex."""
    return hashlib.sha256(text.encode()).hexdigest()
