"""Passwords an attacker would guess early. NIST SP 800-63B-4 (3.1.1.2) asks
for a blocklist of common passwords, and ASVS 5.0 (V6.2.4, V6.2.11) for words
from the context. At 15 characters and more, a list alone catches almost
nothing, so we ask zxcvbn, Dropbox's guess estimator (the Python port that
Flask-Security-Too uses too): it knows common passwords, words and names, and
sees repeats, sequences, keyboard patterns, dates and the context words we
give it: the user's name and email address, and our service's name."""
from zxcvbn import zxcvbn

SERVICE_WORDS = ["flask", "auth", "flaskauth", "flask auth step by step"]
# zxcvbn's score 3 means at least 10^8 guesses: far beyond any rate limit, and
# a long way for an offline attacker at 0.1-0.5 s per scrypt guess.
MIN_SCORE = 3
# zxcvbn's work grows fast with length: 72 crafted characters cost it seconds
# of CPU, 24 at most a fifth of one. So the first 24 characters decide.
CHECKED_LENGTH = 24


def guessability_problem(password, context=()):
    """Why this password would be guessed early, or None."""
    words = SERVICE_WORDS + [part for word in context for part in (word, *word.split("@"))]
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"].rstrip(".")
    return f"is too easy to guess ({warning})" if warning else "is too easy to guess: add a word or two"
