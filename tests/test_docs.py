"""The documentation site can't disagree with the code: the strict build passes,
every step has its page with every part, every test a page names exists and is
linked to its source, no page pastes Python that lives in steps/, nothing is
loaded from the network, and each step page fits the reading time it states.

The site is built once per run (tests/site_build.py); tests/test_docs_browser.py
opens the same build in Chromium."""
import html
import io
import math
import re
import sys
import zipfile
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

import memo
from conftest import ROOT, STEPS
from site_build import built_site

sys.path.insert(0, str(ROOT / "scripts"))
from docsite import budget, diagrams, downloads, expected, glossary, hooks, stepdiff, stepmeta, tryit  # noqa: E402
from tools import moves  # noqa: E402
from tools import steps as step_folders  # noqa: E402

DOCS = ROOT / "docs"
GENERATED = {"walkthroughs", "generated"}
PAGES = sorted(path for path in DOCS.rglob("*.md") if not GENERATED & set(path.relative_to(DOCS).parts))
STEP_PAGE_SECTIONS = ["## What you will learn", "## How it works", "## What changes", "## The code, file by file",
                      "## Try it", "## Security notes", "## Common mistakes", "## Exercises", "## Checkpoints",
                      "## Recap"]
DIRECTIVES = ["step-header", "get-the-code", "changes", "expected-names", "try-it"]
NAMED_TEST = re.compile(r"steps/(\d\d-[\w-]+)/tests/(test_\w+\.py)::(test_\w+)")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


# The checks of the machinery under the pages: small examples, the glossary, the
# steps' code and walkthrough.sh. They read no step's page, deeper page, moves or
# recordings (nor the built site), so an edit of a step page need not re-run them.
READ_NO_STEP_PAGE = {"test_the_walkthrough_format", "test_every_walkthrough_names_the_app_once_as_api",
                     "test_excerpts_highlight_what_the_step_changed",
                     "test_excerpts_by_python_name_need_no_markers_in_learner_code",
                     "test_learner_code_carries_no_snippet_markers",
                     "test_sequence_diagrams_draw_text_and_refuse_what_they_cant_read",
                     "test_the_glossary_gives_every_term_a_tooltip_once_per_page",
                     "test_the_names_box_lists_what_the_tests_import_use_and_call",
                     "test_the_build_refuses_an_escaped_quote_in_an_admonition_title"}
READ_THE_FIRST_STEPS_RECORDING = "test_the_page_refuses_answers_recorded_for_other_commands"  # docs/walkthroughs/01-*


def memo_inputs(item):
    """A check about one step's page (built or as Markdown, its zip) reads the repository
    but the other steps' pages: the site is built from all of it. A glossary check of
    steps/NN.html is about step NN. A check of the machinery (READ_NO_STEP_PAGE) reads
    the repository but every step's pages; the refusal of a stale recording reads
    step 01's. Every other check reads everything (every page, the whole built site)."""
    name = item.name.split("[")[0]
    if name in READ_NO_STEP_PAGE:
        return memo.everything_but_the_pages_of_other_steps([])
    if name == READ_THE_FIRST_STEPS_RECORDING:
        return memo.everything_but_the_pages_of_other_steps([STEPS[0]])
    page = str(getattr(getattr(item, "callspec", None), "params", {}).get("page", ""))
    named = memo.steps_of(item) or [step for step in STEPS if page == f"steps/{step.name}.html"]
    return memo.everything_but_the_pages_of_other_steps(named) if named else [memo.EVERYTHING]


def step_page(step):
    return DOCS / "steps" / f"{step.name}.md"


def built_page(step):
    return built_site() / "steps" / f"{step.name}.html"


def article(page_html):
    return page_html[page_html.index("<article"):page_html.index("</article>")]


