"""docs/glossary.md, turned into a tooltip on the terms of every page.

The glossary page is a definition list:

    CSRF
    :   Cross-site request forgery: another site makes your browser send ...

Each term becomes an abbreviation (Python-Markdown's `abbr`, with the first
sentence or two of its definition as the tooltip) on every page. A term that
is a lower-case word also matches its plural. So that a page isn't covered in
underlines, only the first use of a term on a page keeps its tooltip. That one
can take the focus (tabindex="0"): a tap on a phone or the Tab key opens it, as
Material opens a tooltip on focus as well as on hover, and phones (Safari on
iOS in particular) send no hover to a word that isn't a link or a button.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
TOOLTIP_LIMIT = 260  # characters: a tooltip is a reminder, the page has the rest


def entries(text):
    """[(term, definition as Markdown)] in page order."""
    found, lines = [], text.splitlines()
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        if line.strip() and not line.startswith((" ", ":", "#", "!", "<", "*", "-", "|")) \
                and following.startswith(":   "):
            definition = [following[4:]]
            for more in lines[index + 2:]:
                if more.startswith("    ") or not more.strip():
                    definition.append(more.strip())
                else:
                    break
            found.append((line.strip(), " ".join(part for part in definition if part).strip()))
    return found


def plain(markdown):
    """Markdown as the plain text a tooltip shows."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)   # links
    text = re.sub(r"[`*_]{1,2}([^`*_]+)[`*_]{1,2}", r"\1", text)  # code, emphasis
    return re.sub(r"\s+", " ", text).strip()


def tooltip(definition):
    text = plain(definition)
    if len(text) <= TOOLTIP_LIMIT:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > TOOLTIP_LIMIT:
            break
        out += " " + sentence
    return out if len(out) <= TOOLTIP_LIMIT else out[:TOOLTIP_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def plural(term):
    if not re.fullmatch(r"[a-z][a-z-]*", term):
        return None
    return term + ("es" if term.endswith(("s", "sh", "ch", "x")) else "s")


def abbreviations(path=GLOSSARY):
    """{text as written on a page: tooltip} for the abbr extension's glossary option."""
    found = {}
    for term, definition in entries(path.read_text(encoding="utf-8")):
        text = tooltip(definition)
        found[term] = text
        if plural(term):
            found[plural(term)] = text
    return found


ABBR = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.DOTALL)
HEADING = re.compile(r"<h([1-6])\b.*?</h\1>", re.DOTALL)


def first_use_only(page_html):
    """Keep the tooltip on the first use of each term on the page, focusable;
    a term and its plural share a tooltip, so they count as one. Headings get
    none: the text under them does."""
    page_html = HEADING.sub(lambda heading: ABBR.sub(r"\2", heading[0]), page_html)
    seen = set()

    def keep_first(match):
        tooltip, term = match[1], match[2]
        if tooltip in seen:
            return term
        seen.add(tooltip)
        return f'<abbr tabindex="0" title="{tooltip}">{term}</abbr>'
    return ABBR.sub(keep_first, page_html)
