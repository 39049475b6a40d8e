"""How long a page takes to read: its visible prose and code, as the browser shows them.

What is counted: the page's article, minus whatever is collapsed (a closed
<details>: the complete diff, solutions, notes for maintainers) except its
one-line summary. Prose is read at PROSE_RATE words a minute, code and
recorded answers at CODE_RATE non-blank lines a minute.

    python scripts/docsite/budget.py site/        every step page of a built site
"""
import math
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

# Adults read non-fiction silently at about 238 words a minute (Brysbaert, 2019,
# "How many words do we read per minute?", Journal of Memory and Language 109).
# A tutorial is read slower than that: we assume 200.
PROSE_RATE = 200
# Our own assumption for code read with attention: 3 seconds a line.
CODE_RATE = 20
BUDGET = 30  # minutes: no step page may ask for more


class Counter(HTMLParser):
    """Collects the visible text of the <article>, split into prose and code."""
    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [tag, hidden, hides_children, in_pre, in_article]
        self.prose, self.code = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        parent = self.stack[-1] if self.stack else ["", False, False, False, False]
        if parent[0] == "details" and tag == "summary":
            hidden = parent[1]  # a closed <details> still shows its summary
        else:
            hidden = parent[2]
        hidden = hidden or tag in self.SKIP or "headerlink" in (attrs.get("class") or "")
        hides_children = hidden or (tag == "details" and "open" not in attrs)
        self.stack.append([tag, hidden, hides_children, parent[3] or tag == "pre", parent[4] or tag == "article"])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.stack:
            return
        _, hidden, _, in_pre, in_article = self.stack[-1]
        if in_article and not hidden:
            (self.code if in_pre else self.prose).append(data)


def measure(page_html):
    """{"words", "code_lines", "minutes"} of the visible part of a built page."""
    counter = Counter()
    counter.feed(page_html)
    words = len(re.findall(r"\S+", " ".join(counter.prose)))
    code_lines = sum(1 for line in "".join(counter.code).splitlines() if line.strip())
    minutes = words / PROSE_RATE + code_lines / CODE_RATE
    return {"words": words, "code_lines": code_lines, "minutes": minutes}


def stated_time_is_honest(stated, minutes):
    """The stated time covers the estimate, rounded up to the next 5 minutes, and no more."""
    return stated == max(5, 5 * math.ceil(minutes / 5))


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    for page in sorted((site / "steps").glob("*.html")):
        m = measure(page.read_text(encoding="utf-8"))
        print(f"{page.name:28} {m['words']:5} words  {m['code_lines']:4} code lines  "
              f"{m['minutes']:5.1f} min -> state {max(5, 5 * math.ceil(m['minutes'] / 5))}")
