"""Write a step's moves (docs/moves/NN-name/MM-slug.patch) with git.

    python scripts/moves.py split 05   start from scratch: one move holding the whole diff 04 -> 05
    python scripts/moves.py edit 05    build/moves/05-hardening/ becomes a git repository: its first
                                       commit is step 04's lesson files, then one commit per move
                                       (subject = the move's title)
    ... edit, commit, `git rebase -i`, split a commit in two (git reset HEAD^, then commit in parts) ...
    python scripts/moves.py save 05    the commits after the first become the move patches again,
                                       and the final state must equal steps/05-hardening
    python scripts/moves.py rebase 05 --from REV
                                       the previous step changed since REV (a commit where the moves
                                       still applied): git rebases the moves onto today's step 04
                                       (a three-way merge, so shifted lines are no trouble), then saves

A commit's subject is the move's title. Its file name (the slug) is kept from
the move of the same title, or given by a line `Slug: known-browsers` in the
commit message, or else made from the title's first words.
See CONTRIBUTING.md ("Write a step's moves").
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import moves, patches, steps  # noqa: E402

BUILD = ROOT / "build" / "moves"
GIT_USER = ["-c", "user.name=moves", "-c", "user.email=moves@localhost", "-c", "commit.gpgsign=false"]


def git(repo, *args, input_text=None):
    result = subprocess.run(["git", *GIT_USER, "-C", str(repo), *args], capture_output=True, text=True,
                            input=input_text)
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {repo}:\n{result.stderr}")
    return result.stdout


def edit(step, force=False):
    """Make build/moves/NN-name a git repository: the start, then one commit per move."""
    repo = BUILD / step.name
    if repo.exists():
        if not force:
            raise SystemExit(f"{repo} exists (it may hold your edits). Save it first "
                             f"(python scripts/moves.py save {steps.number(step)}), or add --force to start over.")
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "moves")
    replace_files(repo, moves.start_texts(step))
    previous = steps.neighbour(step, -1)
    commit(repo, f"Start: {previous.name if previous else 'an empty folder'}", allow_empty=True)
    texts = moves.start_texts(step)
    for each in moves.moves(step):
        texts = patches.apply_to_texts(each.file_patches, texts, each.path.name)
        replace_files(repo, texts)
        commit(repo, f"{each.title}\n\nSlug: {each.slug}")
    print(f"{repo}: {len(moves.moves(step))} moves as commits on top of the starting point. Edit, commit, "
          f"rebase there; then: python scripts/moves.py save {steps.number(step)}")
    return 0


def replace_files(repo, texts):
    """Make the work tree hold exactly `texts` (git's own folder kept)."""
    for path in sorted(repo.iterdir()):
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    moves.write_texts(texts, repo)


def commit(repo, message, allow_empty=False):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-F", "-", *(["--allow-empty"] if allow_empty else []), input_text=message)


def texts_at(repo, revision):
    """{path: text} of a commit's tree."""
    names = git(repo, "ls-tree", "-r", "-z", "--name-only", revision).split("\0")
    return {name: git_show(repo, f"{revision}:{name}") for name in names if name}


def git_show(repo, spec):
    result = subprocess.run(["git", "-C", str(repo), "show", spec], capture_output=True)
    return result.stdout.decode("utf-8")


def save(step):
    """Write the commits after the first as the step's move patches; check the end is the step."""
    repo = BUILD / step.name
    if not (repo / ".git").is_dir():
        raise SystemExit(f"No {repo} to save: make it with python scripts/moves.py edit {steps.number(step)}")
    commits = git(repo, "rev-list", "--reverse", "HEAD").split()
    kept_slugs = {each.title: each.slug for each in moves.moves(step)}
    written = []
    for number, (before, after) in enumerate(zip(commits, commits[1:]), start=1):
        message = git(repo, "log", "-1", "--format=%B", after)
        title = message.splitlines()[0].strip()
        slug = slug_line(message) or kept_slugs.get(title) or short_slug(title)
        diff = patches.folder_diff(texts_at(repo, before), texts_at(repo, after))
        written.append((f"{number:02d}-{slug}.patch", f"# Move {number:02d}: {title}\n{diff}"))
    return write_moves(step, written, texts_at(repo, commits[-1]))


def slug_line(message):
    for line in message.splitlines():
        if line.lower().startswith("slug:"):
            return moves.slug_of(line.partition(":")[2])
    return None


def short_slug(title, words=3):
    return "-".join(moves.slug_of(title).split("-")[:words]) or "move"


def write_moves(step, written, final_texts):
    """Replace docs/moves/NN-name/ with `written`; exit 1 if the final state isn't the step."""
    folder = moves.folder_of(step)
    if folder.is_dir():
        for old in folder.glob("*.patch"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in written:
        (folder / name).write_text(text, encoding="utf-8")
    print(f"Wrote {len(written)} moves to {folder.relative_to(ROOT)}/: " + ", ".join(name for name, _ in written))
    differing = differences(final_texts, moves.lesson_texts(step))
    if differing:
        print(f"But the last move does not give {step.relative_to(ROOT)}: these files differ: "
              + ", ".join(differing))
        return 1
    print(f"The moves give exactly {step.relative_to(ROOT)}.")
    return 0


def differences(texts, wanted):
    return sorted(path for path in set(texts) | set(wanted) if texts.get(path) != wanted.get(path))


def split(step, force=False):
    """Start from scratch: one move holding the whole diff from the previous step."""
    if moves.moves(step) and not force:
        raise SystemExit(f"{moves.folder_of(step).relative_to(ROOT)} already has moves: add --force to replace "
                         f"them with a single one (or use edit and save).")
    diff = patches.folder_diff(moves.start_texts(step), moves.lesson_texts(step))
    return write_moves(step, [("01-all.patch", f"# Move 01: All of step {step.name}\n{diff}")],
                       moves.lesson_texts(step))


def rebase(step, since):
    """Replay the moves, as they applied at `since`, onto today's previous step, and save them."""
    with tempfile.TemporaryDirectory() as folder:
        old_root = Path(folder) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old_root), since], check=True)
        try:
            old_step = old_root / "steps" / step.name
            commits = replay(Path(folder) / "replay", moves.start_texts(old_step, old_root),
                             moves.moves(old_step, old_root), moves.start_texts(step))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_root)], check=True)
    repo = BUILD / step.name
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "moves")
    for message, texts in commits:
        replace_files(repo, texts)
        commit(repo, message, allow_empty=True)
    return save(step)