def test_strict_build_succeeds():
    for step in STEPS:
        assert built_page(step).exists(), f"no page for {step.name} in the built site"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_every_step_has_a_page_in_the_nav(step):
    assert step_page(step).exists(), f"write docs/steps/{step.name}.md (docs/maintainers.md says how)"
    assert f"steps/{step.name}.md" in (ROOT / "mkdocs.yml").read_text(), f"add {step.name} to the nav in mkdocs.yml"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_every_step_page_has_its_parts(step):
    text = step_page(step).read_text(encoding="utf-8")
    headings = {line.strip() for line in text.splitlines() if line.startswith("## ")}
    # A page taught in moves has its moves where "The code, file by file" was (tests/test_moves.py).
    wanted = [section for section in STEP_PAGE_SECTIONS
              if not (moves.has_moves(step) and section == "## The code, file by file")]
    missing = [section for section in wanted if section not in headings]
    assert not missing, f"{step.name}: missing {missing}"
    needed = DIRECTIVES + (["complete-diff"] if step_folders.neighbour(step, -1) else [])
    absent = [name for name in needed if f"<!-- docsite: {name} -->" not in text]
    assert not absent, f"{step.name}: missing the directives {absent} (docs/maintainers.md)"
    assert "```sequence" in text, f"{step.name}: draw the step's flow as a sequence diagram"
    assert '??? success "Solution"' in text
    assert not stepmeta.problems(stepmeta.read(step_page(step)))


def fenced_blocks(text):
    """(info string, [lines]) for every fenced code block of a Markdown text."""
    blocks, current, closing = [], None, None
    for line in text.splitlines():
        match = FENCE.match(line)
        if current is None and match:
            current, closing = (match["info"].strip(), []), match["fence"]
        elif current is not None and match and match["fence"].startswith(closing) and not match["info"].strip():
            blocks.append(current)
            current = None
        elif current is not None:
            current[1].append(line)
    return blocks


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_every_code_block_on_a_step_page_names_its_file(step):
    untitled = [info for info, _ in fenced_blocks(step_page(step).read_text(encoding="utf-8")) if "title=" not in info]
    assert not untitled, f"code blocks without title=: {untitled}"
    # The blocks the build adds (diffs, "Try it", instructions) have titles too.
    blocks = re.findall(r'<div class="[^"]*highlight[^"]*"[^>]*>(.{0,200})', article(built_page(step).read_text()),
                        re.DOTALL)
    assert blocks and all('class="filename"' in block for block in blocks), "a code block without a title"


def test_every_test_a_page_names_exists():
    named = [(page, match) for page in PAGES for match in NAMED_TEST.finditer(page.read_text(encoding="utf-8"))]
    checklist = [match for page, match in named if page.name == "checklist.md"]
    assert len(checklist) >= 20, "the security checklist should name the test behind each property"
    for page, match in named:
        step, filename, test = match.groups()
        path = ROOT / "steps" / step / "tests" / filename
        assert path.exists(), f"{page.name} names {match.group(0)}, but {path.relative_to(ROOT)} doesn't exist"
        assert re.search(rf"^def {test}\(", path.read_text(), re.MULTILINE), (
            f"{page.name} names {match.group(0)}, but there is no such test")


def test_every_named_test_links_to_its_line_in_a_source_view():
    site = built_site()
    for page in sorted(site.rglob("*.html")):
        if "source" in page.relative_to(site).parts:
            continue
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<a class="source-link" href="([^"#]+)(?:#L-(\d+))?"', text):
            target = (page.parent / match[1]).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to a missing source view {match[1]}"
            if match[2]:
                assert f'id="L-{match[2]}"' in target.read_text(), f"{match[1]} has no line {match[2]}"
        unlinked = re.sub(r'<a class="source-link".*?</a>|<pre.*?</pre>', "", text.replace("<wbr>", ""),
                          flags=re.DOTALL)
        names = re.findall(r"<code>((?:steps|tests)/[\w/.-]+::test_\w+)</code>", html.unescape(unlinked))
        assert not names, f"{page.relative_to(site)} names tests without a link to them: {names}"


def test_no_page_pastes_python_that_lives_in_the_steps():
    step_lines = {line.strip() for path in (ROOT / "steps").rglob("*.py") for line in path.read_text().splitlines()}
    pasted = []
    for page in PAGES:
        for info, lines in fenced_blocks(page.read_text(encoding="utf-8")):
            if not re.match(r"(python|py|pycon)\b", info):
                continue
            for line in lines:
                code = line.strip()
                if len(code) >= 25 and "--8<--" not in code and code in step_lines:
                    pasted.append((page.name, code))
    assert not pasted, f"include these from steps/ with --8<-- instead of pasting them: {pasted}"


OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//"""
                     r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
                     re.IGNORECASE)


