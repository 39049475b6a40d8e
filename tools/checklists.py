"""Printable checklists for instructors, made from the "## Checkpoints"
section of each step's page (so there is no second copy to keep in sync).

    make checklists      # build/checklists/01-models.html ... and index.html

One A4 page per step: the step's title, a box to tick for each checkpoint
and room for notes. Open it in a browser and print it.
"""
import argparse
import html
import re
import sys
from pathlib import Path

import markdown

from tools import steps

SECTION = "Checkpoints"

STYLE = """
  @page { size: A4; margin: 18mm; }
  body { font: 12pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; max-width: 48em;
         margin: 2em auto; }
  h1 { font-size: 18pt; margin: 0 0 .2em; }
  .who { margin: .8em 0 1.2em; }
  .who span { display: inline-block; min-width: 14em; border-bottom: 1px solid #555; margin-right: 1.5em; }
  ul { list-style: none; padding: 0; }
  li { margin: 0 0 .7em; display: flex; gap: .6em; align-items: flex-start; }
  li input { width: 1.1em; height: 1.1em; margin-top: .2em; flex: none; }
  code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 10.5pt; background: #f2f2f2;
         padding: 0 .2em; }
  .notes { border-top: 1px solid #555; margin-top: 1.5em; padding-top: .3em; min-height: 6em; color: #555; }
  .source { color: #666; font-size: 9pt; }
  @media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
"""


def checkpoints(page_text):
    """The items of the page's "## Checkpoints" bullet list, as Markdown."""
    lines = page_text.splitlines()
    starts = [index for index, line in enumerate(lines) if re.fullmatch(rf"##\s+{SECTION}\s*#*\s*", line.strip())]
    if not starts:
        raise ValueError(f'no "## {SECTION}" section')
    items = []
    for line in lines[starts[0] + 1:]:
        if re.match(r"#{1,2}\s", line):
            break  # the next section of the same or a higher level
        bullet = re.match(r"\s{0,3}[-*+]\s+(?:\[[ xX]\]\s+)?(.*)", line)
        if bullet:
            items.append(bullet.group(1).strip())
        elif items and line.strip():
            items[-1] += " " + line.strip()  # a continuation line of the item above
    if not items:
        raise ValueError(f'the "## {SECTION}" section has no bullet items')
    return items


def title(page_text, fallback):
    for line in page_text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def inline_html(item):
    """One item's Markdown as HTML: code and emphasis kept, links as plain text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", item)
    rendered = markdown.markdown(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)


def render(heading, items, source):
    boxes = "\n".join(f'    <li><input type="checkbox" aria-label="done"><span>{inline_html(item)}</span></li>'
                      for item in items)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Checklist · {html.escape(heading)}</title>
  <style>{STYLE}</style>
</head>
<body>
  <h1>{html.escape(heading)}: checkpoints</h1>
  <p class="who"><span>Name:</span> <span>Time:</span></p>
  <ul>
{boxes}
  </ul>
  <p class="notes">Notes</p>
  <p class="source">Made by <code>make checklists</code> from {html.escape(source)}.</p>
</body>
</html>
"""


def build(out, root=steps.ROOT):
    """Write one page per step and an index; return the problems found."""
    out.mkdir(parents=True, exist_ok=True)
    written, problems = [], []
    for step in steps.all_steps(root):
        page = steps.page(step, root)
        if page is None:
            problems.append(f"{step.name}: no page in docs/ yet")
            continue
        text = page.read_text()
        try:
            items = checkpoints(text)
        except ValueError as error:
            problems.append(f"{page.relative_to(root)}: {error}")
            continue
        target = out / f"{step.name}.html"
        target.write_text(render(title(text, step.name), items, str(page.relative_to(root))))
        written.append((step.name, target.name, len(items)))
    links = "\n".join(f'    <li><a href="{name}">{html.escape(step)}</a> ({count} checkpoints)</li>'
                      for step, name, count in written)
    (out / "index.html").write_text(
        f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Checklists</title>'
        f"<style>{STYLE}</style></head>\n<body>\n  <h1>Checklists, one per step</h1>\n  <ul>\n{links}\n  </ul>\n"
        f"</body>\n</html>\n")
    return written, problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make checklists", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(steps.ROOT / "build" / "checklists"))
    args = parser.parse_args(argv)
    written, problems = build(Path(args.out))
    for _, name, count in written:
        print(f"{Path(args.out) / name}  ({count} checkpoints)")
    for problem in problems:
        print(f"MISSING {problem}")
    print(f"Open {Path(args.out) / 'index.html'} in a browser and print the pages you need.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
