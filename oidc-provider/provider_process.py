"""Start the test OpenID provider (provider.js) from Python, sign in with it
over plain HTTP, and stop it. The repository's tests and step 12's suite use it.

    provider = ProviderProcess.start(fixture, folder)   # fixture: {"clients", "accounts"}
    provider.issuer                                      # http://127.0.0.1:PORT
    provider.sign_in(authorization_url, "alice-at-provider")  # -> the redirect back to the app
    provider.stop()

One rule for a machine without Node (the Chromium rule, tests/browser.py):
in CI (CI=true) the tests fail, because a skipped check would pass unseen;
on a laptop they are skipped, with the reason and the fix.
"""
import json
import os
import queue
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

FOLDER = Path(__file__).resolve().parent
SCRIPT = FOLDER / "provider.js"
# oidc-provider 9 calls crypto.hash(), which Node has since 20.12 (it prefers 22).
MINIMUM_NODE = (20, 12)
START_TIMEOUT = 30  # seconds: a cold Node on a busy machine takes a few
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
SETUP_HINT = "python3 -m tools setup --oidc (runs npm ci in oidc-provider/)"


def node_program():
    return os.environ.get("NODE") or shutil.which("node")


def node_version(node):
    """(20, 20, 2) for the Node at `node`, or None when it doesn't run."""
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", out.strip())
    return tuple(int(part) for part in match.groups()) if match else None


def why_no_provider():
    """Why the provider can't run here, or None."""
    node = node_program()
    if not node:
        return "no Node.js (apt-get install -y nodejs npm, or set NODE=/path/to/node); Node 20.12 or newer"
    version = node_version(node)
    if version is None:
        return f"the Node at {node} doesn't run (set NODE=/path/to/node, 20.12 or newer)"
    if version[:2] < MINIMUM_NODE:
        return f"Node {'.'.join(map(str, version))} at {node} is too old: oidc-provider 9 needs 20.12 or newer"
    if not (FOLDER / "node_modules" / "oidc-provider" / "package.json").exists():
        return f"oidc-provider is not installed: {SETUP_HINT}"
    return None


def require_provider():
    """Fail (in CI) or skip (elsewhere) the calling test when the provider can't run."""
    reason = why_no_provider()
    if reason and IN_CI:
        pytest.fail(f"the OpenID provider tests cannot run in CI: {reason}")
    if reason:
        pytest.skip(f"OpenID provider tests not run: {reason}")


class ProviderProcess:
    """One running provider.js: its issuer, its fixture file, and its process."""

    def __init__(self, process, issuer, fixture_path):
        self.process = process
        self.issuer = issuer
        self.fixture_path = fixture_path

    @classmethod
    def start(cls, fixture, folder):
        """Write `fixture` into `folder`, start the provider and wait until it answers discovery."""
        require_provider()
        fixture_path = Path(folder) / "provider-fixture.json"
        fixture_path.write_text(json.dumps(fixture, indent=2))
        log = open(Path(folder) / "provider.log", "w")  # its warnings, for when a test fails
        process = subprocess.Popen([node_program(), str(SCRIPT), str(fixture_path)], cwd=FOLDER,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        try:
            issuer = read_issuer(process)
            provider = cls(process, issuer, fixture_path)
            provider.discovery()
        except Exception:
            process.kill()
            process.wait()
            raise
        return provider

    def discovery(self):
        """The provider's metadata (OpenID Connect Discovery 1.0)."""
        answer = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=START_TIMEOUT)
        answer.raise_for_status()
        return answer.json()

    def set_accounts(self, accounts):
        """Replace the provider's accounts (a list of {"sub", "email", "email_verified", ...})."""
        fixture = json.loads(self.fixture_path.read_text())
        fixture["accounts"] = accounts
        self.fixture_path.write_text(json.dumps(fixture, indent=2))

    def change_account(self, sub, **claims):
        """Change what the provider says about an account (its email, email_verified, ...)."""
        fixture = json.loads(self.fixture_path.read_text())
        for account in fixture["accounts"]:
            if account["sub"] == sub:
                account.update(claims)
        self.fixture_path.write_text(json.dumps(fixture, indent=2))

    def sign_in(self, authorization_url, sub, browser=None):
        """Open `authorization_url` and sign in as `sub`, as a user would: the
        provider's answer to the app (its redirect URL, with code, state and iss).
        `browser` (a requests.Session) keeps the provider's cookies between calls."""
        browser = browser or requests.Session()
        location = self.follow(browser, browser.get(authorization_url, allow_redirects=False))
        if not self.is_login_page(location):
            return location  # the provider answered at once (an error, or already signed in)
        answer = browser.post(f"{location}/login", data={"sub": sub}, allow_redirects=False)
        answer.raise_for_status()
        return self.follow(browser, answer)

    def refuse(self, authorization_url):
        """Open `authorization_url` and press "Refuse": the provider's error answer to the app."""
        browser = requests.Session()
        location = self.follow(browser, browser.get(authorization_url, allow_redirects=False))
        return self.follow(browser, browser.post(f"{location}/abort", allow_redirects=False))

    def follow(self, browser, answer):
        """Follow redirects inside the provider; the first URL outside it (or its login page)."""
        for _ in range(10):
            if answer.status_code not in (302, 303):
                raise AssertionError(f"the provider answered {answer.status_code}: {answer.text[:500]}")
            location = urljoin(answer.url, answer.headers["Location"])
            if not location.startswith(self.issuer + "/") or self.is_login_page(location):
                return location
            answer = browser.get(location, allow_redirects=False)
        raise AssertionError("the provider redirected more than 10 times")

    def is_login_page(self, url):
        return url.startswith(f"{self.issuer}/interaction/")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def read_issuer(process):
    """The issuer provider.js prints on its first line once it listens (a thread: no
    select() on pipes on Windows)."""
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT)
    except queue.Empty:
        raise RuntimeError(f"the OpenID provider did not start within {START_TIMEOUT} s") from None
    if not line:
        raise RuntimeError(f"the OpenID provider stopped at once (exit code {process.wait()}): see provider.log")
    return json.loads(line)["issuer"]