def test_the_built_site_loads_nothing_from_the_network():
    """Links to sources are fine; anything the browser would fetch by itself is not."""
    site = built_site()
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            # <a href> is a link a reader may follow; <script>, <link>, <img>, <iframe> load by themselves.
            loads = re.findall(r"<(?:script|link|img|iframe|source|video|audio|embed)\b[^>]*>", text, re.IGNORECASE)
            offending = [tag for tag in loads if OUTSIDE.search(tag) and 'rel="canonical"' not in tag]
        else:
            offending = [match[0] for match in re.finditer(r"(?:url\(|@import)\s*[\"']?https?://[^\s\"')]+", text)]
        assert not offending, f"{path.relative_to(site)} loads from the network: {offending[:3]}"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_the_page_states_its_reading_time_honestly(step):
    """Visible words and code (folded parts aside) fit the time the page states, and
    the page states no more than that, rounded up to 5 minutes, within the budget."""
    stated = stepmeta.read(step_page(step))["reading_time"]
    if moves.has_moves(step):  # the stricter count of issue 21: everything read, folds included
        everything = budget.measure_everything(built_page(step).read_text(encoding="utf-8"))
        assert budget.honest_for_moves(stated, everything["minutes"]), (
            f"{step.name}: a learner reads {everything['words']} words ({everything['minutes']:.1f} min at "
            f"{budget.READING_RATE} a minute): state at least {budget.HONEST_SHARE:.0%} of that")
    measured = budget.measure(built_page(step).read_text(encoding="utf-8"))
    assert moves.has_moves(step) or budget.stated_time_is_honest(stated, measured["minutes"]), (
        f"{step.name} reads in {measured['minutes']:.1f} min ({measured['words']} words, "
        f"{measured['code_lines']} lines of code): state reading_time: "
        f"{max(5, 5 * math.ceil(measured['minutes'] / 5))} in its front matter")
    assert moves.has_moves(step) or stated <= budget.BUDGET, (
        f"{step.name} takes {stated} min to read, over the budget of {budget.BUDGET}: fold what a first "
        f"reading can skip, or split the step")
    too_long = [(number, round(minutes, 1)) for number, minutes in
                enumerate(budget.move_minutes(built_page(step).read_text(encoding="utf-8")), start=1)
                if minutes > budget.MOVE_BUDGET]
    assert not too_long, (f"{step.name}: moves (number, minutes) {too_long} read for longer than "
                          f"{budget.MOVE_BUDGET} min before their check: split them")
    assert f"<strong>{stated} min</strong> to read" in built_page(step).read_text(), "the page must show its time"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_the_step_zip_holds_the_step_and_its_requirements(step):
    data = (built_site() / downloads.step_zip_path(step)).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        expected = {f"{step.name}/{path}" for path in stepdiff.step_files(step)} | {f"{step.name}/requirements.txt"}
        assert names == expected
        for path, text in stepdiff.step_files(step).items():
            assert archive.read(f"{step.name}/{path}").decode() == text
        assert archive.read(f"{step.name}/requirements.txt") == (ROOT / "requirements.txt").read_bytes()


def test_the_repository_zip_holds_what_make_test_needs():
    with zipfile.ZipFile(built_site() / downloads.REPOSITORY_ZIP) as archive:
        names = set(archive.namelist())
    for needed in ["Makefile", "README.md", "requirements.txt", "requirements-dev.txt", "mkdocs.yml", "ruff.toml",
                   "tools/steps.py", *[f"steps/{step.name}/walkthrough.sh" for step in STEPS]]:
        assert f"flask-auth-step-by-step/{needed}" in names


# ---- the machinery under the pages, on small examples


def test_the_walkthrough_format():
    blocks = tryit.parse("#!/bin/bash\n# header\n\n## Say hello\n## to it:\ncurl -i \\\n  http://127.0.0.1:5000/\n"
                         "#> status 200\n#> header Vary: Cookie\n\ncp a b\n\n## Again\ncurl -d '{}' "
                         "http://127.0.0.1:5000/auth/login\n#> no header Set-Cookie\n#> prints ok\n")
    assert [(b.prose, b.command, b.checks) for b in blocks] == [
        ("Say hello\nto it:", "curl -i \\\n  http://127.0.0.1:5000/", ["status 200", "header Vary: Cookie"]),
        ("", "cp a b", []),
        ("Again", "curl -d '{}' http://127.0.0.1:5000/auth/login", ["no header Set-Cookie", "prints ok"])]
    assert tryit.request_line(blocks[0].command) == "GET /"
    assert tryit.request_line(blocks[2].command) == "POST /auth/login"
    answer = "HTTP/1.1 200 OK\r\nVary: Cookie\r\nSet-Cookie: session=abc; HttpOnly\r\n\r\n{\"ok\": true}"
    assert tryit.failed_checks(blocks[0], answer) == []
    assert tryit.failed_checks(blocks[2], answer) == ["no header Set-Cookie: it has Set-Cookie: session=abc; HttpOnly"]
    with pytest.raises(ValueError):
        tryit.parse("## x\ncurl -i http://127.0.0.1:5000/\n#> status two hundred\n")


