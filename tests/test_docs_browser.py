"""The built site in a real browser: Debian's Chromium, driven by Playwright.

One Chromium visits every page of the site on a phone (390 px), and the
home page, the step pages and the primer on a desktop (1280 px), and records
what a reader would meet; the tests below then judge the record. For every
step page:

  * its download link works, and the zip holds that step;
  * it shows copyable curl blocks, and what their copy buttons copy is exactly
    what the executed walkthrough runs (tests/test_walkthroughs.py);
  * at least one diagram renders: an SVG with text in it;
  * glossary tooltips are present, one shows on hover, and on a phone a tap opens one;
  * at 390 px no element is wider than the screen, except inside code blocks;
  * at 1280 px the code excerpts fit without scrolling sideways.

And on every page visited: no console error, and no request leaves the
machine. Search works offline, and the dark mode switch works.

Each check judges one visit (a viewport and a page: `visit_of`), so that
`make test` re-runs only the checks of the pages an edit changed (tests/memo.py),
and the browser visits only what the checks left to run need (`record`).
"""
import functools
import io
import shutil
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

import pathspec
import pytest
import yaml

import memo
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from conftest import ROOT, STEPS
from site_build import built_site

sys.path.insert(0, str(ROOT / "scripts"))
from docsite import stepdiff, tryit  # noqa: E402
from tools import steps as step_folders  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
STEP_PAGES = {step.name: f"steps/{step.name}.html" for step in STEPS}
TERMS_PAGE = STEP_PAGES[STEPS[min(2, len(STEPS) - 1)].name]  # where a term is hovered and tapped (step 03)
SEARCH = "search"  # a "viewport" of its own: the search box, typed into on the home page on a desktop
TIMEOUT = 120_000  # ms: a hang guard; a busy machine is slow, not wrong
# What a page's Markdown asks for that reads the page of every step: the home
# page's table of the steps (their titles, what each adds, their reading times).
READS_EVERY_STEP_PAGE = ("<!-- docsite: step-table -->", "<!-- docsite: step-sizes -->")


class IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml read as plain YAML: its `!ENV [...]` values don't matter here."""


IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)


