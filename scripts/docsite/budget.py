"""How long a page takes to read: its visible prose and code, as the browser shows them.

What is counted: the page's article, minus whatever is collapsed (a closed
<details>: the complete diff, solutions, notes for maintainers) except its
one-line summary. Prose is read at PROSE_RATE words a minute, code and
recorded answers at CODE_RATE non-blank lines a minute.

For a page taught in moves (docs/moves/NN-name/), the count is stricter
(issue 21): every word a learner reads, prose and code alike, folded
solutions and notes included; only the complete diff and the lists of
test names (proof) are left out. At READING_RATE words a minute; the
stated time must be at least HONEST_SHARE of that, and no more than it
rounded up to 5 minutes.

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
BUDGET = 30  # minutes: no step page may ask for more (pages not yet taught in moves)
# For pages taught in moves: a learner reading a tutorial closely, code
# included, at 150 words a minute (issue 21's figure); the stated time must
# cover at least 75% of that.
READING_RATE = 150
HONEST_SHARE = 0.75
NOT_READ = {"complete-diff", "proof"}  # classes of folds a learner needn't read
# A page taught in moves shows every line its step adds, so its length follows
# the step's code, and the whole page has no cap: it states its honest time.
# What must stay small is each move, the stretch a learner reads before the
# next green check (issue 21: "each ending green within minutes").
MOVE_BUDGET = 15  # minutes of reading per move, folds included
MOVE_HEADING = re.compile(r'<h2 id="move-')


class Counter(HTMLParser):
    """Collects the visible text of the <article>, split into prose and code."""
    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, open_folds=False):
        super().__init__(convert_charrefs=True)
        # The count for moves pages: folded parts too (except the NOT_READ ones), and a
        # <wbr> isn't a space. sources.py puts one after each _ . / :: of a long name so a
        # phone can break the line there: set_<wbr>password stays one word. (The older
        # visible-words estimate of the other pages keeps splitting there, as their
        # stated times were measured.)
        self.open_folds = open_folds
        self.stack = []  # [tag, hidden, hides_children, in_pre, in_article]
        self.prose, self.code = [], []
        self.glue = False  # the next text continues the word before it

    def handle_starttag(self, tag, attrs):
        self.glue = tag == "wbr" and self.open_folds
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        parent = self.stack[-1] if self.stack else ["", False, False, False, False]
        if parent[0] == "details" and tag == "summary":
            hidden = parent[1]  # a closed <details> still shows its summary
        else:
            hidden = parent[2]
        hidden = hidden or tag in self.SKIP or "headerlink" in (attrs.get("class") or "")
        classes = set((attrs.get("class") or "").split())
        if self.open_folds:
            hides_children = hidden or (tag == "details" and bool(classes & NOT_READ))
        else:
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
        glue, self.glue = self.glue, False
        if not self.stack:
            return
        _, hidden, _, in_pre, in_article = self.stack[-1]
        if in_article and not hidden:
            chunks = self.code if in_pre else self.prose
            if glue and chunks:
                chunks[-1] += data
            else:
                chunks.append(data)


def measure(page_html):
    """{"words", "code_lines", "minutes"} of the visible part of a built page."""
    counter = Counter()
    counter.feed(page_html)
    words = len(re.findall(r"\S+", " ".join(counter.prose)))
    code_lines = sum(1 for line in "".join(counter.code).splitlines() if line.strip())
    minutes = words / PROSE_RATE + code_lines / CODE_RATE
    return {"words": words, "code_lines": code_lines, "minutes": minutes}


def measure_everything(page_html):
    """{"words", "minutes"}: every word of the article a learner reads, folds
    included (not the complete diff, not proof lists), at READING_RATE."""
    counter = Counter(open_folds=True)
    counter.feed(page_html)
    # Highlighted code arrives in fragments (`app`, `.`, `config`): joined as
    # they are, so that a word is what the reader sees between spaces.
    words = len(re.findall(r"\S+", " ".join(counter.prose))) + len(re.findall(r"\S+", "".join(counter.code)))
    return {"words": words, "minutes": words / READING_RATE}


def move_minutes(page_html):
    """Minutes of reading (measure_everything's count) of each "Move N" section, in order."""
    article = page_html[page_html.find("<article"):]
    parts = MOVE_HEADING.split(article)[1:]
    sections = []
    for part in parts:
        end = re.search(r"<h2 ", part)  # the next section that isn't a move ends this one
        sections.append(part[:end.start()] if end else part)
    return [measure_everything(f"<article><h2 {section}</article>")["minutes"] for section in sections]


def honest_for_moves(stated, minutes):
    """At least HONEST_SHARE of everything read, and not more than it rounded up to 5 minutes."""
    return HONEST_SHARE * minutes <= stated <= max(5, 5 * math.ceil(minutes / 5))


def stated_time_is_honest(stated, minutes):
    """The stated time covers the estimate, rounded up to the next 5 minutes, and no more."""
    return stated == max(5, 5 * math.ceil(minutes / 5))


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    for page in sorted((site / "steps").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        m, everything = measure(text), measure_everything(text)
        print(f"{page.name:28} {m['words']:5} words  {m['code_lines']:4} code lines  "
              f"{m['minutes']:5.1f} min -> state {max(5, 5 * math.ceil(m['minutes'] / 5))}   "
              f"(moves rule: {everything['words']} words read, {everything['minutes']:.1f} min)")