def test_every_walkthrough_names_the_app_once_as_api():
    """Another port is one edit: each walkthrough sets API in its first block
    (keeping one the shell has) and every request goes to "$API"."""
    for step in STEPS:
        blocks = tryit.parse(tryit.script(step).read_text(encoding="utf-8"))
        assert blocks[0].command == "API=${API:-http://127.0.0.1:5000}", step.name
        later = "\n".join(block.command for block in blocks[1:])
        assert "127.0.0.1:5000" not in later and "localhost:5000" not in later, step.name
        requests = [block.command for block in blocks if block.command.startswith("curl ")]
        assert all(tryit.request_line(command) for command in requests), step.name
    assert tryit.request_line('curl -i -X POST "$API/auth/logout"') == "POST /auth/logout"
    # A block of several requests is titled with each of them, not one method and another's URL.
    assert tryit.request_line('curl -s -X DELETE "$API/auth/tokens/1"\ncurl -s "$API/notes"') == \
        "DELETE /auth/tokens/1, then GET /notes"
    assert tryit.request_line('curl "$API/a"\ncurl -d x "$API/b"\ncurl "$API/c"') == "GET /a … GET /c, 3 requests"


def test_the_page_refuses_answers_recorded_for_other_commands(monkeypatch, tmp_path):
    step = STEPS[0]
    recorded = tryit.load_recording(step)
    recorded[0]["command"] += " --something-else"
    monkeypatch.setattr(tryit, "load_recording", lambda _: recorded)
    with pytest.raises(tryit.StaleRecording):
        tryit.markdown(step)


