"""Every file and test name on a page links to the file itself, rendered in the site.

A reader of the site has no checkout to open `steps/03-sessions/tests/test_sessions.py`
in, so the build renders each file of each step (and every other repository
file a page names) as a page of its own, source/<path>.html, with numbered
lines, and turns the names on the pages into links:

  * `steps/03-sessions/tests/test_myths.py::test_name` -> that file, at the test's line;
  * on a step's page, `authapp/models.py`, `tests/test_myths.py`, `models.py` or
    a bare `test_name` of that step -> the step's file;
  * a code block's title that starts with a file name -> that file.
"""
import html
import posixpath
import re
import subprocess
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from . import stepdiff

ROOT = Path(__file__).resolve().parents[2]
OTHER_ROOTS = ("tests/", "client/", "tools/", "scripts/", "production/", "benchmarks/", ".ci/", "labs/")
TOP_FILES = {"Makefile", "README.md", "mkdocs.yml", "requirements.txt", "requirements-dev.txt",
             "requirements-prod.txt", "pytest.ini"}
LONG_FILE = 400  # lines: a longer data file is shown in part
PREFIX = "source/"


def repository_files():
    """The files a checkout holds (git's list, or a walk when there is no git)."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.splitlines()
        return sorted(path for path in listed if (ROOT / path).is_file())
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "site", "build", "workspace"} | stepdiff.IGNORED_PARTS
        return sorted(path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*")
                      if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
                      and path.suffix not in stepdiff.IGNORED_SUFFIXES)


def linkable(path):
    return path.startswith("steps/") or path.startswith(OTHER_ROOTS) or path in TOP_FILES


def definition_line(path, name):
    """The line of `def name(` (or `class name`, or `function name`) in a repository file."""
    if not name:
        return None
    name = name.split("[")[0]
    try:
        text = (ROOT / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"^\s*(?:async\s+)?(?:def|class|function)\s+{re.escape(name)}\b")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


class Resolver:
    """Finds the repository file a name on a page means."""

    def __init__(self, steps):
        self.files = set(repository_files())
        self.steps = steps
        self.step_tests = {}

    def step_file_by_name(self, step, name):
        matches = [path for path in self.files if path.startswith(f"steps/{step.name}/")
                   and posixpath.basename(path) == name]
        return matches[0] if len(matches) == 1 else None

    def test_file(self, step, test):
        for path in sorted(self.files):
            if path.startswith(f"steps/{step.name}/tests/") and path.endswith(".py") and definition_line(path, test):
                return path
        return None

    def resolve(self, text, step=None):
        """(repository path, line or None) for a name, or None."""
        text = text.strip()
        name = None
        if "::" in text:
            text, name = text.split("::", 1)
        if not text or " " in text:
            return None
        if text in self.files and linkable(text):
            return text, definition_line(text, name)
        if step is None:
            return None
        candidate = f"steps/{step.name}/{text}"
        if candidate in self.files:
            return candidate, definition_line(candidate, name)
        if re.fullmatch(r"test_\w+", text) and name is None:
            path = self.test_file(step, text)
            return (path, definition_line(path, text)) if path else None
        if re.fullmatch(r"[\w.-]+\.(py|sh|txt|ini|md|toml)", text) and name is None:
            path = self.step_file_by_name(step, text)
            return (path, None) if path else None
        return None


def url(path, line=None):
    return f"{PREFIX}{path}.html" + (f"#L-{line}" if line else "")


def relative(target, page_url):
    base = posixpath.dirname(page_url)
    return posixpath.relpath(target, base or ".")


OUTSIDE_LINKS = re.compile(r"(<pre\b.*?</pre>|<a\b.*?</a>|<svg\b.*?</svg>)", re.DOTALL)
INLINE_CODE = re.compile(r"<code>([^<]+)</code>")
TITLE = re.compile(r'<span class="filename">([^<]+)</span>')


def breakable(text):
    """Long names may wrap after "/", "::", "_" or "." on a narrow screen."""
    if len(text) < 24:
        return text
    return re.sub(r"(::|/|_|\.)(?=\w)", r"\1<wbr>", text)


def link_names(page_html, page_url, resolver, step, used):
    """The page's HTML with its file and test names linked; `used` collects the files."""

    def link(match):
        raw = html.unescape(match[1])
        found = resolver.resolve(raw, step)
        if not found:
            return f"<code>{breakable(match[1])}</code>"
        path, line = found
        used.add(path)
        href = relative(url(path, line), page_url)
        return (f'<a class="source-link" href="{href}" title="Open {html.escape(path)}">'
                f"<code>{breakable(match[1])}</code></a>")

    def title(match):
        raw = html.unescape(match[1])
        first, _, rest = raw.partition(" ")
        found = resolver.resolve(first, step)
        if not found:
            return match[0]
        used.add(found[0])
        href = relative(url(found[0]), page_url)
        return (f'<span class="filename"><a class="source-link" href="{href}" title="Open the whole file">'
                f"{html.escape(first)}</a>{' ' + html.escape(rest) if rest else ''}</span>")

    parts = OUTSIDE_LINKS.split(page_html)
    for index, part in enumerate(parts):
        if index % 2 == 0:
            parts[index] = INLINE_CODE.sub(link, part)
        elif part.startswith("<pre"):
            continue
    joined = "".join(parts)
    return TITLE.sub(title, joined)


