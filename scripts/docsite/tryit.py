"""A step's walkthrough.sh, read as the "Try it" section of its page.

The file is a plain bash script a learner can run, written in three kinds of line:

    ## Log in: the answer sets a cookie        prose: says what the next request shows
    curl -i -b cookies.txt -c cookies.txt \\    a command: shown in its own copyable block,
      http://127.0.0.1:5000/auth/login ...      and run by the tests exactly as written
    #> status 200                              a check on its answer: run by the tests,
    #> header Set-Cookie: HttpOnly             not shown on the page

A block is the run of command lines between two blank lines (or prose or check
lines). Checks:

    #> status 201                the (last) HTTP status line of the answer is 201
    #> header NAME               the answer has a NAME header
    #> header NAME: TEXT         ... and it contains TEXT
    #> no header NAME            the answer has no NAME header
    #> prints TEXT               the output contains TEXT

scripts/walkthroughs.py runs the blocks against a live server and records the
answers in docs/walkthroughs/<step>.json; the page shows each command with its
recorded answer, and the build fails if a recorded command is not the one in
the script any more.
"""
import html
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "docs" / "walkthroughs"
BASE_URL = "http://127.0.0.1:5000"
# The walkthroughs name the app as "$API" (set in their first block, default
# BASE_URL), so another port is one edit: API=http://127.0.0.1:5001.
API_VARIABLE = "$API"

# Headers every answer has and that change from machine to machine or from
# second to second: left out of the recorded answers (the page says so).
HIDDEN_HEADERS = ("Date", "Server", "Content-Length", "Connection")

# What differs on every run, replaced so the recorded answers can be compared.
VOLATILE = [
    # The session cookie and step 05's known_browser cookie (a new random id at each login).
    (re.compile(r"((?:__Host-)?(?:session|known_browser)=)[^;\s]+"), r"\1<random>"),
    # Its expiry date moves with the clock; a deleted cookie's (1970) doesn't.
    (re.compile(r"(; Expires=)(?!Thu, 01 Jan 1970)[^;]+"), r"\1<date>"),
    (re.compile(r"(token[\"=: ]+\"?)[A-Za-z0-9_.\-]{16,}"), r"\1<random>"),
    # Step 11: the device flow's codes, and the claims of a JWT that change at every issue.
    (re.compile(r'("(?:device|user)_code":")[^"]+'), r"\1<random>"),
    (re.compile(r'("(?:iat|exp)":)\d+'), r"\1<time>"),
    (re.compile(r'("jti":")[^"]+'), r"\1<random>"),
    # An API token wherever it is printed (step 10): its prefix stays, to be seen.
    (re.compile(r"fat_[0-9A-Za-z]{49}"), "fat_<random>"),
    (re.compile(r"(Retry-After: )\d+"), r"\1<seconds>"),
    (re.compile(r"(X-RateLimit-Reset: )\d+"), r"\1<time>"),
    # A moment in a JSON answer (a note's created_at, step 09): ISO 8601 in UTC.
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<time>"),
    # Werkzeug lists allowed methods in set order, which changes between runs.
    (re.compile(r"(Allow: )(.+)"), lambda m: m[1] + ", ".join(sorted(m[2].split(", ")))),
]


@dataclass
class Block:
    prose: str           # Markdown said before the command ("" if none)
    command: str         # exactly what is shown and run
    checks: list = field(default_factory=list)


def parse(text):
    """[Block] of a walkthrough.sh; the header comment before the first "##" is skipped."""
    blocks, prose, command, started = [], [], [], False

    def close_command():
        if command:
            blocks.append(Block(prose="\n".join(prose).strip(), command="\n".join(command)))
            prose.clear()
            command.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("##"):
            started = True
            close_command()
            prose.append(line[2:].strip())
        elif not started:
            continue
        elif line.startswith("#>"):
            close_command()
            if not blocks:
                raise ValueError(f"line {number}: a check before any command")
            blocks[-1].checks.append(parse_check(line[2:].strip(), number))
        elif not line.strip():
            close_command()
            if prose and prose[-1] != "":
                prose.append("")  # a paragraph break in the prose
        else:
            command.append(line)
    close_command()
    if prose and any(prose):
        raise ValueError("prose after the last command")
    return blocks


CHECK = re.compile(r"^(?:(?P<status>status) (?P<code>\d{3})"
                   r"|(?P<no>no )?header (?P<name>[\w-]+)(?:: (?P<text>.+))?"
                   r"|prints (?P<printed>.+))$")


def parse_check(text, number):
    match = CHECK.match(text)
    if not match or (match["no"] and match["text"]):
        raise ValueError(f"line {number}: can't read the check {text!r} (see scripts/docsite/tryit.py)")
    return text


def headers(output):
    """{lower-case name: [values]} of the HTTP answers in a command's output."""
    found, in_headers = {}, False
    for line in output.splitlines():
        if re.match(r"^HTTP/[\d.]+ \d{3}", line):
            in_headers = True
        elif in_headers and not line.strip():
            in_headers = False
        elif in_headers and ":" in line:
            name, value = line.split(":", 1)
            found.setdefault(name.strip().lower(), []).append(value.strip())
    return found


