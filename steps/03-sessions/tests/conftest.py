"""Fixtures in the style of the Flask docs: app, client, runner."""
import pytest

from authapp import create_app
from authapp.extensions import db


@pytest.fixture
def app(tmp_path):
    # A fresh SQLite file per test: real SQL, nothing shared between tests.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}")
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