# ---------------------------------------------------------------- the source views

FORMATTER_OPTIONS = dict(linenos="inline", anchorlinenos=True, lineanchors="L", cssclass="highlight")
STYLE = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1f2328; --muted: #59636e; --line: #eaeef2; --hl: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #1e2129; --fg: #e3e6ea; --muted: #9aa4b2; --line: #2f3440; --hl: #4d4211; }
}
body { margin: 0; background: var(--bg); color: var(--fg);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { padding: .8rem 1rem; border-bottom: 1px solid var(--line); }
header p { margin: .2rem 0; overflow-wrap: anywhere; }
header a { color: #3f51b5; } @media (prefers-color-scheme: dark) { header a { color: #8c9eff; } }
h1 { font-size: 1.05rem; margin: .3rem 0; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: .9rem; }
.highlight pre {
  margin: 0; padding: .8rem 0; overflow-x: auto; font: 13px/1.55 ui-monospace, Menlo, Consolas, monospace;
}
.highlight .linenos { display: inline-block; width: 3.2em; padding-right: .8em; text-align: right; color: var(--muted);
                      user-select: none; }
.highlight a { text-decoration: none; }
.highlight a[id] { scroll-margin-top: 5rem; }
.highlight a[id]:target + a .linenos { background: var(--hl); color: var(--fg); font-weight: bold; }
"""


def pygments_css():
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="github-dark").get_style_defs(".highlight")
    ours = re.compile(r"\.highlight \{|^pre|^td|^span\.linenos|\.hll")  # rules the page styles itself
    light = "\n".join(line for line in light.splitlines() if not ours.search(line))
    dark = "\n".join(line for line in dark.splitlines() if not ours.search(line))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def lexer_for(path, text):
    try:
        return get_lexer_for_filename(path, text)
    except ClassNotFound:
        if path.endswith(("walkthrough.sh", "/run")) or text.startswith("#!/usr/bin/env bash"):
            return get_lexer_for_filename("x.sh")
        return TextLexer()


class SourceViews:
    def __init__(self, site_name):
        self.site_name = site_name
        self.css = STYLE + pygments_css()
        self.cache = {}

    def page(self, path, step_page=None, download=None):
        """(site path, HTML) of the source view of one repository file."""
        text = (ROOT / path).read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        note = ""
        if len(lines) > LONG_FILE and stepdiff.is_data(path):
            note = (f'<p class="note">The first {LONG_FILE} of {len(lines):,} lines. '
                    "The download has the whole file.</p>")
            text = "\n".join(lines[:LONG_FILE]) + "\n"
        key = (path.rsplit("/", 1)[-1], text)
        if key not in self.cache:
            self.cache[key] = highlight(text, lexer_for(path, text), HtmlFormatter(**FORMATTER_OPTIONS))
        target = url(path)
        home = relative("index.html", target)
        trail = [f'<a href="{home}">{html.escape(self.site_name)}</a>']
        if step_page:
            trail.append(f'<a href="{relative(step_page[0], target)}">{html.escape(step_page[1])}</a>')
        links = (f'Download: <a href="{relative(download, target)}">{posixpath.basename(download)}</a>'
                 if download else "")
        body = (f'<header><p>{" › ".join(trail)}</p><h1><code>{html.escape(path)}</code></h1>'
                f'<p class="note">{links}</p>{note}</header><main>{self.cache[key]}</main>')
        return target, (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                        f'<title>{html.escape(path)} · {html.escape(self.site_name)}</title>'
                        f'<style>{self.css}</style></head><body>{body}</body></html>\n')


def write(site_dir, pages):
    for target, content in pages:
        destination = Path(site_dir) / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(content, encoding="utf-8")


def step_of(path):
    """'03-sessions' for 'steps/03-sessions/...', else None."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "steps" else None
