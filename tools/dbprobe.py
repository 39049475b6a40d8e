"""`flask db upgrade` then `flask db check`, in one process (one start-up of the
app instead of two): `python -m tools.dbprobe`, run from the app's folder
with DATABASE_URL set. tools/liveapp.py reads what it prints; the line
CHECKING separates the two, and the exit code says whether both succeeded.
"""
import sys

from flask_migrate import check, upgrade

from tools.liveapp import CHECKING


def main():
    sys.path.insert(0, ".")
    from authapp import create_app  # the learner's app, from the current folder
    app = create_app()
    with app.app_context():
        upgrade()
        print(CHECKING, flush=True)
        check()  # prints the differences and exits with 1 if models and migrations disagree


if __name__ == "__main__":
    main()
