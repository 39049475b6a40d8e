"""Migration 0005 on a database from before it: old accounts have
two-factor off and log in with their password as before, and no id is reused.
(test_migration_0004.py keeps step 06's revision checked.)"""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from authapp.extensions import db
from authapp.models import User, add_user
from conftest import PASSWORD
from migration_helpers import MIGRATIONS, database_before

# Flask-Migrate's generated env.py asks for db.get_engine() first, which warns.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def step_06_database(app, monkeypatch):
    """The test database as step 06 leaves it (migrations 0001-0004), with one verified account."""
    yield from database_before(app, monkeypatch, "0004", email_verified=True)


def test_accounts_from_before_have_two_factor_off_and_log_in_as_before(step_06_database, client):
    with step_06_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        upgrade(directory=MIGRATIONS)  # and the later ones, which today's model reads
    response = client.post("/auth/login", json={"username": "old", "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "old"
    assert response.get_json()["user"]["roles"] == []  # 0007: nobody is an admin by upgrading
    assert client.get("/auth/2fa").get_json() == {"enabled": False, "recovery_codes_left": 0}


def test_the_upgrade_keeps_ids_from_being_reused(step_06_database):
    # A batch migration would rebuild the users table on SQLite, and lose
    # AUTOINCREMENT: the next account would get the deleted one's id.
    with step_06_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        upgrade(directory=MIGRATIONS)  # and the later ones, which today's model reads
        db.session.execute(db.delete(User))
        db.session.commit()
        assert add_user("new", "new@example.com", PASSWORD).id == 2
        assert db.session.get(User, 2).disabled_at is None  # 0007's column: no account starts disabled


def test_the_downgrade_removes_what_the_upgrade_added(step_06_database):
    with step_06_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        downgrade(directory=MIGRATIONS, revision="0004")
        tables = inspect(db.engine)
        assert not {"recovery_codes", "pending_logins"} & set(tables.get_table_names())
        assert not {"totp_secret", "totp_last_step"} & {column["name"] for column in tables.get_columns("users")}
