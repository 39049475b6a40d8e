"""`make checklists`: one printable page per step, made from the step page's
"## Checkpoints" list (tools/checklists.py)."""
import re

import pytest

import memo
from suites import STEPS
from tools import checklists

PAGE = """# Step 07 · Example

## What you will learn

- not a checkpoint

## Checkpoints

- `flask --app authapp db upgrade` adds the **sessions** table.
- [ ] A task-list item, and an item whose text
  goes on to a second line with a [link](../elsewhere.md).
* Another bullet style.

## Exercises

- not a checkpoint either
"""


def memo_inputs(item):
    """The checklist of every page reads every page; the others read tools/checklists.py and
    this module's example page, none of the steps' pages."""
    if item.name == "test_every_step_page_gives_a_checklist":
        return [memo.EVERYTHING]
    return memo.everything_but_the_pages_of_other_steps([])


def test_only_the_checkpoint_items_are_taken():
    assert checklists.checkpoints(PAGE) == [
        "`flask --app authapp db upgrade` adds the **sessions** table.",
        "A task-list item, and an item whose text goes on to a second line with a [link](../elsewhere.md).",
        "Another bullet style.",
    ]


def test_a_page_without_checkpoints_is_an_error():
    with pytest.raises(ValueError, match="no \"## Checkpoints\""):
        checklists.checkpoints("# Step\n\n## Exercises\n\n- one\n")
    with pytest.raises(ValueError, match="no bullet items"):
        checklists.checkpoints("# Step\n\n## Checkpoints\n\nJust prose.\n")


def test_each_item_gets_a_box_and_keeps_its_code():
    page = checklists.render("Step 07 · Example", checklists.checkpoints(PAGE), "docs/steps/07-example.md")
    assert page.count('type="checkbox"') == 3
    assert "<code>flask --app authapp db upgrade</code>" in page and "<strong>sessions</strong>" in page
    assert "href" not in page  # links become plain text on paper
    assert "<h1>Step 07 · Example: checkpoints</h1>" in page


def test_every_step_page_gives_a_checklist(tmp_path):
    written, problems = checklists.build(tmp_path)
    assert problems == []
    assert [step for step, _, _ in written] == [step.name for step in STEPS]
    for step, name, count in written:
        page = (tmp_path / name).read_text()
        assert count >= 3, f"{step}: only {count} checkpoints"
        assert len(re.findall('type="checkbox"', page)) == count
    index = (tmp_path / "index.html").read_text()
    assert all(f'href="{name}"' in index for _, name, _ in written)