def source_pages():
    """Every page of the site, read from the sources (no build): each docs/**/*.md
    that mkdocs.yml's exclude_docs keeps, as the page the build makes of it
    (the offline plugin makes files, not folders: steps/01-models.html), in
    the order `visit_all` visits them. test_the_site_has_exactly_the_pages_checked
    holds this list to the site as built."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=IgnoreTags)
    excluded = pathspec.GitIgnoreSpec.from_lines((config.get("exclude_docs") or "").splitlines())  # as mkdocs reads it
    docs = ROOT / config.get("docs_dir", "docs")
    sources = [path.relative_to(docs).as_posix() for path in docs.rglob("*.md")]
    return sorted(name.removesuffix(".md") + ".html" for name in sources if not excluded.match_file(name))


PAGES = source_pages()  # on a phone: every page
# On a desktop, the pages this module checks in depth.
DESKTOP_PAGES = ["index.html", "browser-basics.html", "glossary.html", *STEP_PAGES.values()]


def site_pages():
    """Every page a reader can reach in the built site (the generated source views aside)."""
    site = built_site()
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if "source" not in path.relative_to(site).parts and path.name != "404.html")


def step_of_page(page):
    """The step a page belongs to: its step page (steps/07-two-factor.html) or its
    deeper page (deeper/07-two-factor.html); None for the others."""
    folder, _, name = page.rpartition("/")
    step = name.removesuffix(".html")
    return step if folder in ("steps", "deeper") and step in STEP_PAGES else None


@functools.lru_cache(maxsize=None)
def reads_every_step_page(page):
    source = ROOT / "docs" / page.replace(".html", ".md")
    return any(directive in source.read_text(encoding="utf-8") for directive in READS_EVERY_STEP_PAGE)


def visits(viewport=None, page=None):
    """Says which visit a test judges, where its parameters don't: a viewport
    ("desktop", "phone" or SEARCH), and a page unless the test is
    parametrised with one (`page`, or `step`: that step's page)."""
    def mark(test):
        test.visit = (viewport, page)
        return test
    return mark


def visit_of(item):
    """(viewport, page): the one visit a collected test judges, or None for a test
    that reads no visit (the USB stick, the list of pages)."""
    viewport, page = getattr(getattr(item, "function", None), "visit", (None, None))
    params = getattr(getattr(item, "callspec", None), "params", {})
    viewport = params.get("viewport", viewport)
    page = params.get("page", page) or (STEP_PAGES[params["step"].name] if "step" in params else None)
    return (viewport, page) if viewport and page else None


def memo_inputs(item):
    """The site is built from the whole repository (every step's code, tools/, scripts/,
    mkdocs.yml, overrides/), and Chromium judges it. A check judges one visit, so it
    reads that page as built (and the assets every page loads), not the other pages:
    a step's page and its deeper page are built from the repository but the pages of
    the other steps (the nav's titles are in mkdocs.yml), and so are the pages of no
    step, except the home page, which tabulates every step's page (READS_EVERY_STEP_PAGE).
    Measured: after an edit of page 07's text, title and reading_time, and another of
    its deeper page and recorded lab run, two builds differ in steps/07, deeper/07,
    index.html, the search index and the repository's zip, nothing else. The search
    index (JSON that mkdocs writes, which the search worker of any page may load) is
    judged by the search check, keyed on everything, as are the checks of no visit
    (the USB stick, the list of pages)."""
    visit = visit_of(item)
    if visit and not reads_every_step_page(visit[1]) and visit[0] != SEARCH:
        step = step_of_page(visit[1])
        return [*memo.everything_but_the_pages_of_other_steps([step] if step else []), memo.CHROMIUM]
    return [memo.EVERYTHING, memo.CHROMIUM]


class QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection for a page and its assets

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url():
    require_browser()  # no browser: in CI a failure, elsewhere a skip (browser.py)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=built_site()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# ---- what the browser records on each page (JavaScript run in the page)

COPY_TEXTS = """() => [...document.querySelectorAll('.try-command')].map(block => {
  const folded = block.closest('details');  // a long "Try it" is folded: a reader opens it to copy
  if (folded) folded.open = true;
  const code = block.querySelector('pre > code');
  // What Material's copy button copies: the nearest data-copy, else the code's text.
  const holder = code.closest('[data-copy]');
  const text = holder ? holder.getAttribute('data-copy') : code.innerText;
  return {text: text.replace(/\\s+$/, ''),
          button: !!block.querySelector('button[data-md-type=copy], button.md-clipboard')};
})"""

DIFF_COPIES = """() => [...document.querySelectorAll('details.complete-diff .highlight')].map(block => {
  const code = block.querySelector('pre > code');
  const holder = code.closest('[data-copy]');
  return {title: block.querySelector('.filename').textContent,
          text: holder ? holder.getAttribute('data-copy') : code.innerText};
})"""

DIAGRAMS = """() => [...document.querySelectorAll('article figure.seq-diagram svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].filter(t => t.getBBox().width > 0 && t.textContent.trim());
  return {width: box.width, height: box.height, texts: texts.length,
          sample: texts.map(t => t.textContent).join(' | ').slice(0, 200)};
})"""

TOOLTIPS = """() => [...document.querySelectorAll('article abbr')].map(abbr => {
  const id = abbr.getAttribute('aria-describedby');
  const tip = id ? document.getElementById(id) : null;
  return {term: abbr.textContent, tooltip: tip ? tip.textContent.trim() : (abbr.getAttribute('title') || '')};
})"""

HIGHLIGHT_CONTRAST = """() => {
  // WCAG 2's relative luminance and contrast ratio, for a highlighted line in both colour schemes.
  const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
                            return (x + 0.05) / (y + 0.05); };
  const rgba = text => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return [r, g, b, a]; };
  const line = document.querySelector('article .highlight .hll');
  if (!line) return null;
  const code = line.closest('code');
  const shown = document.body.getAttribute('data-md-color-scheme');
  // Material fades colours in when the scheme changes: read the end colours, not the fade's first frame.
  const still = document.head.appendChild(document.createElement('style'));
  still.textContent = '* { transition: none !important; }';
  const found = {};
  for (const scheme of ['default', 'slate']) {
    document.body.setAttribute('data-md-color-scheme', scheme);
    const base = rgba(getComputedStyle(code).backgroundColor);
    const [r, g, b, a] = rgba(getComputedStyle(line).backgroundColor);
    const mixed = [r, g, b].map((c, i) => a * c + (1 - a) * base[i]);  // the tint over the code's background
    found[scheme] = {against_code: ratio(mixed, base), text: ratio(rgba(getComputedStyle(code).color), mixed)};
  }
  document.body.setAttribute('data-md-color-scheme', shown);
  still.remove();
  return found;
}"""

WIDE_CODE = """() => [...document.querySelectorAll('article .language-python pre > code')]
  .filter(code => code.offsetParent !== null && code.scrollWidth > code.clientWidth + 1)
  .map(code => code.closest('.highlight').querySelector('.filename')?.textContent || '(untitled)')"""

TOO_WIDE = """() => {
  // Folded parts count too, except the complete diff: nothing but code blocks.
  document.querySelectorAll('details:not(.complete-diff)').forEach(d => d.open = true);
  const width = document.documentElement.clientWidth;
  const found = [];
  const outsideCode = 'body *:not(pre *, .highlight *, .md-sidebar *, .md-search *, .md-tooltip2 *, svg *, '
                      + 'details.complete-diff *)';
  for (const el of document.querySelectorAll(outsideCode)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0) continue;  // hidden, or a closed drawer
    if (box.right > width + 1 || box.width > width + 1) {
      const text = (el.textContent || '').trim().slice(0, 50);
      found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text}"`
                 + ` is ${Math.round(box.width)} px wide, right edge at ${Math.round(box.right)}`);
    }
  }
  return {overflow: found.slice(0, 10), scrollWidth: document.documentElement.scrollWidth, width};
}"""


def visit_all(site_url, needed):
    """{(viewport name, page): findings} for the visits `needed`, from one Chromium,
    in the order of a visit of everything (the home page first: it switches the
    desktop to dark mode, so a run that needs no home page sees the other pages in
    light mode; only the highlight check reads colours, and it sets each scheme
    itself). Runs in a thread of its own: Playwright's sync API refuses to start
    where another test module's Playwright already runs an event loop."""
    record, failure = {}, []

    def watch(page, problems):
        def outside(request):
            host = urlsplit(request.url).hostname
            if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
                problems.append(f"request that leaves the machine: {request.url}")
        page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("request", outside)

    def visit(page, problems, viewport_name, path):
        problems.clear()
        response = page.goto(f"{site_url}/{path}", wait_until="load")
        if response is None or response.status != 200:  # a page the build didn't make: say so, don't wait
            record[(viewport_name, path)] = {"problems": [f"{path} answered {response and response.status}"],
                                             "missing": True}
            return
        page.wait_for_function("() => window.document$ !== undefined && document.querySelector('.md-code__nav, "
                               "article:not(:has(pre))')")  # Material's script has set the page up
        found = {"problems": list(problems)}
        if path in STEP_PAGES.values() and viewport_name == "desktop":
            found["copy"] = page.evaluate(COPY_TEXTS)
            found["diff_copies"] = page.evaluate(DIFF_COPIES)
            found["diagrams"] = page.evaluate(DIAGRAMS)
            found["tooltips"] = page.evaluate(TOOLTIPS)
            found["wide_code"] = page.evaluate(WIDE_CODE)
            link = page.locator("a.step-download").first
            found["download_href"] = link.get_attribute("href")
            response = page.request.get(urljoin(page.url, found["download_href"]))
            found["download"] = (response.status, response.headers.get("content-type"), response.body())
        if path == "index.html" and viewport_name == "desktop":
            repository_zip = urljoin(page.url, "downloads/flask-auth-step-by-step.zip")
            found["repository_zip"] = page.request.get(repository_zip).status
            look_and_toggle_dark_mode(page)
        if path == TERMS_PAGE and viewport_name == "desktop":
            found["hovered_tooltip"] = hover_a_term(page)
            found["highlight"] = page.evaluate(HIGHLIGHT_CONTRAST)
        if path == TERMS_PAGE and viewport_name == "phone":
            found["tapped_tooltip"] = tap_a_term(page)
        if viewport_name == "phone":
            found["fit"] = page.evaluate(TOO_WIDE)
        found["problems"] += [problem for problem in problems if problem not in found["problems"]]
        record[(viewport_name, path)] = found

    def run():
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                    paths = [path for path in (DESKTOP_PAGES if name == "desktop" else PAGES) if (name, path) in needed]
                    searched = name == "desktop" and (SEARCH, "index.html") in needed
                    if not paths and not searched:
                        continue
                    context = browser.new_context(viewport=viewport, is_mobile=name == "phone",
                                                  has_touch=name == "phone")
                    page, problems = context.new_page(), []
                    page.set_default_timeout(TIMEOUT)
                    watch(page, problems)
                    for path in paths:
                        visit(page, problems, name, path)
                    page.close()
                    if searched:
                        record[(SEARCH, "index.html")] = search_for_revoke(context, site_url)
                    context.close()
                browser.close()
        except Exception as error:  # re-raised in the test's own thread
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return record


def look_and_toggle_dark_mode(page):
    assert page.locator("h1").first.is_visible()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def hover_a_term(page):
    """The text of the tooltip that shows when the pointer rests on a glossary term."""
    term = page.locator("article abbr").first
    term.scroll_into_view_if_needed()
    term.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    return tooltip.inner_text()


def tap_a_term(page):
    """What a tap on a glossary term does on a phone: whether the term took the
    focus (Material opens a tooltip on focus; Safari on iOS sends no hover to a
    word that isn't a link or a button) and the text of the tooltip shown."""
    term = page.locator("article abbr").first
    term.scroll_into_view_if_needed()
    term.tap()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    focused = page.evaluate("document.activeElement === document.querySelector('article abbr')")
    return {"focused": focused, "tooltip": tooltip.inner_text(), "box": tooltip.bounding_box()}


def search_for_revoke(context, site_url):
    problems = []
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    search = page.locator("input[data-md-component=search-query]")
    search.focus()
    # Material builds its index in a web worker and drops a query typed before
    # the index is ready (a person never types that fast): wait for it first.
    page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
    search.press_sequentially("revoke", delay=50)  # key by key, as a person types
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    count = results.count()
    page.close()
    return count, problems


@pytest.fixture(scope="module")
def record(request, site_url):
    """What the browser met, for the visits that the checks of this module that
    run in this session judge: after -k, and after `make test` left out the
    re-used ones (in an xdist worker, session.items holds at least what this
    worker runs). A cold run visits everything."""
    needed = {visit_of(item) for item in request.session.items if item.module is request.module} - {None}
    return visit_all(site_url, needed)


def visited(record, viewport, page, missing_hint=""):
    """The findings of one visit; a page the build didn't make fails with its answer."""
    found = record.get((viewport, page))
    assert found is not None, f"no {viewport} visit of {page} was recorded: does the test say which (visits)?"
    assert not found.get("missing"), f"{page} is not in the site ({found['problems']}){missing_hint}"
    return found


def step_record(record, step, viewport="desktop"):
    return visited(record, viewport, STEP_PAGES[step.name], f": write docs/steps/{step.name}.md")


# ---- the tests


def test_the_site_has_exactly_the_pages_checked():
    """The pages the checks visit are listed from the sources, without a build
    (PAGES); a page the build adds or drops would go unchecked: the built site
    holds exactly those pages."""
    assert len(PAGES) >= len(STEPS) + 3 and set(DESKTOP_PAGES) <= set(PAGES), PAGES
    built = site_pages()
    assert {"in the site, not checked": sorted(set(built) - set(PAGES)),
            "checked, not in the site": sorted(set(PAGES) - set(built))} == {
        "in the site, not checked": [], "checked, not in the site": []}, "source_pages() must list what the build makes"


def test_every_check_that_reads_the_record_says_which_visit_it_judges():
    """A check that judges a visit nobody asked for would find nothing recorded."""
    tests = [value for name, value in globals().items() if name.startswith("test_") and callable(value)]
    reading = [test for test in tests if "record" in test.__code__.co_varnames[:test.__code__.co_argcount]]
    unsaid = [test.__name__ for test in reading
              if not hasattr(test, "visit") and not {"viewport", "page"} <= set(test.__code__.co_varnames)]
    assert len(reading) >= 10 and unsaid == []


@pytest.mark.parametrize(("viewport", "page"), [*(("desktop", page) for page in DESKTOP_PAGES),
                                                *(("phone", page) for page in PAGES)])
def test_every_page_loads_cleanly_and_stays_on_the_machine(record, viewport, page):
    problems = record[(viewport, page)]["problems"]  # a page the build didn't make says what it answered
    assert problems == [], f"{page} on a {viewport}: {problems}"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_the_download_link_gives_the_step_as_a_zip(record, step):
    status, content_type, body = step_record(record, step)["download"]
    assert status == 200, f"the download link {step_record(record, step)['download_href']} answered {status}"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        files = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    expected = stepdiff.step_files(step)
    assert set(files) == set(expected) | {"requirements.txt"}
    assert all(files[path].decode() == text for path, text in expected.items())
    assert files["README.md"].decode().startswith(f"# Step {step.name[:2]}")


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_the_curl_blocks_copy_exactly_what_the_tests_run(record, step):
    shown = step_record(record, step)["copy"]
    executed = [block.command for block in tryit.parse(tryit.script(step).read_text(encoding="utf-8"))]
    assert any(block["text"].startswith("curl ") for block in shown), "no curl block to copy"
    assert all(block["button"] for block in shown), "a command without a copy button"
    assert [block["text"] for block in shown] == executed


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_the_complete_diff_copies_the_new_files_without_prefixes(record, step):
    copies = step_record(record, step)["diff_copies"]
    files = stepdiff.step_files(step)
    if not step_folders.neighbour(step, -1):
        assert copies == []  # the first step has no previous step to differ from
        return
    assert copies, "the complete diff is missing"
    for copy in copies:
        path = copy["title"].split(" (")[0]
        expected = files[path] if not stepdiff.is_data(path) else "".join(
            files[path].splitlines(keepends=True)[:stepdiff.DATA_PREVIEW_LINES])
        assert copy["text"] == expected, f"copying the diff of {path} doesn't give the new file"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_a_diagram_renders(record, step):
    diagrams = step_record(record, step)["diagrams"]
    assert diagrams, "no sequence diagram on the page"
    for diagram in diagrams:
        assert diagram["width"] > 200 and diagram["height"] > 100, diagram
        assert diagram["texts"] >= 4, f"a diagram with almost no text: {diagram}"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_glossary_terms_have_tooltips(record, step):
    tooltips = step_record(record, step)["tooltips"]
    assert len(tooltips) >= 5, f"only {len(tooltips)} glossary terms on the page"
    assert all(len(entry["tooltip"]) > 20 for entry in tooltips), [e for e in tooltips if len(e["tooltip"]) <= 20]


@visits("desktop", TERMS_PAGE)
def test_a_tooltip_shows_on_hover(record):
    hovered = visited(record, "desktop", TERMS_PAGE).get("hovered_tooltip")
    assert hovered and len(hovered) > 20


@visits("phone", TERMS_PAGE)
def test_a_tap_opens_a_tooltip_on_a_phone(record):
    """On a touch screen a tap on a term focuses it and shows its tooltip, on the screen."""
    tapped = visited(record, "phone", TERMS_PAGE).get("tapped_tooltip")
    assert tapped, "no phone visit tapped a term"
    assert tapped["focused"], "the tapped term did not take the focus: a phone without hover shows nothing"
    box = tapped["box"]
    assert len(tapped["tooltip"]) > 20 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


@visits("desktop", TERMS_PAGE)
def test_highlighted_lines_stand_out_and_stay_readable(record):
    """A highlighted line (what the step changed) differs from the plain code by a
    luminance ratio of at least 1.25 in light and dark mode, and the code's text
    keeps WCAG 2's 4.5:1 on it."""
    measured = visited(record, "desktop", TERMS_PAGE).get("highlight")
    assert measured, "no highlighted line on the page measured"
    for scheme, contrast in measured.items():
        assert contrast["against_code"] >= 1.25, f"{scheme}: highlighted lines barely stand out: {contrast}"
        assert contrast["text"] >= 4.5, f"{scheme}: code on a highlighted line is hard to read: {contrast}"


@pytest.mark.parametrize("page", PAGES)
@visits("phone")
def test_no_page_is_wider_than_a_phone_outside_code_blocks(record, page):
    fit = visited(record, "phone", page)["fit"]
    assert fit["overflow"] == [] and fit["scrollWidth"] <= fit["width"], f"{page} is wider than a phone: {fit}"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("phone")
def test_the_step_page_fits_a_phone(record, step):
    fit = step_record(record, step, "phone")["fit"]
    assert fit["overflow"] == [] and fit["scrollWidth"] <= fit["width"], fit


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
@visits("desktop")
def test_code_excerpts_fit_a_desktop_screen(record, step):
    assert step_record(record, step)["wide_code"] == [], "these excerpts scroll sideways at 1280 px"


@visits("desktop", "index.html")
def test_the_home_page_offers_the_whole_repository(record):
    assert visited(record, "desktop", "index.html")["repository_zip"] == 200


@visits(SEARCH, "index.html")
def test_search_works_without_the_network(record):
    count, problems = record[(SEARCH, "index.html")]
    assert count > 0 and problems == []


# ---- the site from a USB stick: `make site`, then file://, no server


def open_from_files(index):
    """What a reader meets opening index.html from the files: every page the
    navigation links to (its URL, whether its title shows, the problems), the
    page that the footer's "next" link opens, and offline search."""
    found, failure = {"pages": {}}, []

    def run():
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page, problems = browser.new_context(viewport=DESKTOP).new_page(), []
                page.set_default_timeout(TIMEOUT)
                page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
                page.on("console", lambda message: message.type == "error" and problems.append(message.text))
                page.goto(index.as_uri(), wait_until="load")
                links = page.eval_on_selector_all("nav.md-nav--primary a.md-nav__link[href]",
                                                  "links => links.map(link => link.href)")
                for link in dict.fromkeys(link.split("#")[0] for link in links):
                    problems.clear()
                    page.goto(link, wait_until="load")
                    found["pages"][link] = {"title": page.locator("article h1").first.is_visible(),
                                            "problems": list(problems)}
                page.goto(index.as_uri(), wait_until="load")
                page.locator("a.md-footer__link--next").click()
                page.wait_for_load_state("load")
                found["next"] = page.url
                search = page.locator("input[data-md-component=search-query]")
                search.focus()
                page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
                search.press_sequentially("revoke", delay=50)
                page.locator(".md-search-result__item").first.wait_for()
                found["search"] = page.locator(".md-search-result__item").count()
                browser.close()
        except Exception as error:  # re-raised in the test's own thread
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return found


def test_make_site_builds_a_site_that_opens_from_a_usb_stick(tmp_path):
    """A room without the dev install: `make site` builds the site, the folder
    is copied elsewhere (a USB stick), and index.html opened from the files
    reaches every page of the navigation (files, not folders: a link to a
    folder would show a file listing), follows "next", and searches offline."""
    require_browser()
    built = subprocess.run(["make", "site", f"SITE={tmp_path / 'site'}", f"TOOLS_VENV={sys.prefix}"], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    stick = tmp_path / "usb-stick" / "flask-auth-site"
    shutil.copytree(tmp_path / "site", stick)
    found = open_from_files(stick / "index.html")
    assert len(found["pages"]) >= len(STEPS) + 5, list(found["pages"])
    assert all(url.startswith(stick.as_uri()) and url.endswith(".html") for url in found["pages"]), list(found["pages"])
    assert {url: seen for url, seen in found["pages"].items() if not seen["title"] or seen["problems"]} == {}
    assert found["next"].endswith(".html") and found["next"] != (stick / "index.html").as_uri()
    assert found["search"] > 0
