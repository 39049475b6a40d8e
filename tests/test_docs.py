"""The documentation site can't disagree with the code: the diffs are current,
the strict build passes, every step has its page, every test a page names
exists, and no page pastes Python that lives in steps/."""
import re
import subprocess
import sys

import pytest

from conftest import ROOT, STEPS

sys.path.insert(0, str(ROOT / "scripts"))
import make_diffs  # noqa: E402

DOCS = ROOT / "docs"
GENERATED = {"diffs", "walkthroughs"}
PAGES = sorted(path for path in DOCS.rglob("*.md") if not GENERATED & set(path.relative_to(DOCS).parts))
STEP_PAGE_SECTIONS = ["## What you will learn", "## What changes", "## The code, file by file", "## Try it",
                      "## Security notes", "## Common mistakes", "## Exercises", "## Checkpoints"]
NAMED_TEST = re.compile(r"steps/(\d\d-[\w-]+)/tests/(test_\w+\.py)::(test_\w+)")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def step_page(step):
    return DOCS / "steps" / f"{step.name}.md"


def test_committed_diffs_match_the_steps():
    expected = make_diffs.render_all()
    committed = {path.name: path.read_text(encoding="utf-8") for path in (DOCS / "diffs").glob("*.md")}
    stale = sorted(name for name in expected if committed.get(name) != expected[name])
    extra = sorted(set(committed) - set(expected))
    assert not stale and not extra, (
        f"docs/diffs is out of date (changed: {stale}, no longer made: {extra}). Run `make diffs` and commit.")


def test_strict_build_succeeds(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    for step in STEPS:
        assert (tmp_path / "site" / "steps" / f"{step.name}.html").exists()


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_every_step_has_a_page_in_the_nav(step):
    assert step_page(step).exists(), f"write docs/steps/{step.name}.md"
    assert f"steps/{step.name}.md" in (ROOT / "mkdocs.yml").read_text(), f"add {step.name} to the nav in mkdocs.yml"


@pytest.mark.parametrize("step", STEPS, ids=[step.name for step in STEPS])
def test_every_step_page_has_its_sections_its_diff_and_its_walkthrough(step):
    text = step_page(step).read_text(encoding="utf-8")
    headings = {line.strip() for line in text.splitlines() if line.startswith("## ")}
    missing = [section for section in STEP_PAGE_SECTIONS if section not in headings]
    assert not missing, f"{step.name}: missing {missing}"
    assert f'--8<-- "docs/diffs/{step.name}.md' in text
    assert f'--8<-- "steps/{step.name}/walkthrough.sh"' in text
    assert f'--8<-- "docs/walkthroughs/{step.name}.txt"' in text
    assert '??? success "Solution"' in text


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
