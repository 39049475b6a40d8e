"""A rate limit is declared at its view (@rate_limited) and counted by the
Limiter of whichever app serves it: no list of endpoints, no order to keep."""
from flask import Blueprint, Flask

from authapp import auth
from authapp.access import public
from authapp.config import load_config
from authapp.errors import register_error_handlers
from authapp.extensions import db
from authapp.limits import address_key, init_limits, rate_limited

WRONG = "wrong password, again"


def login(client, password, username="alice", address="198.51.100.7"):
    return client.post("/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@rate_limited("PING_LIMIT", "too many pings", by=address_key)
@public  # from step 09 every view declares who may call it (access.py)
def ping():
    return {"pong": True}


def test_a_view_that_declares_a_limit_gets_it_wherever_it_is_registered(app):
    """The limit travels with the view: registered on the app or on a blueprint,
    after the app's Limiter was made, each route counts and answers 429 JSON."""
    app.config["PING_LIMIT"] = "2 per minute"
    app.add_url_rule("/ping", view_func=ping)
    elsewhere = Blueprint("elsewhere", __name__, url_prefix="/elsewhere")
    elsewhere.add_url_rule("/ping", view_func=ping)
    app.register_blueprint(elsewhere)
    for url in ("/ping", "/elsewhere/ping"):
        answers = [app.test_client().get(url) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 429]
        assert answers[-1].get_json() == {"error": "too many pings: try again later"}


def app_put_together(tmp_path, limits_first):
    """The login route and its limits, with init_limits run before or after the blueprint."""
    app = Flask("authapp")
    load_config(app, "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / f'{limits_first}.sqlite'}",
                                 "LOGIN_LIMIT_PER_ADDRESS": "2 per minute"})
    db.init_app(app)
    register_error_handlers(app)
    if limits_first:
        init_limits(app)
    app.register_blueprint(auth.bp)
    if not limits_first:
        init_limits(app)
    with app.app_context():
        db.create_all()
    return app


def test_init_limits_before_or_after_the_views_gives_the_same_limits(tmp_path):
    """No order to get wrong: a limit left out because init_limits ran before
    the blueprint was registered would leave logins unlimited."""
    for limits_first in (True, False):
        app = app_put_together(tmp_path, limits_first)
        statuses = [login(app.test_client(), WRONG, username="nobody").status_code for _ in range(3)]
        assert statuses == [401, 401, 429], f"init_limits {'before' if limits_first else 'after'} the blueprint"
