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


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))

    def outside(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
            page.problems.append(f"request that leaves the machine: {request.url}")

    page.on("request", outside)
    yield page
    context.close()


@pytest.mark.parametrize("path", ["index.html", "steps/03-sessions.html"])
def test_page_loads_cleanly_and_stays_on_the_machine(site_url, page, path):
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.locator("article code").count() > 0
    # Switch to dark mode and back: the palette toggle is part of the page's script.
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_search_works_without_the_network(site_url, page):
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    page.locator("label[for=__search]").first.click()
    page.locator("input[data-md-component=search-query]").fill("revoke")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert results.count() > 0
    assert page.problems == []
