"""Steps taught in moves (issue 21): docs/moves/NN-name/MM-slug.patch.

For every step that has a moves folder (the others say nothing yet): the
moves give exactly the step; each move's tests fail before it and pass after
it, and there are at most MOST_TESTS of them; its page shows every line the
moves add to the app, keeps test names out of its reading flow, and has a
heading and a check per move. Also the tools around moves: `check --move`,
`start --from`, the migration hint that works as printed, and the authoring
tool scripts/moves.py.
"""
import ast
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

import memo
import suites
from tools import liveapp, moves, outcomes, patches, start, steps

ROOT = steps.ROOT
sys.path.insert(0, str(ROOT / "scripts"))
from docsite import moves as move_pages  # noqa: E402

# Tests that pass before their step on purpose (a myth shown on plain Flask),
# each with its reason: they can't fail before their move either.
GUARDS = tomllib.loads((ROOT / "tests" / "regression_guards.toml").read_text(encoding="utf-8"))
MOST_TESTS = 15  # issue 21: "no move asks a learner to face more than about 15 new failing tests"
TAUGHT = [step for step in steps.all_steps() if moves.has_moves(step)]
IDS = [step.name for step in TAUGHT]
DIRECTIVE_LINE = re.compile(r"^[ \t]*<!-- docsite: .*-->[ \t]*$", re.MULTILINE)


def page_text(step):
    return steps.page(step).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the patch reader


def test_patches_read_back_what_they_write(tmp_path):
    """New, changed, emptied and deleted files, a last line without a newline, and
    lines that begin with -- or ++ all survive a diff and its application."""
    old = {"a.py": "x = 1\n-- not a header\ny = 2\n", "gone.txt": "bye\n", "tail.txt": "no newline",
           "empty.py": ""}
    new = {"a.py": "x = 1\n++ added\ny = 3\n", "new/b.py": "print('hi')\n", "tail.txt": "no newline, still",
           "empty.py": "", "made_empty.py": ""}
    patch = patches.folder_diff(old, new)
    assert patches.apply_to_texts(patches.parse_patch("# Move 01: x\n" + patch), old) == new
    moves.write_texts(old, tmp_path)
    (tmp_path / "p.patch").write_text(patch)
    patches.apply_patch(tmp_path / "p.patch", tmp_path)
    assert (tmp_path / "a.py").read_text() == new["a.py"] and not (tmp_path / "gone.txt").exists()
    assert (tmp_path / "tail.txt").read_text() == "no newline, still"


def test_a_patch_that_does_not_fit_is_refused():
    patch = patches.folder_diff({"a.py": "one\ntwo\n"}, {"a.py": "one\n2\n"})
    with pytest.raises(patches.PatchDoesNotApply, match="a.py near line 1"):
        patches.apply_to_texts(patches.parse_patch(patch), {"a.py": "uno\ntwo\n"})


# ---------------------------------------------------------------- every step taught in moves


