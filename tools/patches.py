"""Unified diffs of a step folder, read, applied and written with the
standard library only (no git, no patch(1)): learners run this.

A patch names files relative to the step folder (a/authapp/x.py,
b/authapp/x.py; /dev/null for a new or deleted file). Lines before the
first `--- ` are a header (a move's title: `# Move 01: ...`) and are
skipped, as are git's `diff --git`/`index` lines between files.
Applying is exact: a hunk whose old lines are not where it says fails
with PatchDoesNotApply, never with a guess (fuzz).
"""
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NO_NEWLINE = "\\ No newline at end of file"
DEV_NULL = "/dev/null"


class PatchDoesNotApply(Exception):
    pass


@dataclass
class Hunk:
    old_start: int
    new_start: int
    lines: list = field(default_factory=list)  # (tag, text with its newline): tag is " ", "-" or "+"

    @property
    def old(self):
        return [text for tag, text in self.lines if tag in " -"]

    @property
    def new(self):
        return [text for tag, text in self.lines if tag in " +"]


@dataclass
class FilePatch:
    old_path: str  # None: a new file
    new_path: str  # None: a deleted file
    hunks: list = field(default_factory=list)

    @property
    def path(self):
        return self.new_path or self.old_path


def without_prefix(name):
    name = name.split("\t")[0].strip()
    if name == DEV_NULL:
        return None
    return name[2:] if name[:2] in ("a/", "b/") else name


def parse_patch(text):
    """[FilePatch] of a unified diff. Hunk lengths come from the @@ headers,
    so an added line that starts with "++" or a removed "--" is read right."""
    files, lines, index = [], text.splitlines(keepends=True), 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ "):
            files.append(FilePatch(without_prefix(line[4:]), without_prefix(lines[index + 1][4:])))
            index += 2
        elif line.startswith("@@ ") and files:
            index = read_hunk(lines, index, files[-1])
        else:
            index += 1  # a header, or git's "diff --git" and "index" lines
    return files


def read_hunk(lines, index, file_patch):
    """Read the hunk that starts at lines[index]; return the index after it."""
    match = HUNK_HEADER.match(lines[index])
    if not match:
        raise PatchDoesNotApply(f"not a hunk header: {lines[index].strip()}")
    old_count = int(match[2]) if match[2] is not None else 1
    new_count = int(match[4]) if match[4] is not None else 1
    hunk = Hunk(int(match[1]), int(match[3]))
    index += 1
    while (old_count > 0 or new_count > 0) and index < len(lines):
        tag, text = lines[index][:1], lines[index][1:]
        if tag == "\n" or lines[index] == "\n":  # an empty context line whose space was stripped
            tag, text = " ", "\n"
        if tag not in " -+":
            raise PatchDoesNotApply(f"{file_patch.path}: the hunk at line {hunk.old_start} ends too soon")
        hunk.lines.append((tag, text))
        old_count -= tag in " -"
        new_count -= tag in " +"
        index += 1
        if index < len(lines) and lines[index].startswith("\\"):  # no newline after the line just read
            hunk.lines[-1] = (tag, text.rstrip("\n"))
            index += 1
    file_patch.hunks.append(hunk)
    return index


def patched_text(file_patch, old_text, name=""):
    """The file's text after its hunks (None: the patch deletes it), exactly."""
    if file_patch.new_path is None:
        return None
    lines = (old_text or "").splitlines(keepends=True)
    for hunk in reversed(file_patch.hunks):  # from the bottom up: the line numbers above stay right
        old = hunk.old
        start = hunk.old_start - 1 if old else hunk.old_start
        if lines[start:start + len(old)] != old:
            raise PatchDoesNotApply(f"{name}: {file_patch.path} near line {hunk.old_start} "
                                    f"is not what the patch expects")
        lines[start:start + len(old)] = hunk.new
    return "".join(lines)


def apply_to_texts(file_patches, texts, name=""):
    """{relative path: text} after the patches (a new dict; nothing on disk)."""
    texts = dict(texts)
    for file_patch in file_patches:
        if file_patch.old_path is not None and file_patch.old_path not in texts:
            raise PatchDoesNotApply(f"{name}: {file_patch.old_path} does not exist")
        new_text = patched_text(file_patch, texts.pop(file_patch.old_path or file_patch.path, None), name)
        if new_text is not None:
            texts[file_patch.path] = new_text
    return texts


def apply_file_patch(file_patch, folder, name=""):
    """Apply one file's hunks inside folder, exactly."""
    target = Path(folder) / file_patch.path
    old_text = None if file_patch.old_path is None else (Path(folder) / file_patch.old_path).read_text(
        encoding="utf-8")
    new_text = patched_text(file_patch, old_text, name)
    if new_text is None:
        target.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as file:  # keep the patch's line endings
        file.write(new_text)


def apply_patch(patch, folder):
    """Apply a patch file (a path) to the folder, exactly (no fuzz)."""
    patch = Path(patch)
    for file_patch in parse_patch(patch.read_text(encoding="utf-8")):
        apply_file_patch(file_patch, folder, patch.name)


def header(patch_text):
    """The lines before the first `--- `: a move's title comment."""
    lines = []
    for line in patch_text.splitlines():
        if line.startswith("--- "):
            break
        lines.append(line)
    return lines


def file_diff(relative, old_text, new_text, context=3):
    """The unified diff of one file (old_text None: new file; new_text None:
    deleted), with a/ and b/ prefixes, in the form parse_patch reads."""
    old_lines = with_newline_marks((old_text or "").splitlines(keepends=True))
    new_lines = with_newline_marks((new_text or "").splitlines(keepends=True))
    old_name = DEV_NULL if old_text is None else f"a/{relative}"
    new_name = DEV_NULL if new_text is None else f"b/{relative}"
    diff = "".join(difflib.unified_diff(old_lines, new_lines, old_name, new_name, n=context))
    return diff or f"--- {old_name}\n+++ {new_name}\n"  # an empty file made or deleted: no hunk


def with_newline_marks(lines):
    """A last line without a newline gets one, plus the marker diff(1) writes."""
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + "\n" + NO_NEWLINE + "\n"]
    return lines


def folder_diff(old_files, new_files, context=3):
    """The patch from one set of files to another: each a dict
    {relative path: text}. Files in sorted order, so a patch is reproducible."""
    parts = []
    for relative in sorted(set(old_files) | set(new_files)):
        old_text, new_text = old_files.get(relative), new_files.get(relative)
        if old_text != new_text:
            parts.append(file_diff(relative, old_text, new_text, context))
    return "".join(parts)
