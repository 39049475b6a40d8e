"""Sequence diagrams drawn as inline SVG when the site is built: no JavaScript,
no network, readable on a phone, and coloured by the theme (dark mode too).

A page writes one as a fenced block:

    ```sequence title="Logging in"
    participant B: Browser
    participant A: Flask app
    B -> A: POST `/auth/login` with the password
    A -> A: check the scrypt hash
    A --> B: 200, Set-Cookie: `session=...`
    note B: keeps the cookie
    ```

Lines:
    participant ID: Label      declares a column (in order); otherwise the first use does
    X -> Y: text               a request or a call (solid arrow)
    X --> Y: text              an answer (dashed arrow)
    X -x Y: text               a message that is refused or never delivered (ends in a cross)
    X -> X: text               something X does by itself (a box on its line)
    note X: text / note X, Y: text    a note over one column or across several
    == text ==                 a divider that starts a new phase

Text may hold `code` in backticks and "\\n" for a line break; long text wraps.
"""
import html
import re

FONT = 14            # text size, in SVG units (1 unit = 1 CSS pixel at full size)
LINE = 18            # line height
GAP = {2: 220, 3: 155, 4: 122, 5: 100}   # distance between two columns, by column count: fits a phone
MARGIN = 8
ACTOR_HEIGHT_LINE = 17
ARROW = 7


class DiagramError(ValueError):
    pass


def char_width(char, mono):
    """An estimate of a character's width, in ems, in a system sans-serif or monospace font."""
    if mono:
        return 0.61
    if char in "iljtfI.,:;'|!()[]{} ":
        return 0.3
    if char in "mwMW@%":
        return 0.85
    if char.isupper() or char in "&#~<>=+_?":
        return 0.66
    return 0.54


def words(text):
    """The words of a text, each a list of (characters, mono) pieces: `code` is
    monospace, and a word may mix both ("`/auth/me`," is one word)."""
    result, word = [], []
    for index, part in enumerate(text.split("`")):
        mono = index % 2 == 1
        chunks = part.split(" ")
        for position, chunk in enumerate(chunks):
            if position > 0 and word:
                result.append(word)
                word = []
            if chunk:
                word.append((chunk, mono))
    if word:
        result.append(word)
    return result


def width_of(line, size=FONT):
    """The width of a line of words, spaces included."""
    letters = sum(char_width(c, mono) * size for word in line for text, mono in word for c in text)
    return letters + 0.3 * size * max(len(line) - 1, 0)


def wrap(text, limit, size=FONT):
    """Lines of words no wider than `limit` (a longer single word stays whole)."""
    lines = []
    for paragraph in text.split("\\n"):
        line = []
        for word in words(paragraph):
            if line and width_of(line + [word], size) > limit:
                lines.append(line)
                line = []
            line.append(word)
        lines.append(line)
    return lines


def text_svg(lines, x, y, anchor="middle", css="seq-text"):
    """<text> elements for wrapped lines; y is the first baseline."""
    out = []
    for index, line in enumerate(lines):
        pieces = []
        for position, word in enumerate(line):
            pieces.append(" " if position else "")
            for text, mono in word:
                pieces.append(f'<tspan class="seq-code">{html.escape(text)}</tspan>' if mono else html.escape(text))
        out.append(f'<text x="{x:.1f}" y="{y + index * LINE:.1f}" text-anchor="{anchor}" class="{css}">'
                   f'{"".join(pieces)}</text>')
    return "".join(out)


def parse(source):
    actors, labels, events = [], {}, []

    def actor(name):
        if name not in labels:
            actors.append(name)
            labels[name] = name
        return name

    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.fullmatch(r"participant\s+(\w+)\s*(?::\s*(.+))?", line):
            actor(match[1])
            labels[match[1]] = match[2] or match[1]
        elif match := re.fullmatch(r"==\s*(.+?)\s*==", line):
            events.append(("divider", match[1]))
        elif match := re.fullmatch(r"note\s+(\w+)(?:\s*,\s*(\w+))?\s*:\s*(.+)", line):
            events.append(("note", actor(match[1]), actor(match[2] or match[1]), match[3]))
        elif match := re.fullmatch(r"(\w+)\s*(-->|->|-x)\s*(\w+)\s*:\s*(.+)", line):
            source_actor, arrow, target, text = actor(match[1]), match[2], actor(match[3]), match[4]
            if source_actor == target:
                events.append(("note", source_actor, source_actor, text, "self"))
            else:
                events.append(("message", source_actor, target, arrow, text))
        else:
            raise DiagramError(f"line {number} of a sequence diagram: can't read {raw!r}")
    if len(actors) < 2:
        raise DiagramError("a sequence diagram needs at least two participants")
    if len(actors) > max(GAP):
        raise DiagramError(f"at most {max(GAP)} participants fit on a phone")
    return actors, labels, events