def failed_checks(block, output):
    """The checks of a block that its output doesn't pass, each with the reason."""
    problems = []
    for check in block.checks:
        match = CHECK.match(check)
        if match["status"]:
            statuses = re.findall(r"^HTTP/[\d.]+ (\d{3})", output, re.MULTILINE)
            if not statuses or statuses[-1] != match["code"]:
                problems.append(f"{check}: the status was {statuses[-1] if statuses else 'missing'}")
        elif match["name"]:
            values = headers(output).get(match["name"].lower(), [])
            if match["no"] and values:
                problems.append(f"{check}: it has {match['name']}: {values[0]}")
            elif not match["no"] and not values:
                problems.append(f"{check}: there is no {match['name']} header")
            elif match["text"] and not any(match["text"] in value for value in values):
                problems.append(f"{check}: it is {values}")
        elif match["printed"] not in output:
            problems.append(f"{check}: not in the output")
    return problems


def normalise(output):
    """The answer as recorded and shown: Unix line ends, the machine-specific
    headers left out, random values replaced, no trailing blank lines."""
    lines, in_headers = [], False
    for line in output.replace("\r\n", "\n").split("\n"):
        if re.match(r"^HTTP/[\d.]+ \d{3}", line):
            in_headers = True
        elif in_headers and not line.strip():
            in_headers = False
        elif in_headers and line.split(":", 1)[0].strip().lower() in {h.lower() for h in HIDDEN_HEADERS}:
            continue
        lines.append(line)
    text = "\n".join(lines)
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.strip("\n")


def script(step):
    return step / "walkthrough.sh"


def recording_path(step):
    return RECORDINGS / f"{step.name}.json"


def load_recording(step):
    """[{"command", "output"}] recorded for a step, or None."""
    path = recording_path(step)
    return json.loads(path.read_text(encoding="utf-8"))["blocks"] if path.exists() else None


def dump_recording(step, results):
    data = {"recorded_by": "scripts/walkthroughs.py (make walkthroughs): do not edit",
            "step": step.name, "blocks": results}
    recording_path(step).parent.mkdir(parents=True, exist_ok=True)
    recording_path(step).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class StaleRecording(Exception):
    pass


def request_line(command):
    """The requests a block's curl commands make, for its title: 'POST /auth/login';
    'DELETE /auth/tokens/1, then GET /notes' for two; the first and last of more
    ('POST /auth/register … POST /auth/login, 4 requests'); None without curl."""
    try:
        words = shlex.split(command.replace("\\\n", " "), comments=True)
    except ValueError:
        return None
    starts = [index for index, word in enumerate(words) if word == "curl"]
    lines = [line for start, end in zip(starts, starts[1:] + [len(words)])
             if (line := one_request(words[start + 1:end]))]
    if len(lines) <= 2:
        return ", then ".join(lines) or None
    return f"{lines[0]} … {lines[-1]}, {len(lines)} requests"


def one_request(arguments):
    """'GET /notes' for the arguments of one curl command, or None without our URL."""
    method, url = None, None
    for index, word in enumerate(arguments):
        if word in ("-X", "--request") and index + 1 < len(arguments):
            method = arguments[index + 1]
        elif word in ("-d", "--data", "--data-raw", "--data-binary") and not method:
            method = "POST"
        elif word.startswith((BASE_URL, API_VARIABLE)):
            base = BASE_URL if word.startswith(BASE_URL) else API_VARIABLE
            url = word[len(base):] or "/"
    return f"{method or 'GET'} {url}" if url else None


def markdown(step):
    """The "Try it" blocks of a step page: prose, a command, its recorded answer."""
    blocks = parse(script(step).read_text(encoding="utf-8"))
    recorded = load_recording(step)
    if recorded is None:
        raise StaleRecording(f"{recording_path(step).relative_to(ROOT)} is missing: run `make walkthroughs`")
    if [entry["command"] for entry in recorded] != [block.command for block in blocks]:
        raise StaleRecording(f"{recording_path(step).relative_to(ROOT)} was recorded from another version of "
                             f"steps/{step.name}/walkthrough.sh: run `make walkthroughs`")
    out = [try_it_twice(step)]
    out += [f"Each answer is shown as the tests recorded it, without the {', '.join(HIDDEN_HEADERS[:-1])} and "
           f"{HIDDEN_HEADERS[-1]} headers that every answer has; values that change on every run, such as "
           "cookies and tokens, show as `<random>`.\n"]
    for number, (block, entry) in enumerate(zip(blocks, recorded), start=1):
        if block.prose:
            out.append(block.prose + "\n")
        what = request_line(block.command) or "in the terminal"
        out.append(fenced(block.command, "bash", f"{number} · {what}", "try-command"))
        if entry["output"]:
            out.append(fenced(entry["output"], "http" if entry["output"].startswith("HTTP/") else "text",
                              "answer", "try-answer"))
    return "\n".join(out)


def try_it_twice(step):
    """How to run the blocks below at once, again, and on another port (the same on every page).
    Folded, with the first thing to type in its title: the page's own paragraph says the rest."""
    number = step.name[:2]
    return (f'??? tip "All at once: `make try STEP={number}`; run again: `FRESH=1`"\n'
            f"    `make try STEP={number}` runs every request below against a fresh database on a free port "
            f"and prints each answer. Without make: `python3 -m tools try {number}` (Windows: "
            f"`py -m tools try {number}`, with the bash and curl of Git for Windows).\n\n"
            f"    By hand, `make run STEP={number} FRESH=1` starts the step on a fresh, empty database, so the "
            "requests work a second time too. On another port (`PORT=5001`), the first block becomes "
            "`API=http://127.0.0.1:5001`: every request uses `$API`.\n")


def fenced(text, language, title, css_class):
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    # snippets would read a "--8<--" in a command as its own instruction.
    text = re.sub(r"(-+8<-+)", r";\1", text)
    return f'{ticks} {{ .{language} .{css_class} title="{html.escape(title)}" }}\n{text}\n{ticks}\n'
