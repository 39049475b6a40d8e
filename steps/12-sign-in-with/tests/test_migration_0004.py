"""Migration 0004 on a database from before it: old accounts are
grandfathered as verified, new ones start unverified, and no id is reused.
One file per revision: a later step adds its own file and keeps this one, so
each test upgrades on to the step's head before the app's model writes."""
import pytest
from flask_migrate import upgrade

from authapp.extensions import db
from authapp.models import User, add_user
from conftest import PASSWORD
from migration_helpers import MIGRATIONS, database_before

# Flask-Migrate's generated env.py asks for db.get_engine() first, which warns.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def step_05_database(app, monkeypatch):
    """The test database as step 05 leaves it (migrations 0001-0003), with one account in it."""
    yield from database_before(app, monkeypatch, "0003")


def verified(name):
    return db.session.scalar(db.select(User.email_verified).where(User.username == name))


def test_accounts_from_before_are_verified_and_new_ones_are_not(step_05_database):
    with step_05_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        assert verified("old") is True
        db.session.rollback()  # end that read: on PostgreSQL a later revision's ALTER TABLE would wait for it
        upgrade(directory=MIGRATIONS)  # the later revisions too, which today's model writes to
        add_user("new", "new@example.com", PASSWORD)
        assert verified("new") is False


def test_the_upgrade_keeps_ids_from_being_reused(step_05_database):
    # A batch migration would rebuild the users table on SQLite, and lose
    # AUTOINCREMENT: the next account would get the deleted one's id.
    with step_05_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        upgrade(directory=MIGRATIONS)
        db.session.execute(db.delete(User))
        db.session.commit()
        assert add_user("new", "new@example.com", PASSWORD).id == 2

