"""A command-line app that signs in to step 11 (and later steps) the way a
native app should: the device flow (RFC 8628). It never sees your password.

    python examples/device_sign_in.py http://127.0.0.1:5000

It asks the server for a code, shows it, and polls until you have approved
the code in a browser where you are logged in (POST /auth/device/approve).
Then it reads your account and your notes with the access token, gets a new
access token with the refresh token, and revokes the refresh token at the end.
Standard library only: it runs with any Python 3.8+, no .venv needed."""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CLIENT_ID = "flask-auth-cli"  # the steps' DEVICE_CLIENTS
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def post_form(url, **fields):
    """POST form-encoded, as RFC 6749 asks: the status and the JSON answer."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    return send(request)


def get_json(url, access_token):
    return send(urllib.request.Request(url, headers={"Authorization": f"Bearer {access_token}"}))


def send(request):
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:  # 4xx and 5xx arrive here, with their JSON body
        return error.code, json.loads(error.read() or b"{}")


def sign_in(server, show, wait=time.sleep):
    """The device flow: the token answer. `show(user_code, verification_uri)`
    tells the person what to do; `wait(seconds)` waits between polls."""
    status, started = post_form(f"{server}/auth/device", client_id=CLIENT_ID)
    if status != 200:
        raise SystemExit(f"the server refused to start: {started}")
    show(started["user_code"], started["verification_uri"])
    interval = started["interval"]
    while True:
        status, answer = post_form(f"{server}/auth/token", grant_type=DEVICE_CODE_GRANT,
                                   device_code=started["device_code"], client_id=CLIENT_ID)
        if status == 200:
            return answer
        error = answer.get("error")
        if error == "slow_down":  # RFC 8628, section 3.5: we polled too soon; wait longer from now on
            interval = answer.get("interval", interval + 5)
        elif error != "authorization_pending":  # access_denied, expired_token...: nothing more to wait for
            raise SystemExit(f"not signed in: {error}: {answer.get('error_description')}")
        wait(interval)


def show_on_terminal(user_code, verification_uri):
    print(f"Open {verification_uri} in a browser where you are logged in, and approve this code: {user_code}")
    print("(or: POST /auth/device/approve with {\"user_code\": \"" + user_code + "\"})", flush=True)


def main(server):
    server = server.rstrip("/")
    tokens = sign_in(server, show_on_terminal)
    print(f"Signed in. Scopes: {tokens['scope']}; the access token works for {tokens['expires_in']} seconds.")
    status, me = get_json(f"{server}/auth/me", tokens["access_token"])
    print(f"GET /auth/me: {status} {me}")
    status, notes = get_json(f"{server}/notes", tokens["access_token"])
    print(f"GET /notes: {status} {notes}")
    status, renewed = post_form(f"{server}/auth/token", grant_type="refresh_token",
                                refresh_token=tokens["refresh_token"], client_id=CLIENT_ID)
    print(f"Refreshed: {status}; the old refresh token is used up, a new one came with the new access token.")
    status, _ = post_form(f"{server}/auth/token/revoke", token=renewed["refresh_token"])
    print(f"Revoked the refresh token: {status}. The access token still works until it expires.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
