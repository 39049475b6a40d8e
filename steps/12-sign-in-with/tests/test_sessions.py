"""Login starts a server-side session; logout, timeouts and a new login end it."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.exc import IntegrityError

from authapp.extensions import db
from authapp.models import User, UserSession, utcnow
from conftest import PASSWORD


def log_in(client):
    response = client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    return response


def cookie_copy(client):
    return client.get_cookie("session").value


def browser_with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


@pytest.mark.contract
def test_me_after_login(client, alice):
    log_in(client)
    response = client.get("/auth/me")
    assert response.status_code == 200
    user = response.get_json()["user"]
    assert user["username"] == "alice"
    assert set(user) == {"id", "username", "email", "email_verified", "roles"}  # never the hash


@pytest.mark.contract
def test_me_without_login_is_401_json(client):
    response = client.get("/auth/me")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


@pytest.mark.contract
def test_logout_ends_the_session(client, alice):
    log_in(client)
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/auth/me").status_code == 401


def test_a_copy_of_the_cookie_is_worthless_after_logout(app, client, alice):
    log_in(client)
    stolen = cookie_copy(client)
    client.post("/auth/logout")
    # The copy still carries a valid signature, but its row is gone.
    assert browser_with_cookie(app, stolen).get("/auth/me").status_code == 401


@pytest.mark.contract
def test_logout_without_a_session_is_harmless(client):
    assert client.post("/auth/logout").status_code == 204


def test_the_database_stores_a_hash_of_the_token_not_the_token(app, client, alice):
    log_in(client)
    token = app.session_interface.get_signing_serializer(app).loads(cookie_copy(client))["sid"]
    with app.app_context():
        (row,) = db.session.scalars(db.select(UserSession)).all()
    assert row.id != token and token not in row.id
    assert len(row.id) == 64


def test_the_token_has_at_least_128_random_bits(app, client, alice):
    log_in(client)
    token = app.session_interface.get_signing_serializer(app).loads(cookie_copy(client))["sid"]
    assert len(token) * 6 >= 128  # url-safe base64: 6 bits per character


def test_every_login_gets_a_new_session_id_and_ends_the_old_one(app, client, alice):
    log_in(client)
    before = cookie_copy(client)
    log_in(client)
    assert cookie_copy(client) != before
    assert browser_with_cookie(app, before).get("/auth/me").status_code == 401
    assert client.get("/auth/me").status_code == 200


def test_two_browsers_have_two_independent_sessions(app, client, alice):
    other = app.test_client()
    log_in(client)
    log_in(other)
    client.post("/auth/logout")
    assert other.get("/auth/me").status_code == 200


def age_sessions(app, created=timedelta(0), last_seen=timedelta(0)):
    with app.app_context():
        for row in db.session.scalars(db.select(UserSession)):
            row.created_at = utcnow() - created
            row.last_seen_at = utcnow() - last_seen
        db.session.commit()


def test_idle_timeout_ends_the_session_on_the_server(app, client, alice):
    log_in(client)
    age_sessions(app, created=timedelta(minutes=31), last_seen=timedelta(minutes=31))
    assert client.get("/auth/me").status_code == 401
    with app.app_context():
        assert db.session.scalars(db.select(UserSession)).all() == []


def test_activity_within_the_idle_timeout_keeps_the_session(app, client, alice):
    log_in(client)
    age_sessions(app, created=timedelta(minutes=29), last_seen=timedelta(minutes=29))
    assert client.get("/auth/me").status_code == 200
    with app.app_context():
        row = db.session.scalars(db.select(UserSession)).one()
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_absolute_timeout_ends_even_an_active_session(app, client, alice):
    log_in(client)
    age_sessions(app, created=timedelta(hours=8, minutes=1), last_seen=timedelta(seconds=0))
    assert client.get("/auth/me").status_code == 401


def test_timeouts_are_configurable():
    from authapp import create_app
    app = create_app("testing", SESSION_IDLE_TIMEOUT=timedelta(minutes=5))
    assert app.config["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=5)
    assert app.config["SESSION_ABSOLUTE_TIMEOUT"] == timedelta(hours=8)


def test_a_forged_cookie_is_rejected(app, alice):
    forger = app.test_client()
    forger.set_cookie("session", "eyJzaWQiOiJ4In0.forged.signature")
    assert forger.get("/auth/me").status_code == 401


def test_me_costs_one_query(app, client, alice):
    # The session row and its user come back together (lazy="joined"): one
    # round trip to the database per request, not two. From step 09 a second
    # one reads the user's roles, on purpose: a demotion counts at once.
    log_in(client)
    selects = []

    def count_selects(connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_selects)
    try:
        assert client.get("/auth/me").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_selects)
    assert len([select for select in selects if "user_roles" not in select]) == 1
    assert any("user_roles" in select for select in selects)  # the roles, read now, never from the cookie


def delete_every_user(app):
    with app.app_context():
        db.session.execute(db.delete(User))
        db.session.commit()


def test_the_database_enforces_foreign_keys(app):
    # SQLite would store a session of a user who doesn't exist, unless the
    # connection switched foreign keys on; PostgreSQL always refuses it.
    with app.app_context():
        db.session.add(UserSession(id="0" * 64, user_id=12345))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_foreign_keys_are_on_for_this_apps_database_only(app):
    """The app switches SQLite's foreign keys on for its own engine, and for no
    other engine in the process (an import must not change other programs)."""
    with app.app_context(), db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":  # PostgreSQL has no switch: always on
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    another_program = create_engine("sqlite://")
    with another_program.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0


def test_deleting_a_user_deletes_their_sessions(app, client, alice):
    log_in(client)
    delete_every_user(app)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 0
    assert client.get("/auth/me").status_code == 401


def test_an_old_cookie_never_logs_into_the_next_account(app, client, alice):
    log_in(client)
    delete_every_user(app)
    app.test_client().post("/auth/register", json={"username": "bob", "email": "bob@example.com",
                                                   "password": PASSWORD})
    assert client.get("/auth/me").status_code == 401


def test_a_session_whose_user_is_gone_is_no_session(app, client, alice):
    # A database where the cascade didn't happen (foreign keys off, an old file).
    log_in(client)
    with app.app_context(), db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:  # PostgreSQL always enforces them: drop the constraint, as an old schema might lack it
            connection.exec_driver_sql("ALTER TABLE sessions DROP CONSTRAINT fk_sessions_user_id_users")
        connection.exec_driver_sql("DELETE FROM users")
        connection.commit()
    assert client.get("/auth/me").status_code == 401
