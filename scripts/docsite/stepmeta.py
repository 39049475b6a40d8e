"""The front matter of the step pages: what the site says about each step.

    ---
    reading_time: 25        # minutes for the visible words and code (tests/test_docs.py checks it)
    build_time: 75          # minutes to write the step yourself, from the previous one
    adds: revocable server-side sessions, timeouts, cookie flags, CORS
    before:                 # what to read or have done first (Markdown links, from this page)
      - "[Step 02](02-register-login.md) running"
    ---
"""
import re
from pathlib import Path

import yaml

REQUIRED = ("reading_time", "build_time", "adds")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)---\s*\n", re.DOTALL)


def read(page_path):
    """The front matter of a page, as a dict ({} if it has none)."""
    match = FRONT_MATTER.match(Path(page_path).read_text(encoding="utf-8"))
    return yaml.safe_load(match[1]) or {} if match else {}


def title(page_path):
    text = Path(page_path).read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    for line in text[match.end() if match else 0:].splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return Path(page_path).stem


def problems(meta):
    missing = [key for key in REQUIRED if key not in meta]
    return [f"front matter lacks {', '.join(missing)}"] if missing else []
