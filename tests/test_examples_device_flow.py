"""examples/device_sign_in.py, the command-line app of step 11's page: the
real script signs in to a running step with the device flow, over real HTTP,
and reads the account with its access token. From step 11 on, the last step."""
import importlib.util
import json
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

import memo
from browser_servers import ApiServer
from conftest import STEPS
from tools import steps

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "device_sign_in.py"
DEVICE_STEPS = [step for step in STEPS if int(steps.number(step)) >= 11]
PASSWORD = "correct horse battery staple"
FRONT_END = "http://localhost:3000"


def the_example():
    """examples/device_sign_in.py as a module: its sign_in() takes what to show and how to wait."""
    spec = importlib.util.spec_from_file_location("device_sign_in", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Browser:
    """Alice's browser: JSON requests that keep cookies."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())


def logged_in_alice(server):
    browser = Browser(server.url)
    browser.post("/auth/register", {"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    link = server.verification_link("alice@example.com")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
    browser.post("/auth/verify-email", {"token": token, "password": PASSWORD})
    browser.post("/auth/login", {"username": "alice", "password": PASSWORD})
    return browser


def memo_inputs(item):
    """examples/device_sign_in.py against the last step with the device flow (its app, its
    test provider): the repository but the step pages, which the example doesn't read."""
    return memo.everything_but_the_pages_of_other_steps([])


@pytest.mark.skipif(not DEVICE_STEPS, reason="no step with the device flow (11 or later)")
def test_the_example_app_signs_in_with_the_device_flow(tmp_path):
    server = ApiServer(DEVICE_STEPS[-1], tmp_path, [FRONT_END], FRONT_END)
    try:
        browser = logged_in_alice(server)
        shown = []

        def alice_approves(user_code, verification_uri):
            """What the person does on reading the app's screen, before its first poll."""
            shown.append((user_code, verification_uri))
            assert browser.post("/auth/device/approve", {"user_code": user_code})["approved"] is True

        def no_second_poll(seconds):
            raise AssertionError(f"the app was told to wait {seconds} s: its first poll should have got tokens")

        example = the_example()
        tokens = example.sign_in(server.url, show=alice_approves, wait=no_second_poll)
        assert shown and shown[0][1] == f"{FRONT_END}/device"
        assert tokens["token_type"] == "Bearer" and tokens["scope"] == "account:read notes:read notes:write"
        status, me = example.get_json(f"{server.url}/auth/me", tokens["access_token"])
        assert (status, me["user"]["username"]) == (200, "alice")
    finally:
        server.stop()