def test_every_step_is_taught_in_moves():
    """Issue 21: every step page teaches in moves (docs/moves/NN-name/), so every check
    below covers every step; a new step without its moves fails here, not silently."""
    untaught = [step.name for step in steps.all_steps() if not moves.has_moves(step)]
    assert not untaught, f"steps without moves (python scripts/moves.py split NN): {untaught}"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_the_moves_give_exactly_the_step(step):
    """Step N-1 (step 01: nothing) with every move applied in order is step N, byte for byte."""
    after = moves.texts_after(step, len(moves.moves(step)))
    wanted = moves.lesson_texts(step)
    differing = sorted(path for path in set(after) | set(wanted) if after.get(path) != wanted.get(path))
    assert not differing, (f"{step.name}: the moves don't give these files of the step: {differing} "
                           f"(python scripts/moves.py edit {steps.number(step)}, fix, save)")


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_moves_are_numbered_from_one_and_have_a_heading_each(step):
    found = moves.moves(step)
    assert [each.number for each in found] == list(range(1, len(found) + 1))
    text = page_text(step)
    for each in found:
        heading = f"## Move {each.number} · {each.title}"
        assert re.search(rf"^{re.escape(heading)}$", text, re.MULTILINE), f"{step.name}: no heading {heading!r}"
        assert f"<!-- docsite: check {each.number} -->" in text, f"{step.name}: move {each.number} has no check"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_no_move_asks_for_more_than_15_new_tests(step):
    sizes = {each.number: len(moves.tests_of(step, each.number)) for each in moves.moves(step)}
    too_big = {number: size for number, size in sizes.items() if size > MOST_TESTS}
    assert not too_big, f"{step.name}: moves with more than {MOST_TESTS} tests: {too_big}: split them"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_every_new_or_changed_test_belongs_to_exactly_one_move(step):
    """A test the step adds or changes is added or changed by one move only (so
    `check --move` and the page's check boxes count it once); tests carried
    unchanged from the previous step belong to none."""
    owners = {}
    for each in moves.moves(step):
        for node_id in moves.tests_of(step, each.number):
            owners.setdefault(node_id, []).append(each.number)
    shared = {node_id: numbers for node_id, numbers in owners.items() if len(numbers) > 1}
    assert not shared, f"{step.name}: tests changed by more than one move: {shared}"
    start, end = moves.test_sources(moves.start_texts(step)), moves.test_sources(moves.lesson_texts(step))
    new_or_changed = {node_id for node_id, source in end.items() if start.get(node_id) != source}
    assert set(owners) == new_or_changed


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_each_moves_tests_fail_before_it_and_pass_after_it(step, tmp_path):
    """Red/green per move: the state after move m-1 with move m's tests fails each
    of them (a test that can't even load counts as failing); after move m they pass.
    One run per state: the app after move m runs move m+1's tests (which must fail)
    and move m's (which must pass) together; a test of move m that fails there is
    run again with the tests of its own state, where only it counts. A regression
    guard (tests/regression_guards.toml) passes before its step, so before its move too.
    A test of the previous step that a move changes (step 04's production apps now
    name a MAIL_SERVER; step 05's pass the production settings it requires) may
    pass before the move if its old version fails after it: the move is what made
    the change necessary."""
    guards = GUARDS.get(step.name, {})
    count = len(moves.moves(step))
    own = {number: moves.tests_of(step, number) for number in range(1, count + 1)}
    inherited = moves.test_sources(moves.start_texts(step))
    for number in range(count + 1):
        app = moves.state_after(step, number, tmp_path / f"app-{number}")
        tests = moves.state_after(step, min(number + 1, count), tmp_path / f"tests-{number}")
        red, green = own.get(number + 1, []), own.get(number, [])
        if not red and not green:
            continue
        run = run_tests(tests, app, red + green, tmp_path / f"run-{number}")
        passed_before = [node_id for node_id in red if outcome(run, node_id) == "passed" and node_id not in guards]
        adapted = [node_id for node_id in passed_before if node_id in inherited]
        if adapted:  # their old versions (in the state before the move) against the app after it
            old = run_tests(app, tests, adapted, tmp_path / f"old-{number}")
            passed_before = [node_id for node_id in passed_before
                             if node_id not in adapted or outcome(old, node_id) == "passed"]
        assert not passed_before, f"{step.name} move {number + 1}: these already pass before it: {passed_before}"
        not_passing = [node_id for node_id in green if outcome(run, node_id) != "passed"]
        if not_passing:  # judged again with the tests of the state after move `number`
            again = run_tests(app, app, not_passing, tmp_path / f"again-{number}")
            not_passing = [node_id for node_id in not_passing if outcome(again, node_id) != "passed"]
        assert not not_passing, f"{step.name} move {number}: these don't pass after it: {not_passing}"


def run_tests(tests_from, app_dir, select, workdir):
    """One run in the shared runner's process (suites.py), not a process per state."""
    return suites.run(workdir, outcomes.suite_files(tests_from), app_dir, select)


def outcome(run, node_id):
    """"passed" when every case of the test passed, else what went wrong ("missing": never ran)."""
    records = [record for key, record in run["tests"].items() if key.split("[")[0] == node_id]
    if not records:
        return "missing"
    return "passed" if all(record["outcome"] == "passed" for record in records) else "failed"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_the_page_shows_every_line_the_moves_add_to_the_app(step):
    """Every hunk that adds lines to authapp/ or migrations/ is shown by a code,
    solution or made-by directive of the page, not only in the complete diff."""
    missing = move_pages.unshown_hunks(page_text(step), step)
    assert not missing, f"{step.name}: shown nowhere on the page: {missing}"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_no_test_names_in_the_reading_flow(step):
    """Test ids live in check and proof directives (folded lists), never in the prose."""
    visible = DIRECTIVE_LINE.sub("", page_text(step))
    found = re.findall(r"::test_\w+|\btest_\w+\b(?!\.py)", visible)
    assert not found, f"{step.name}: test names in the prose: {found[:5]} (use <!-- docsite: proof ... -->)"


