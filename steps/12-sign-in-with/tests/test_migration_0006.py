"""Migration 0006 on a database from before it: old accounts have no
passkey and log in with their password as before; no id is reused.
(test_migration_0004.py and test_migration_0005.py keep steps 06 and 07's
revisions checked.)"""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from authapp.extensions import db
from authapp.models import User, add_user
from conftest import PASSWORD, SoftwareAuthenticator, add_passkey
from migration_helpers import MIGRATIONS, database_before

# Flask-Migrate's generated env.py asks for db.get_engine() first, which warns.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def step_07_database(app, monkeypatch):
    """The test database as step 07 leaves it (migrations 0001-0005), with one verified account."""
    yield from database_before(app, monkeypatch, "0005", email_verified=True)


def test_accounts_from_before_have_no_passkeys_and_log_in_as_before(step_07_database, client):
    with step_07_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0006")
        upgrade(directory=MIGRATIONS)  # and the later ones, which today's model reads
    response = client.post("/auth/login", json={"username": "old", "password": PASSWORD})
    assert response.get_json()["user"]["username"] == "old"
    assert response.get_json()["user"]["roles"] == []  # 0007: nobody is an admin by upgrading
    assert client.get("/auth/passkeys").get_json() == {"passkeys": []}
    assert add_passkey(client, SoftwareAuthenticator(), password=PASSWORD).status_code == 201


def test_the_passkey_migration_leaves_the_users_table_alone(step_07_database):
    # Two new tables only: no batch rebuild of users, which would lose AUTOINCREMENT on SQLite.
    with step_07_database.app_context():
        before = users_columns()
        upgrade(directory=MIGRATIONS, revision="0006")
        assert users_columns() == before
        upgrade(directory=MIGRATIONS)  # and the later ones, which today's model reads
        db.session.execute(db.delete(User))
        db.session.commit()
        assert add_user("new", "new@example.com", PASSWORD).id == 2
        assert db.session.get(User, 2).disabled_at is None  # 0007's column: no account starts disabled


def users_columns():
    columns = inspect(db.engine).get_columns("users")
    return [(column["name"], str(column["type"]), column["nullable"]) for column in columns]


def test_the_passkey_downgrade_removes_its_tables(step_07_database):
    with step_07_database.app_context():
        upgrade(directory=MIGRATIONS, revision="0006")
        downgrade(directory=MIGRATIONS, revision="0005")
        assert not {"passkeys", "passkey_challenges"} & set(inspect(db.engine).get_table_names())