def test_excerpts_highlight_what_the_step_changed(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    (old / "a.py").write_text("one\ntwo\nthree\n")
    (new / "a.py").write_text("one\n# --8<-- [start:part]\ntwo\n2.5\nthree\n# --8<-- [end:part]\nfour\n")
    assert stepdiff.excerpt_highlights(old, new, "a.py") == "3 5"          # "2.5" and "four", markers left out
    assert stepdiff.excerpt_highlights(old, new, "a.py", "part") == "2"    # "2.5" within the section
    (new / "b.py").write_text("all new\n")
    assert stepdiff.excerpt_highlights(old, new, "b.py") == ""             # a new file: nothing singled out


def test_excerpts_by_python_name_need_no_markers_in_learner_code(tmp_path):
    """`x.py:name` shows the top-level definition called name (decorators and
    the comment above it included); `first..last` a run of them; an unknown name
    fails the build instead of showing nothing."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    (old / "a.py").write_text("import x\n\n\ndef one():\n    return 1\n\n\ndef two():\n    return 2\n")
    (new / "a.py").write_text("import x\n\n\n# why one\n@x.route\ndef one():\n    return 1\n\n\n"
                              "def two():\n    return 2.5\n\n\nclass Three:\n    pass\n")
    text = (new / "a.py").read_text()
    assert stepdiff.excerpt_line_numbers(text, "one") == [4, 5, 6, 7]
    assert stepdiff.excerpt_line_numbers(text, "two..Three") == list(range(10, 16))
    assert stepdiff.line_range(text, "one..two") == "4:11"
    assert stepdiff.excerpt_highlights(old, new, "a.py", "one") == "1-2"   # the new comment and decorator
    assert stepdiff.excerpt_highlights(old, new, "a.py", "two") == "2"
    with pytest.raises(ValueError):
        stepdiff.excerpt_line_numbers(text, "four")


def test_learner_code_carries_no_snippet_markers():
    """A learner copying a file of steps/ copies no `# --8<--` lines (pages
    include by Python name instead)."""
    marked = [f"{path.relative_to(ROOT)}:{number}" for step in STEPS for path in sorted(step.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if "--8<--" in line]
    assert marked == []


def test_sequence_diagrams_draw_text_and_refuse_what_they_cant_read():
    svg = diagrams.render("participant B: Browser\nB -> A: POST `/auth/login`\nA --> B: 200\nnote A: hi\n== then ==\n"
                          "B -x A: refused", "Logging in")
    assert svg.count("<text") >= 6 and "Browser" in svg and "/auth/login" in svg and "<title>Logging in</title>" in svg
    with pytest.raises(diagrams.DiagramError):
        diagrams.render("B => A: what", "x")
    with pytest.raises(diagrams.DiagramError):
        diagrams.render("A -> B: 1\nB -> C: 2\nC -> D: 3\nD -> E: 4\nE -> F: 5", "too wide for a phone")


def test_the_glossary_gives_every_term_a_tooltip_once_per_page():
    terms = glossary.entries((DOCS / "glossary.md").read_text())
    assert len(terms) >= 40 and all(definition for _, definition in terms)
    tooltips = glossary.abbreviations()
    assert {"CSRF", "CORS", "preflight", "origins"} <= set(tooltips)
    page = ('<p><abbr title="t">CSRF</abbr> and <abbr title="t">CSRF</abbr></p><h2><abbr title="t">CSRF</abbr></h2>'
            '<p><abbr title="t">CSRF</abbr></p>')
    assert glossary.first_use_only(page) == ('<p><abbr tabindex="0" title="t">CSRF</abbr> and CSRF</p>'
                                             '<h2>CSRF</h2><p>CSRF</p>')


def test_the_names_box_lists_what_the_tests_import_use_and_call():
    """Step 05's box: check_hash (used as auth.check_hash, new in 05), the routes
    the app has and the tests call, and not the addresses only a test's own
    little app or a 404 check uses."""
    hardening = step_folders.find_step("05")
    assert "check_hash" in expected.app_names(hardening)["authapp.auth"]
    assert "User" in expected.app_names(hardening)["authapp.models"]
    routes = expected.routes(hardening)
    assert {"POST /auth/login", "GET /auth/me", "POST /auth/reset-password"} <= routes
    assert not any(route.endswith(("/boom", "/teapot", "/no-such-page")) for route in routes)
    box = expected.markdown(hardening, step_folders.neighbour(hardening, -1))
    assert "**`check_hash`**" in box and "`POST /auth/login`" in box and "**`POST /auth/login`**" not in box
    passkeys = step_folders.find_step("08")  # a route with an id, new in its step
    assert "**`DELETE /auth/passkeys/<...>`**" in expected.markdown(passkeys, step_folders.neighbour(passkeys, -1))


def test_the_build_refuses_an_escaped_quote_in_an_admonition_title():
    """Python-Markdown shows an admonition title as written: `\\"` would reach the
    reader with its backslash, so the build stops and says what to write instead."""
    page = SimpleNamespace(file=SimpleNamespace(src_uri="notes.md"))
    with pytest.raises(PluginError, match="curly quotes"):
        hooks.on_page_markdown('!!! warning "Myth: \\"passkeys are stored\\""\n    No.\n', page, None, None)
    assert hooks.escaped_quotes_in_titles('```\n!!! note "shown \\"as code\\""\n```\n') == []


def test_no_admonition_title_shows_a_backslash():
    """What the reader sees: no title of a note, tip or warning on any page shows `\\"`."""
    titles = {}
    for page in built_site().rglob("*.html"):
        if "source" in page.relative_to(built_site()).parts:
            continue
        text = page.read_text(encoding="utf-8")
        shown = re.findall(r'<p class="admonition-title">(.*?)</p>|<summary>(.*?)</summary>', text, re.DOTALL)
        bad = [title for pair in shown for title in pair if '\\"' in html.unescape(title)]
        if bad:
            titles[page.name] = bad
    assert titles == {}


@pytest.mark.parametrize("page", ["index.html", "glossary.html", *(f"steps/{step.name}.html" for step in STEPS)])
def test_a_glossary_term_is_marked_once_per_page(page):
    """A reader meets one underline per term on a page, not one per section:
    the first use carries the tooltip, the later ones are plain text."""
    marks = re.findall(r'<abbr\b[^>]*title="([^"]*)"', (built_site() / page).read_text(encoding="utf-8"))
    repeated = {tooltip[:40]: marks.count(tooltip) for tooltip in set(marks) if marks.count(tooltip) > 1}
    assert marks and repeated == {}, f"terms marked more than once: {repeated}"