@pytest.mark.parametrize("step", TAUGHT, ids=IDS)
def test_no_raw_include_of_step_code_is_left(step):
    """The moves show the code; a `--8<--` include of steps/ would show it a second time."""
    includes = re.findall(r'--8<-- "steps/[^"]+"', page_text(step))
    assert not includes, f"{step.name}: {includes}"


def test_what_a_shown_hunk_replaces_is_quoted_only_when_it_reads_as_code():
    """Under an excerpt, the lines it replaces are quoted when they are whole lines of
    code; pieces of a docstring that runs over several lines are counted instead."""
    code = SimpleNamespace(lines=[("-", "    return None"), ("+", "    return user")])
    docstring = SimpleNamespace(lines=[("-", '    """End every session of `user` on the server, and'),
                                       ("-", '    every login of theirs."""'), ("+", '    """End it all."""')])
    assert move_pages.what_goes(code).strip() == "It replaces `return None`."
    assert move_pages.what_goes(docstring).strip() == "It replaces 2 lines (the complete diff shows them)."


def test_the_moves_directives_refuse_what_does_not_exist():
    step = TAUGHT[0]
    for wrong in ["<!-- docsite: code 9 authapp/models.py -->", "<!-- docsite: code 1 authapp/nothing.py -->",
                  "<!-- docsite: code 1 authapp/config.py 7 -->", "<!-- docsite: proof test_that_does_not_exist -->"]:
        with pytest.raises(ValueError):
            move_pages.render(wrong + "\n", step)


# ---------------------------------------------------------------- tools: check --move, start --from


def check(*args):
    return subprocess.run([sys.executable, "-m", "tools", "check", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**outcomes.subprocess_environment(), "TOOLS_VIA": "make"}, timeout=600)


def test_check_with_a_move_runs_the_tests_so_far_and_names_the_move(tmp_path):
    """On the state after move 1, MOVE=2 fails and points to move 2's section; MOVE=1 passes and says what's next."""
    step = TAUGHT[0]
    copy = moves.state_after(step, 1, tmp_path)
    second, first = moves.move(step, 2), moves.move(step, 1)
    failing = check(steps.number(step), "--dir", str(copy), "--move", "2")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert f"Move 2 ({second.title}):" in failing.stdout
    assert f"{steps.page_name(step)}#{second.anchor()}" in failing.stdout
    passing = check(steps.number(step), "--dir", str(copy), "--move", "1")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    own = len(moves.tests_of(step, first.number))
    assert f"Move 1 done: all {own} tests so far pass ({own} tests are this move's)" in passing.stdout
    assert f"make check STEP={steps.number(step)} DIR={copy} MOVE=2" in passing.stdout


def test_start_carries_on_from_the_learners_own_copy(tmp_path, capsys):
    """FROM= copies the learner's previous step; without it, a copy that passes its
    check is the default, and one that doesn't is replaced by the official step, saying why."""
    workspace = tmp_path / "workspace"
    own = workspace / "01-models"
    shutil.copytree(steps.find_step("01"), own, ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS))
    mark = "\n# my own line\n"
    with open(own / "authapp" / "models.py", "a") as file:
        file.write(mark)
    assert start.main(["2", "--workspace", str(workspace)]) == 0
    said = capsys.readouterr().out
    assert "a copy of your own" in said and "which passes its check" in said, said
    assert (workspace / "02-register-login" / "authapp" / "models.py").read_text().endswith(mark)

    with open(own / "authapp" / "models.py", "a") as file:
        file.write("raise SystemExit('not yet')\n")
    assert start.main(["2", "--workspace", str(workspace), "--force"]) == 0
    said = capsys.readouterr().out
    assert "doesn't pass its check yet" in said and "a copy of step 01-models" in said, said
    assert mark not in (workspace / "02-register-login" / "authapp" / "models.py").read_text()

    assert start.main(["2", "--workspace", str(workspace), "--force", "--from", str(own)]) == 0
    assert "not yet" in (workspace / "02-register-login" / "authapp" / "models.py").read_text()


# ---------------------------------------------------------------- a learner's own migration


