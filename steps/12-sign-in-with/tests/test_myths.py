"""What beginner tutorials get wrong about Flask's session, shown."""
import base64
import json

from flask import Flask, session

from conftest import PASSWORD


def naive_app():
    """The usual tutorial: session["user_id"] in Flask's cookie, logout = session.clear()."""
    app = Flask("naive")
    app.secret_key = "tutorial"

    @app.post("/login")
    def login():
        session["user_id"] = 1
        return "ok"

    @app.get("/me")
    def me():
        return {"user_id": session["user_id"]} if "user_id" in session else ("", 401)

    @app.post("/logout")
    def logout():
        session.clear()
        return "ok"

    return app


def test_flask_session_is_signed_not_encrypted():
    client = naive_app().test_client()
    client.post("/login")
    payload = client.get_cookie("session").value.split(".")[0]
    # Anyone holding the cookie reads it without the secret key.
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert decoded == {"user_id": 1}


def test_session_clear_does_not_revoke_a_copied_cookie():
    app = naive_app()
    client = app.test_client()
    client.post("/login")
    stolen = client.get_cookie("session").value
    client.post("/logout")
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    assert attacker.get("/me").status_code == 200  # still "logged in": nothing on the server changed


def test_our_cookie_holds_only_a_random_token(app, client):
    client.post("/auth/register", json={"username": "alice", "email": "alice@example.com",
                                        "password": PASSWORD})
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    data = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    assert list(data) == ["sid"]
