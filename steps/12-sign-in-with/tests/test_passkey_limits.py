"""Rate limits for passkeys. Nobody can guess a signature, so a passkey login
has no count per name or per account: the limit per address is against
floods (each request for options stores a challenge). Adding and removing
ask for the password, so a stolen session gets few guesses at it."""
from conftest import PASSWORD, add_passkey, sign_in

ALICE = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}


def from_address(browser, path, address):
    return browser.post(path, environ_base={"REMOTE_ADDR": address})


def test_an_address_gets_twenty_passkey_requests_a_minute(app, client, authenticator):
    # Options and answers together: ten logins a minute.
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    add_passkey(client, authenticator)
    flood = [from_address(app.test_client(), "/auth/passkeys/login/options", "203.0.113.7").status_code
             for _ in range(20)]
    assert flood == [200] * 20
    response = from_address(app.test_client(), "/auth/passkeys/login/options", "203.0.113.7")
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many passkey logins from your address: try again later"}
    assert response.headers["Retry-After"]
    assert from_address(app.test_client(), "/auth/passkeys/login/verify", "203.0.113.7").status_code == 429
    assert sign_in(client, authenticator).status_code == 200  # from 127.0.0.1: that address has its own count


def test_adding_and_removing_share_ten_tries_an_hour(client, authenticator):
    client.post("/auth/register", json=ALICE)
    client.post("/auth/login", json={"username": "alice", "password": PASSWORD})
    added = add_passkey(client, authenticator).get_json()["passkey"]  # two requests: options, answer
    wrong = {"password": "not my password at all"}
    statuses = [client.post("/auth/passkeys/register/options", json=wrong).status_code for _ in range(4)]
    statuses += [client.delete(f"/auth/passkeys/{added['id']}", json=wrong).status_code for _ in range(4)]
    assert statuses == [403] * 8
    response = client.delete(f"/auth/passkeys/{added['id']}", json={"password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json() == {"error": "too many passkey changes: try again later"}
    assert client.post("/auth/passkeys/register/options", json={"password": PASSWORD}).status_code == 429