def replay(repo, old_start, old_moves, new_start):
    """[(message, texts)]: the new start, then each move rebased onto it by git."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "moves")
    replace_files(repo, old_start)
    commit(repo, "Start", allow_empty=True)
    git(repo, "tag", "old-start")
    texts = old_start
    for each in old_moves:
        texts = patches.apply_to_texts(each.file_patches, texts, each.path.name)
        replace_files(repo, texts)
        commit(repo, f"{each.title}\n\nSlug: {each.slug}")
    git(repo, "checkout", "-q", "-b", "new", "old-start")
    replace_files(repo, new_start)
    commit(repo, "Start", allow_empty=True)
    result = subprocess.run(["git", *GIT_USER, "-C", str(repo), "rebase", "-q", "--onto", "new", "old-start",
                             "moves"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"The moves don't rebase cleanly onto today's previous step:\n{result.stdout}"
                         f"{result.stderr}\nResolve by hand: python scripts/moves.py edit --force, and fix.")
    chain = git(repo, "rev-list", "--reverse", "new~1..moves").split()
    return [(git(repo, "log", "-1", "--format=%B", sha), texts_at(repo, sha)) for sha in chain]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["edit", "save", "split", "rebase"])
    parser.add_argument("step", help="3, 03 or 03-sessions")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--from", dest="since", help="rebase: a commit where the moves still applied")
    args = parser.parse_args(argv)
    step = steps.find_step(args.step)
    if args.action == "edit":
        return edit(step, args.force)
    if args.action == "save":
        return save(step)
    if args.action == "rebase":
        if not args.since:
            raise SystemExit("rebase needs --from REV: a commit where the moves still applied")
        return rebase(step, args.since)
    return split(step, args.force)


if __name__ == "__main__":
    sys.exit(main())