def render(source, title):
    actors, labels, events = parse(source)
    gap = GAP[len(actors)]
    box_width = gap - 16
    side = box_width / 2 + MARGIN
    width = side * 2 + gap * (len(actors) - 1)
    x = {name: side + index * gap for index, name in enumerate(actors)}
    parts, descriptions = [], []

    # The participants' boxes.
    actor_lines = {name: wrap(labels[name], box_width - 12) for name in actors}
    actor_height = max(len(lines) for lines in actor_lines.values()) * ACTOR_HEIGHT_LINE + 14
    for name in actors:
        parts.append(f'<rect class="seq-actor" x="{x[name] - box_width / 2:.1f}" y="{MARGIN}" '
                     f'width="{box_width:.1f}" height="{actor_height}" rx="6"/>')
        lines = actor_lines[name]
        first = MARGIN + (actor_height - len(lines) * ACTOR_HEIGHT_LINE) / 2 + 13
        parts.append(text_svg(lines, x[name], first, css="seq-actor-text"))
    y = MARGIN + actor_height + 16
    body = []

    for event in events:
        if event[0] == "divider":
            lines = wrap(event[1], width - 40)
            height = len(lines) * LINE + 8
            body.append(f'<rect class="seq-divider" x="{MARGIN}" y="{y:.1f}" width="{width - 2 * MARGIN:.1f}" '
                        f'height="{height}" rx="4"/>')
            body.append(text_svg(lines, width / 2, y + 17, css="seq-divider-text"))
            descriptions.append(f"Then: {plain(event[1])}.")
            y += height + 14
        elif event[0] == "note":
            _, first_actor, last_actor, text, *self_action = event
            left, right = sorted((x[first_actor], x[last_actor]))
            limit = (right - left) + box_width - 12
            lines = wrap(text, limit)
            text_width = max(width_of(line) for line in lines) + 18
            note_width = min(max(text_width, 60), limit + 12)
            centre = (left + right) / 2
            centre = min(max(centre, note_width / 2 + 2), width - note_width / 2 - 2)
            height = len(lines) * LINE + 8
            css = "seq-self" if self_action else "seq-note"
            body.append(f'<rect class="{css}" x="{centre - note_width / 2:.1f}" y="{y:.1f}" '
                        f'width="{note_width:.1f}" height="{height}" rx="4"/>')
            body.append(text_svg(lines, centre, y + 17))
            who = (labels[first_actor] if first_actor == last_actor
                   else f"{labels[first_actor]} and {labels[last_actor]}")
            descriptions.append(f"{who}: {plain(text)}.")
            y += height + 12
        else:
            _, source_actor, target, arrow, text = event
            x1, x2 = x[source_actor], x[target]
            limit = abs(x2 - x1) - 14
            lines = wrap(text, limit)
            centre = (x1 + x2) / 2
            body.append(text_svg(lines, centre, y + 12))
            y += len(lines) * LINE + 2
            direction = 1 if x2 > x1 else -1
            end = x2 - direction * 1.5
            dashed = ' stroke-dasharray="5 4"' if arrow == "-->" else ""
            css = "seq-reply" if arrow == "-->" else "seq-refused" if arrow == "-x" else "seq-message"
            if arrow == "-x":
                end = x2 - direction * 22
                body.append(f'<line class="{css}" x1="{x1:.1f}" y1="{y:.1f}" x2="{end:.1f}" y2="{y:.1f}"/>')
                body.append(f'<path class="seq-cross" d="M{end - 6:.1f},{y - 6:.1f} l12,12 '
                            f'M{end - 6:.1f},{y + 6:.1f} l12,-12"/>')
            else:
                body.append(f'<line class="{css}" x1="{x1:.1f}" y1="{y:.1f}" x2="{end - direction * ARROW:.1f}" '
                            f'y2="{y:.1f}"{dashed}/>')
                body.append(f'<path class="seq-head" d="M{end:.1f},{y:.1f} '
                            f'l{-direction * ARROW * 1.6:.1f},{-ARROW / 1.4:.1f} v{ARROW * 1.43:.1f} z"/>')
            verb = "answers" if arrow == "-->" else "sends, and it is refused:" if arrow == "-x" else "to"
            descriptions.append(f"{labels[source_actor]} {verb} {labels[target]}: {plain(text)}." if arrow != "-x"
                                else f"{labels[source_actor]} to {labels[target]}, refused: {plain(text)}.")
            y += 16
    height = y + 4
    lifelines = "".join(f'<line class="seq-life" x1="{x[name]:.1f}" y1="{MARGIN + actor_height}" '
                        f'x2="{x[name]:.1f}" y2="{height - 4:.1f}"/>' for name in actors)
    description = " ".join(descriptions)
    return (f'<figure class="seq-diagram">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'role="img" aria-label="{html.escape(title)}">'
            f'<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>'
            f'{lifelines}{"".join(parts)}{"".join(body)}</svg>'
            f'<figcaption>{html.escape(title)}</figcaption></figure>')


def plain(text):
    return text.replace("`", "").replace("\\n", " ")


# pymdownx.superfences custom fence: hooks.py registers these two.
def validator(language, inputs, options, attrs, md):
    for key, value in inputs.items():
        if key != "title":
            return False
        options["title"] = value
    return "title" in options


def formatter(source, language, class_name, options, md, **kwargs):
    return render(source, options.get("title", ""))
