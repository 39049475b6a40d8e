"""Passwords an attacker would guess early. NIST SP 800-63B-4 (3.1.1.2) asks
for a blocklist of common passwords, and ASVS 5.0 (V6.2.4, V6.2.11) for words
from the context. At 15 characters and more, a list alone catches almost
nothing, so we ask zxcvbn, Dropbox's guess estimator (the Python port that
Flask-Security-Too uses too): it knows common passwords, words and names, and
sees repeats, sequences, keyboard patterns, dates and the context words we
give it: the user's name and email address, and our service's name."""
import re

from zxcvbn import zxcvbn

SERVICE_WORDS = ["flask", "auth", "flaskauth", "flask auth step by step"]
# zxcvbn's score 3 starts at 10^8 guesses: far beyond any rate limit, and a long
# way for an offline attacker at 0.1-0.5 s per scrypt guess. We ask for more
# than that, not "at least": zxcvbn puts any three cheap pieces (a word, a
# space, the same word) at 10^8 plus a little, exactly on the line.
MIN_GUESSES = 10**8
# zxcvbn's work grows fast with length: 72 crafted characters cost it seconds
# of CPU, 24 at most a fifth of one. So the first 24 characters decide.
CHECKED_LENGTH = 24
SEPARATORS = re.compile(r"[\W_]+")  # spaces, dots, dashes...: anything but letters and digits


def guessability_problem(password, context=()):
    """Why this password would be guessed early, or None. It is judged twice:
    as typed, and as what is left without the context words and separators,
    since an attacker tries "alexander alexander" as early as "alexander".
    The lower estimate decides."""
    words = SERVICE_WORDS + [part for word in context for part in (word, *word.split("@"))]
    rest = without_context(password, words)
    if not rest:
        return "is too easy to guess: it is made of your username or email"
    results = [zxcvbn(text[:CHECKED_LENGTH], user_inputs=words) for text in (password, rest)]
    weakest = min(results, key=lambda result: result["guesses"])
    if weakest["guesses"] > MIN_GUESSES:
        return None
    warning = weakest["feedback"]["warning"].rstrip(".")
    return f"is too easy to guess ({warning})" if warning else "is too easy to guess: add a word or two"


def without_context(password, words):
    """The password in lower case, without the context words (longest first)
    and without separators: what an attacker who knows the account still has
    to guess."""
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word.lower(), "")
    return SEPARATORS.sub("", rest)
