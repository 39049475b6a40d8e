"""Password hashing meets OWASP in production, is cheap in tests, and old hashes get upgraded."""
from werkzeug.security import generate_password_hash

from authapp.config import Config, DevelopmentConfig, ProductionConfig, TestingConfig
from authapp.extensions import db
from authapp.models import User

PASSWORD = "correct horse battery staple"
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


def make_alice_with_an_old_hash(app):
    with app.app_context():
        user = User(username="alice", email="alice@example.com",
                    password_hash=generate_password_hash(PASSWORD, method="scrypt:32768:8:1"))
        db.session.add(user)
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
    assert stored_hash(app).startswith("scrypt:32768:8:1$")


def test_new_passwords_use_the_configured_method(app, client):
    client.post("/auth/register", json={"username": "bob", "email": "bob@example.com", "password": PASSWORD})
    assert stored_hash(app).startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
