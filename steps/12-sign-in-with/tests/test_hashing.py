"""Password hashing meets OWASP in production, is cheap in tests, and old hashes get upgraded:
all at once by wrapping them, and again at the next login."""
import random
import statistics
import time

import pytest
from werkzeug.security import generate_password_hash

from authapp import create_app, hashing
from authapp.config import Config, DevelopmentConfig, ProductionConfig, TestingConfig
from authapp.extensions import db
from authapp.hashing import wrap
from authapp.models import User
from conftest import PASSWORD

# OWASP Password Storage Cheat Sheet, scrypt: N=2^17, r=8, p=1 at the least.
OWASP_MINIMUM_N, OWASP_MINIMUM_R = 2 ** 17, 8


def scrypt_parameters(method):
    name, n, r, p = method.split(":")
    assert name == "scrypt"
    return int(n), int(r), int(p)


def test_production_and_development_meet_the_owasp_minimum():
    for config in (ProductionConfig, DevelopmentConfig):
        n, r, p = scrypt_parameters(config.PASSWORD_HASH_METHOD)
        assert n >= OWASP_MINIMUM_N and r >= OWASP_MINIMUM_R and p >= 1


def test_werkzeugs_default_is_below_the_owasp_minimum():
    # The myth: "Werkzeug's default is secure enough". It is a quarter of OWASP's N.
    method = generate_password_hash("anything").split("$")[0]
    n, r, p = scrypt_parameters(method)
    assert (n, r, p) == (32768, 8, 1)
    assert n < OWASP_MINIMUM_N


def test_tests_hash_cheaply():
    assert scrypt_parameters(TestingConfig.PASSWORD_HASH_METHOD)[0] < 2 ** 12
    assert Config.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD


def make_alice_with_an_old_hash(app, wrapped=False):
    """Alice as steps 01-04 stored her, and, with wrapped=True, after migration 0003
    (verified, as migration 0004 leaves every account it finds)."""
    with app.app_context():
        stored = generate_password_hash(PASSWORD, method=app.config["LEGACY_PASSWORD_HASH_METHOD"])
        if wrapped:
            stored = wrap(stored, app.config["PASSWORD_HASH_METHOD"])
        db.session.add(User(username="alice", email="alice@example.com", password_hash=stored, email_verified=True))
        db.session.commit()


def stored_hash(app):
    with app.app_context():
        return db.session.scalar(db.select(User.password_hash))


def test_an_old_hash_is_upgraded_at_the_next_successful_login(app, client):
    make_alice_with_an_old_hash(app)
    assert client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200
    assert stored_hash(app).startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert app.test_client().post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200


def test_a_failed_login_upgrades_nothing(app, client):
    make_alice_with_an_old_hash(app)
    client.post("/auth/login", json={"username": "alice", "password": "not the password at all"})
    assert stored_hash(app).startswith(app.config["LEGACY_PASSWORD_HASH_METHOD"] + "$")


def test_new_passwords_use_the_configured_method(app, client):
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    assert stored_hash(app).startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


def test_the_legacy_method_is_werkzeugs_default_that_steps_01_to_04_stored():
    assert Config.LEGACY_PASSWORD_HASH_METHOD == generate_password_hash("x").split("$")[0]


def test_a_wrapped_hash_holds_no_weak_hash_and_still_logs_in(app, client):
    make_alice_with_an_old_hash(app, wrapped=True)
    stored = stored_hash(app)
    assert stored.startswith("wrapped$") and app.config["PASSWORD_HASH_METHOD"] + "$" in stored
    assert client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).status_code == 200
    assert stored_hash(app).startswith(app.config["PASSWORD_HASH_METHOD"] + "$")  # unwrapped at login


def test_a_wrapped_hash_refuses_a_wrong_password(app, client):
    make_alice_with_an_old_hash(app, wrapped=True)
    assert client.post("/auth/login", json={"username": "alice", "password": "not the password"}).status_code == 401


def test_without_wrapped_hashes_left_the_extra_work_can_be_switched_off(app, client, monkeypatch):
    app.config.update(LEGACY_PASSWORD_HASH_METHOD=None)
    extra = []
    monkeypatch.setattr(hashing, "old_scrypt", lambda *args: extra.append(args))
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    assert client.post("/auth/login", json={"username": "bob", "password": PASSWORD}).status_code == 200
    assert extra == []


@pytest.mark.parametrize("method", ["scrypt", "scrypt:1024:8:1"])
def test_needs_rehash_compares_with_what_werkzeug_writes(app, method):
    # "scrypt" is written out as "scrypt:32768:8:1": a hash made with it is current.
    app.config.update(PASSWORD_HASH_METHOD=method)
    with app.app_context():
        user = User(username="alice", email="alice@example.com")
        user.set_password(PASSWORD)
        assert not user.needs_rehash()


def test_a_wrapped_account_a_current_one_and_no_account_answer_in_the_same_time(tmp_path):
    # The attack: time a failed login per name. If an account carried over
    # from step 04 answered faster than a name with no account, one request
    # would tell that the account exists. Costs scaled down 32 times. Each round
    # times the three names back to back, in a shuffled order, so a busy moment
    # of the machine hits all three alike; we compare the rounds' ratios' medians.
    # The time is the CPU time of the thread that serves the request: the work
    # the attacker's clock measures, without the waits of a machine busy with
    # other programs, which made wall-clock medians fail now and then.
    app = create_app("testing", RATELIMIT_ENABLED=False, PASSWORD_HASH_METHOD="scrypt:4096:8:1",
                     LEGACY_PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'timing.sqlite'}")
    with app.app_context():
        db.create_all()
    make_alice_with_an_old_hash(app, wrapped=True)
    client = app.test_client()
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    names, ratios = ["alice", "bob", "nobody"], {"alice": [], "bob": []}
    for _ in range(25):
        random.shuffle(names)
        took = {}
        for name in names:
            start = time.thread_time()
            assert client.post("/auth/login", json={"username": name, "password": "wrong"}).status_code == 401
            took[name] = time.thread_time() - start
        for name in ratios:
            ratios[name].append(took[name] / took["nobody"])
    medians = {name: statistics.median(values) for name, values in ratios.items()}
    assert all(1 / 1.15 < median < 1.15 for median in medians.values()), medians
