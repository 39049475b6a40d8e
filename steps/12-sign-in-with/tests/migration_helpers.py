"""What every migration test needs: the database as an earlier step left it.

One test file per revision (test_migration_0004.py, ...): a later step adds
its own file and keeps the earlier ones, and each builds its "before" here."""
import logging.config
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

import authapp
from authapp.extensions import db
from authapp.models import hash_password
from conftest import PASSWORD

MIGRATIONS = str(Path(authapp.__file__).resolve().parent.parent / "migrations")


def database_before(app, monkeypatch, revision, **old_account):
    """For a fixture to `yield from`: the test database upgraded only as far as
    `revision` (as the step that ends there leaves it), holding one account
    named "old", with the tests' PASSWORD, whose row also has `old_account`."""
    # env.py sets up logging for the command line; in this process that would
    # switch off the app's own loggers for every later test.
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)
    with app.app_context():
        row = {"username": "old", "email": "old@example.com", "password_hash": hash_password(PASSWORD),
               "created_at": "2026-01-01", **old_account}
        db.drop_all()
        upgrade(directory=MIGRATIONS, revision=revision)
        # Plain SQL: the app's model describes the newest tables, not these.
        columns = ", ".join(row)
        values = ", ".join(f":{name}" for name in row)  # bound parameters: the values are sent apart
        db.session.execute(text(f"INSERT INTO users ({columns}) VALUES ({values})"), row)
        db.session.commit()
    yield app
    with app.app_context():  # the app fixture drops the model's tables, not Alembic's own
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
