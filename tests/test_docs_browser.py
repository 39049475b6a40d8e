"""The built site in a real browser: the home page and a step page load with no
console error and no request leaving the machine, and search works offline."""
import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) "
                "to run the docs browser test; .ci/run installs it", allow_module_level=True)
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def in_browser(url, actions):
    """Open `url` in Chromium, run `actions(page)`, and return what went wrong:
    console errors, page errors, and requests to any host but this machine.

    Runs in a thread of its own: Playwright's sync API refuses to start where
    another test module's Playwright already runs an event loop."""
    problems, failure = [], []

    def outside(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
            problems.append(f"request that leaves the machine: {request.url}")

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.set_default_timeout(120_000)  # a hang guard: a busy machine is slow, not wrong
                page.on("console", lambda message: message.type == "error" and problems.append(
                    f"console: {message.text}"))
                page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
                page.on("request", outside)
                page.goto(url, wait_until="networkidle")
                actions(page)
                browser.close()
        except Exception as error:  # re-raised in the test's own thread
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return problems


def look_and_toggle_dark_mode(page):
    assert page.locator("h1").first.is_visible()
    assert page.locator("article code").count() > 0
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_load_state("networkidle")


def search_for_revoke(page):
    search = page.locator("input[data-md-component=search-query]")
    search.focus()
    # Material builds its index in a web worker and drops a query typed before
    # the index is ready (a person never types that fast): wait for it first.
    page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
    search.press_sequentially("revoke", delay=50)  # key by key, as a person types
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert results.count() > 0


@pytest.mark.parametrize("path", ["index.html", "steps/03-sessions.html"])
def test_page_loads_cleanly_and_stays_on_the_machine(site_url, path):
    assert in_browser(f"{site_url}/{path}", look_and_toggle_dark_mode) == []


def test_search_works_without_the_network(site_url):
    assert in_browser(f"{site_url}/index.html", search_for_revoke) == []
