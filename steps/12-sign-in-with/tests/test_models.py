"""The User model: password hashing and unique constraints."""
import pytest
from sqlalchemy.exc import IntegrityError

from authapp.extensions import db
from authapp.models import User
from conftest import PASSWORD


def make_user(username="alice", email="alice@example.com", password=PASSWORD):
    user = User(username=username, email=email)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def test_right_password_is_accepted(app):
    with app.app_context():
        assert make_user().check_password(PASSWORD)


def test_wrong_password_is_refused(app):
    with app.app_context():
        user = make_user()
        assert not user.check_password("correct horse battery stapler")
        assert not user.check_password("")


def test_hash_is_not_the_password(app):
    with app.app_context():
        user = make_user()
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


def test_two_hashes_of_one_password_differ(app):
    # A random salt per hash: equal passwords don't give equal hashes.
    with app.app_context():
        first = make_user("alice", "alice@example.com")
        second = make_user("bob", "bob@example.com")
        assert first.password_hash != second.password_hash
        assert first.check_password(PASSWORD) and second.check_password(PASSWORD)


def test_username_and_email_are_stored_trimmed_and_lower_cased(app):
    with app.app_context():
        user = make_user(" Alice ", " Alice@Example.COM ")
        assert (user.username, user.email) == ("alice", "alice@example.com")
        assert user.created_at is not None


@pytest.mark.parametrize("other", [
    {"username": "ALICE", "email": "other@example.com"},
    {"username": "other", "email": "ALICE@example.com"},
])
def test_username_and_email_are_unique_whatever_the_case(app, other):
    with app.app_context():
        make_user()
        with pytest.raises(IntegrityError):
            make_user(**other)


def test_to_dict_never_contains_the_hash(app):
    with app.app_context():
        public = make_user().to_dict()
        assert set(public) == {"id", "username", "email", "email_verified", "roles"}
        assert "hash" not in str(public) and "scrypt" not in str(public)


def test_a_password_typed_in_another_unicode_form_still_matches(app):
    # "é" as one character (NFC) or as "e" + a combining accent (NFD): the same password.
    composed, decomposed = "caf\u00e9 au lait, s'il vous pla\u00eet", "cafe\u0301 au lait, s'il vous plai\u0302t"
    with app.app_context():
        user = make_user(password=composed)
        assert user.check_password(decomposed)


def test_a_deleted_users_id_is_never_given_to_a_new_user(app):
    with app.app_context():
        old_id = make_user("alice", "alice@example.com").id
        db.session.delete(db.session.get(User, old_id))
        db.session.commit()
        assert make_user("bob", "bob@example.com").id != old_id