def test_a_learner_made_migration_chains_into_the_next_step(tmp_path):
    """A copy of step 05 with step 06's models lacks 06's migration: check's hint, typed as
    printed, makes it with the steps' revision id, and step 07's migration upgrades on top."""
    copy = tmp_path / "06-verify-email"
    shutil.copytree(steps.find_step("05"), copy, ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS))
    shutil.rmtree(copy / "authapp")
    shutil.copytree(steps.find_step("06") / "authapp", copy / "authapp",
                    ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS))
    findings = liveapp.prove_it_runs(copy, sys.executable, "06-verify-email", limit=30, learner_folder=copy)
    hint = [finding for finding in findings if finding.topic == "migration"]
    assert hint, [finding.title for finding in findings]
    commands = [line.strip() for line in hint[0].lines if line.strip().split(" ")[0].endswith("flask")]
    assert any("--rev-id 0004" in command for command in commands), commands
    environment = steps.environment_without_app_settings()
    for command in commands:
        typed = subprocess.run(shlex.split(command), cwd=copy, capture_output=True, text=True, env=environment)
        assert typed.returncode == 0, f"{command}\n{typed.stdout}{typed.stderr}"
    made = sorted((copy / "migrations" / "versions").glob("0004_*.py"))
    assert made and "down_revision = '0003'" in made[0].read_text(), made

    shutil.rmtree(copy / "authapp")  # now step 07, whose migration 0005 follows the steps' 0004
    shutil.copytree(steps.find_step("07") / "authapp", copy / "authapp",
                    ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS))
    shutil.copy(next((steps.find_step("07") / "migrations" / "versions").glob("0005_*.py")),
                copy / "migrations" / "versions")
    flask = commands[0].split(" ")[0]
    upgraded = subprocess.run([flask, "--app", "authapp", "db", "upgrade"], cwd=copy, capture_output=True,
                              text=True, env=environment)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    current = subprocess.run([flask, "--app", "authapp", "db", "current"], cwd=copy, capture_output=True,
                             text=True, env=environment)
    assert "0005 (head)" in current.stdout, current.stdout + current.stderr


# ---------------------------------------------------------------- the authoring tool


def test_the_authoring_tool_splits_edits_and_saves_moves(tmp_path):
    """split writes one move; edit makes a git repository of it; two commits there
    become two moves on save; a final state that isn't the step is named file by file."""
    root = tmp_path / "repository"
    for part in ["tools", "scripts/moves.py", "steps/01-models", "steps/02-register-login", ".gitignore"]:
        source, target = ROOT / part, root / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(*steps.MACHINE_PARTS))
        else:
            shutil.copy(source, target)

    def tool(*args):
        return subprocess.run([sys.executable, "scripts/moves.py", *args], cwd=root, capture_output=True, text=True)

    assert tool("split", "02").returncode == 0
    folder = root / "docs" / "moves" / "02-register-login"
    assert [path.name for path in folder.glob("*.patch")] == ["01-all.patch"]
    assert tool("edit", "02").returncode == 0
    repo = root / "build" / "moves" / "02-register-login"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "reset", "-q", "HEAD^"], check=True)  # undo the one move: split it in two
    subprocess.run([*git, "add", "authapp/validation.py"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Validation first"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Then the rest", "-m", "Slug: the-rest"], check=True)
    saved = tool("save", "02")
    assert saved.returncode == 0 and "give exactly steps/02-register-login" in saved.stdout, saved.stdout
    assert sorted(path.name for path in folder.glob("*.patch")) == ["01-validation-first.patch", "02-the-rest.patch"]
    assert (folder / "01-validation-first.patch").read_text().startswith("# Move 01: Validation first\n")

    (repo / "authapp" / "validation.py").write_text("changed\n")
    subprocess.run([*git, "commit", "-qam", "A slip"], check=True)
    slipped = tool("save", "02")
    assert slipped.returncode == 1 and "these files differ: authapp/validation.py" in slipped.stdout, slipped.stdout


def test_check_names_the_moves_when_asked_for_one_that_does_not_exist(tmp_path):
    step = TAUGHT[0]
    asked = check(steps.number(step), "--dir", str(moves.state_after(step, 1, tmp_path)), "--move", "99")
    assert asked.returncode != 0
    assert f"Step {step.name} has no move 99. Its moves are 1: {moves.move(step, 1).title}" in asked.stderr


# ---------------------------------------------------------------- reading time


def test_the_moves_reading_time_counts_folds_but_not_proof_lists_nor_the_complete_diff():
    """Every word read at 150 a minute: a folded solution counts; a proof list and the complete diff don't."""
    from docsite import budget

    words = " ".join(["word"] * 150)
    page = (f"<article><p>{words}</p>"
            f"<details class=\"success\"><summary>Solution</summary><pre><code>{words}</code></pre></details>"
            f"<details class=\"note proof\"><summary>Proved</summary><ul><li>{words}</li></ul></details>"
            f"<details class=\"abstract complete-diff\"><summary>Diff</summary><pre>{words}</pre></details>"
            f"</article>")
    measured = budget.measure_everything(page)
    assert measured["words"] == 300 + 3  # the prose, the solution, and the three one-word summaries (visible)
    assert budget.honest_for_moves(2, measured["minutes"]) and budget.honest_for_moves(5, measured["minutes"])
    assert not budget.honest_for_moves(1, measured["minutes"]), "under 75% of what is read"
    assert not budget.honest_for_moves(10, measured["minutes"]), "more than the count rounded up to 5"


def test_highlighted_code_counts_the_words_a_reader_sees():
    """Pygments splits `app.config["X"] = 1` into many spans: it is still three words."""
    from docsite import budget

    code = "".join(f"<span>{piece}</span>" for piece in ["app", ".", "config", "[", '"X"', "]", " ", "=", " ", "1"])
    assert budget.measure_everything(f"<article><pre><code>{code}</code></pre></article>")["words"] == 3


def test_each_move_is_measured_up_to_the_next_section():
    from docsite import budget

    words = " ".join(["word"] * 150)
    page = (f"<article><h2 id=\"goal\">Goal</h2><p>{words}</p>"
            f"<h2 id=\"move-1-a\">Move 1</h2><p>{words}</p>"
            f"<h2 id=\"move-2-b\">Move 2</h2><p>{words} {words}</p>"
            f"<h2 id=\"try-it\">Try it</h2><p>{words}</p></article>")
    assert [round(minutes, 2) for minutes in budget.move_minutes(page)] == [round(152 / 150, 2), round(302 / 150, 2)]


def test_a_place_where_a_long_name_may_break_is_not_a_space():
    """The build puts <wbr> inside long names so that a phone can break the line there;
    the reader still reads one word (it counted as four in set_password_if_unchanged)."""
    from docsite import budget

    page = "<article><p><code>set_<wbr>password_<wbr>if_<wbr>unchanged()</code> works</p></article>"
    assert budget.measure_everything(page)["words"] == 2


def test_the_authoring_tool_rebases_moves_onto_a_changed_previous_step(tmp_path):
    """`moves.py rebase`: when the previous step changes (lines shift, a line is
    edited far from what a move touches), git's three-way merge carries every move
    onto it, and the last state is the step with that change in it."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import moves as authoring  # scripts/moves.py, not tools/moves.py

    step = TAUGHT[1]  # 02: its moves change authapp/__init__.py and models.py of step 01
    old_start = moves.start_texts(step)
    changed = "authapp/models.py"
    note = '"""A docstring line the earlier step gained after the moves were written."""\n'
    new_start = {**old_start, changed: note + old_start[changed]}
    commits = authoring.replay(tmp_path / "replay", old_start, moves.moves(step), new_start)

    assert [message.split("\n")[0] for message, _ in commits] == ["Start"] + [each.title for each in moves.moves(step)]
    final = commits[-1][1]
    wanted = moves.lesson_texts(steps.ROOT / "steps" / step.name)
    assert final[changed] == note + wanted[changed]  # the move's change and the earlier one, both kept
    assert {path: text for path, text in final.items() if path != changed} == \
        {path: text for path, text in wanted.items() if path != changed}


def test_every_check_that_reads_the_page_is_keyed_on_it():
    """A check that calls page_text but is missing from READ_THE_PAGE would be
    re-used after an edit of the page it reads (tests/memo.py): unsound."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    readers = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
               and any(isinstance(call, ast.Call) and getattr(call.func, "id", "") == "page_text"
                       for call in ast.walk(node))}
    assert readers == READ_THE_PAGE


# The checks that read the step's page (page_text); the others read the moves and
# the steps only, so editing the page's prose leaves them (and their test runs) alone.
READ_THE_PAGE = {"test_moves_are_numbered_from_one_and_have_a_heading_each",
                 "test_the_page_shows_every_line_the_moves_add_to_the_app",
                 "test_no_test_names_in_the_reading_flow", "test_no_raw_include_of_step_code_is_left"}


def memo_inputs(item):
    """A check about one step reads that step and the one before it (its moves start
    there), its moves, .gitignore (which files are the lesson's) and scripts/ (the
    page's directives), and its page if it is one of READ_THE_PAGE; every check also
    reads tools/ and tests/' helpers (tests/memo.py). The checks that are about no
    one step read everything."""
    named = memo.steps_of(item)
    if not named:
        return [memo.EVERYTHING, memo.CHROMIUM]
    step = ROOT / named[-1]
    previous = steps.neighbour(step, -1)
    page = [f"docs/steps/{step.name}.md", f"docs/{step.name}.md"] if item.originalname in READ_THE_PAGE else []
    return [*([f"steps/{previous.name}"] if previous else []), named[-1], f"docs/moves/{step.name}", *page,
            ".gitignore", "scripts"]
