"""Check your work: run a step's official tests against your own copy of the
app, run the copy for real, and say in plain words what is still missing.

    make check STEP=03                 # checks workspace/03-sessions
    make check STEP=03 DIR=~/my-app    # checks another folder
    make check DIR=workspace/02-register-login      # the folder's name says the step
    make check STEP=05 MOVE=2          # only the tests of step 05's moves 1 and 2 (and step 04's)
    python3 -m tools check 3 --dir workspace/03-sessions --all     (Windows: py -m tools ...)

The official tests and a copy of your authapp/ and migrations/ go to a
temporary folder named after the step, so the tests/ folder in your copy
(missing, old or edited) doesn't matter. Every message names your own files.
The tests run in their own process: a test that runs longer than --timeout
seconds is stopped and reported, breakpoint() is skipped and reported, and
what a failing test printed is shown. Then your copy runs for real: its
migrations on a fresh database, `flask db check`, and `flask run` answering
HTTP, which the tests alone can't prove.

With --move m (MOVE=m), the tests are those of the state after the step's
move m (tools/moves.py): the previous step's tests and what moves 1..m add
or change. Before the last move, the app isn't run for real: its migration
may come in a later move.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tools import explain, liveapp, moves, outcomes, purposes, sections, steps
from tools.commands import suggest

SHOWN = 8  # problems explained in full; the rest are listed by name
TIME_LIMIT = 20  # seconds a single test may take (the slowest official test takes about 2)
MOST_HANGS = 3  # after this many stopped tests, stop trying: fix the loop first


def main(argv=None):
    parser = argparse.ArgumentParser(prog="check", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="the step to check: 3, 03 or 03-sessions (default: from --dir, "
                                                "else your latest in workspace/)")
    parser.add_argument("--dir", help="your copy of the app (default: workspace/NN-name)")
    parser.add_argument("--workspace", default=str(steps.ROOT / "workspace"))
    parser.add_argument("--all", action="store_true", help="explain every problem, not only the first ones")
    parser.add_argument("--timeout", type=float, default=TIME_LIMIT,
                        help=f"seconds a test, or an HTTP request to your app, may take (default {TIME_LIMIT})")
    parser.add_argument("--move", type=int, help="only the tests of the step's moves up to this one (1, 2, ...)")
    args = parser.parse_args(argv)

    step, folder = chosen(args)
    if not folder.is_dir():
        hint = suggest("start", steps.number(step)) if not args.dir else "the folder that holds your authapp/"
        print(f"There is no folder {shown(folder)}, so there is nothing to check.\nStart the step first with: {hint}")
        return 2
    if not (folder / "authapp").is_dir():
        print(f"{shown(folder)} has no authapp/ folder yet: write the app there, following "
              f"{steps.page_name(step)} (or give the folder that holds your authapp/).")
        return 2

    progress = MoveProgress(step, args.move) if args.move else None
    what = progress.describe() if progress else f"the tests of step {step.name}"
    real_run = progress is None or progress.is_last
    print(f"Checking {shown(folder)} with {what}" + (", then running it for real ..." if real_run else
          " (the real run of your app comes with the last move) ..."), flush=True)
    where = explain.Where(app=shown(folder), tests=f"{shown(step)}/tests")
    for name in steps.app_environment_variables():
        os.environ.pop(name, None)  # the tests choose their own settings
    with tempfile.TemporaryDirectory(prefix="check-") as workdir:
        workdir = Path(workdir)
        outcomes.lay_out(workdir, progress.test_files(workdir) if progress else outcomes.suite_files(step))
        app_copy = copy_of_the_app(folder, workdir / step.name)
        live = LiveProof(app_copy, step.name, args.timeout, folder)
        run = TestRun(workdir, app_copy, args.timeout, where, on_imported=live.start if real_run else None)
        run.start_reporting()
        run.run()
        report = Report(step, run, live.result(), where, progress)
        print(report.text(show_all=args.all))  # while the copy exists: messages quote its lines
    return 0 if report.complete else 1


def chosen(args):
    """(step, folder): from STEP, else from the folder's name, else the latest copy in the workspace."""
    folder = Path(args.dir).expanduser() if args.dir else None
    if args.step:
        step = steps.find_step(args.step)
    elif folder is not None:
        step = steps.step_of_folder(folder)
        if step is None:
            raise SystemExit(f"Which step's tests should run on {args.dir}? Its name doesn't say, so add the step: "
                             f"{suggest('check', '03', dir=args.dir)}")
    else:
        step = latest_started(Path(args.workspace))
    return step, (folder if folder is not None else Path(args.workspace) / step.name)


def copy_of_the_app(folder, target):
    """A copy of the learner's authapp/ and migrations/ in a folder named after
    the step: GET / reports the folder's name, and the tests expect the step's."""
    target.mkdir()
    for part in ("authapp", "migrations"):
        if (folder / part).is_dir():
            shutil.copytree(folder / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


class MoveProgress:
    """Which tests a check --move runs, and which move each test belongs to."""

    def __init__(self, step, number):
        self.step = step
        self.move = moves.move(step, number)
        self.all_moves = moves.moves(step)
        self.is_last = self.move.number == self.all_moves[-1].number
        self.move_of = {}  # test id without parameters -> the Move that adds it
        for each in self.all_moves[:self.all_moves.index(self.move) + 1]:
            self.move_of.update({node_id: each for node_id in moves.tests_of(step, each.number)})

    def describe(self):
        return (f"the tests of step {self.step.name} up to move {self.move.number} "
                f"({self.move.title})")

    def test_files(self, workdir):
        """The tests/ files of the state after this move, written under workdir."""
        state = moves.state_after(self.step, self.move.number, Path(workdir) / "move-state")
        return outcomes.suite_files(state)

    def of(self, node_id):
        return self.move_of.get(node_id.split("[")[0])

    def section(self, each):
        return f"{steps.page_name(self.step)}#{each.anchor()}"

    def adds_to(self, each, module):
        """Whether the move adds or changes a test of the file `module` (tests/test_x.py)."""
        return any(node_id.split("::")[0] == module and owner == each for node_id, owner in self.move_of.items())

    def tests_in(self, each, records):
        return [record for record in records if self.of(record_id(record)) == each]


def record_id(record):
    """The test's id without parameters (the steps' tests are functions, not classes)."""
    return f"{record['file']}::{record['function']}"


def latest_started(workspace):
    started = [steps.step_of_folder(path) for path in sorted(workspace.glob("[0-9][0-9]-*")) if path.is_dir()]
    started = [step for step in started if step]
    if not started:
        raise SystemExit(f"Nothing to check yet. Start a step first, e.g.: {suggest('start', '02')}")
    return started[-1]


def shown(path):
    """A path as short as possible: relative to the repository when inside it."""
    path = Path(path).resolve()
    return path.relative_to(steps.ROOT).as_posix() if steps.ROOT in path.parents else str(path)


class LiveProof:
    """tools/liveapp.prove_it_runs in a thread, while the tests run. It starts
    once the app is known to import (a server couldn't start otherwise)."""

    def __init__(self, app_copy, step_name, limit, learner_folder):
        self.findings = []
        self.thread = threading.Thread(target=self.prove, daemon=True,
                                       args=(app_copy, step_name, limit, learner_folder))

    def start(self):
        self.thread.start()

    def prove(self, app_copy, step_name, limit, learner_folder):
        self.findings = liveapp.prove_it_runs(app_copy, sys.executable, step_name, limit=limit,
                                              learner_folder=learner_folder)

    def result(self):
        if self.thread.is_alive() or self.thread.ident:
            self.thread.join()
        return self.findings


class TestRun:
    """The official tests against the copy, in a child process that reports
    progress; a test that outlives the time limit is stopped and reported,
    and the tests it didn't reach run in a new process."""

    def __init__(self, workdir, app_copy, limit, where, on_imported=None):
        self.workdir, self.app_copy, self.limit, self.where = workdir, app_copy, limit, where
        self.on_imported = on_imported
        self.tests, self.collect_errors, self.breakpoints = {}, {}, []
        self.collected, self.app_errors, self.hung, self.crash = [], [], [], ""
        self.interactive = sys.stdout.isatty()

    def start_reporting(self):
        self.started = time.monotonic()

    def run(self):
        select, attempt = [], 0
        while True:
            attempt += 1
            stopped = self.one_process(attempt, select)
            if not stopped:
                return
            stopped["busy"] = explain.where_it_hung(stopped["dump"], self.app_copy, self.where)
            same_place = stopped["busy"] and any(hang["busy"] == stopped["busy"] for hang in self.hung)
            self.hung.append(stopped)
            if stopped["id"] is None or not stopped["timeout"] or same_place or len(self.hung) >= MOST_HANGS:
                return
            # The other cases of a stopped test would hang the same way: they are not run.
            stopped_tests = {hang["id"].split("[")[0] for hang in self.hung}
            select = [node for node in self.collected
                      if node not in self.tests and node.split("[")[0] not in stopped_tests]
            if not select:
                return
            self.say(f"Going on with the {len(select)} tests after it ...")

    def one_process(self, attempt, select):
        """Run once; None when the process finished, else what was running when it had to stop."""
        progress = self.workdir / f"progress-{attempt}.txt"
        progress.touch()
        output = self.workdir / f"outcomes-{attempt}.json"
        command = outcomes.command(self.workdir, self.app_copy, output, select, progress=progress,
                                   time_limit=self.limit, import_first=attempt == 1)
        with open(self.workdir / f"log-{attempt}.txt", "w") as log:
            process = subprocess.Popen(command, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, env=outcomes.subprocess_environment())
        reader = ProgressReader(progress)
        current, last_event, warned = None, time.monotonic(), False
        while True:
            finished = process.poll() is not None
            for event in reader.new_events():
                last_event = time.monotonic()
                current, warned = self.handle(event, current, warned)
            if finished:
                break
            now = time.monotonic()
            if current and not warned and now - current[1] > min(5, self.limit / 2):
                warned = True
                self.say(f"  still running after {now - current[1]:.0f} s: {current[0].split('::')[-1]}"
                         f" (stopped at {self.limit:.0f} s)")
            if now - last_event > 3 * self.limit + 60:  # stuck where no time limit was armed
                process.kill()
                process.wait()
                break
            time.sleep(0.1)
        dump = reader.dump()  # also closes the progress file
        if output.exists():
            final = json.loads(output.read_text())
            self.collect_errors.update(final["collect_errors"])
            self.tests.update(final["tests"])
            self.crash = self.crash or final["crash"]
            self.progress_line(final=True)
            return None
        log = (self.workdir / f"log-{attempt}.txt").read_text(errors="replace")
        return {"id": current[0] if current else None, "dump": dump, "importing": reader.importing,
                "timeout": "Timeout (" in dump or process.returncode in (-9, 9), "log": log}

    def handle(self, event, current, warned):
        kind = event["event"]
        if kind == "collected" and not self.collected:
            self.collected = event["ids"]
            self.say(f"Running {len(self.collected)} tests (a test is stopped after {self.limit:.0f} s) ...")
        elif kind == "imported":
            self.app_errors = event["errors"]
            if not self.app_errors and self.on_imported:
                self.on_imported()
        elif kind == "start":
            return (event["id"], time.monotonic()), False
        elif kind == "done":
            if event.get("record"):
                self.tests[event["id"]] = event["record"]
            self.progress_line()
            return None, False
        elif kind == "breakpoint":
            self.breakpoints.append(event)
        return current, warned

    def progress_line(self, final=False):
        done, total = len(self.tests), len(self.collected)
        if self.interactive and total:
            end = "\n" if final else ""
            print(f"\r  {done}/{total} tests run", end=end, flush=True)
        elif final and total:
            print(f"  {done}/{total} tests run in {time.monotonic() - self.started:.0f} s", flush=True)

    def say(self, text):
        print(("\n" if self.interactive and self.tests else "") + text, flush=True)


class ProgressReader:
    """Reads the lines a child process appends: JSON events, and the text
    faulthandler writes when it stops a test."""

    def __init__(self, path):
        self.file = open(path, encoding="utf-8", errors="replace")
        self.other = []
        self.importing = False
        self.pending = ""

    def new_events(self):
        self.pending += self.file.read()
        *lines, self.pending = self.pending.split("\n")
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                self.other.append(line)
                continue
            self.importing = event["event"] == "importing" or (self.importing and event["event"] != "imported")
            events.append(event)
        return events

    def dump(self):
        self.new_events()
        text = "\n".join(self.other + [self.pending])
        self.file.close()
        return text


class Report:
    def __init__(self, step, run, findings, where, progress=None):
        self.step, self.run, self.where, self.progress = step, run, where, progress
        self.tests = run.tests
        self.failed = [record for record in self.tests.values() if record["outcome"] == "failed"]
        broken_app = bool(run.app_errors) or bool(run.crash)
        self.findings = [] if broken_app else findings  # a server can't start either: one message is enough
        self.complete = (bool(self.tests) and not self.failed and not run.collect_errors and not broken_app
                         and not run.hung and not self.findings)

    def text(self, show_all=False):
        if self.complete:
            return self.congratulations()
        problems = self.problems()
        limit = len(problems) if show_all else SHOWN
        lines = ["", self.summary(), "Fix them from the top: one fix often solves several.", ""]
        for number, problem in enumerate(problems[:limit], start=1):
            lines += [f"{number}. {problem[0]}", *("   " + line for line in problem[1:]), ""]
        if len(problems) > limit:
            lines.append(f"{len(problems) - limit} more after these (to see them all now: "
                         f"{suggest('check', steps.number(self.step), dir=self.where.app, all=True)}):")
            lines += [f"   - {problem[0]}" for problem in problems[limit:]]
            lines.append("")
        lines += self.move_notes() + self.notes()
        done = f"Move {self.progress.move.number} done" if self.progress else f"Step {steps.number(self.step)} complete"
        lines.append(f"When everything passes you will see \"{done}\".")
        return "\n".join(lines)

    def move_notes(self):
        """Per move whose tests fail: how many, and the section of the page that teaches it."""
        if not self.progress:
            return []
        lines = []
        for each in self.progress.all_moves[:self.progress.all_moves.index(self.progress.move) + 1]:
            failing = self.progress.tests_in(each, self.failed)
            unloaded = [module for module in self.run.collect_errors if self.progress.adds_to(each, module)]
            if failing or unloaded:
                what = [f"{len(failing)} of its tests fail"] if failing else []
                what += [f"{len(unloaded)} of its test files could not run"] if unloaded else []
                lines.append(f"Move {each.number} ({each.title}): {' and '.join(what)}. "
                             f"Re-read: {self.progress.section(each)}")
        earlier = [record for record in self.failed if self.progress.of(record_id(record)) is None]
        if earlier:
            lines.append(f"{len(earlier)} failing tests come from the steps before: your copy broke "
                         f"something that already worked.")
        return lines + ([""] if lines else [])

    def summary(self):
        if self.run.app_errors or self.run.crash:
            return "Not yet: the tests could not even start, because Python could not import your app."
        passed = sum(record["outcome"] == "passed" for record in self.tests.values())
        parts = [f"{passed} tests pass"] + ([f"{len(self.failed)} fail"] if self.failed else [])
        if self.run.hung:
            parts.append(f"{len(self.run.hung)} never finished")
        not_run = len(self.run.collected) - len(self.tests) - len(self.run.hung)
        if not_run > 0:
            parts.append(f"{not_run} were not run (fix the tests that never finished first)"
                         if self.run.hung else f"{not_run} were not run")
        if self.run.collect_errors:
            parts.append(f"{len(self.run.collect_errors)} test file(s) could not run at all")
        if self.findings:
            parts.append("and your app doesn't run correctly for real yet")
        return "Not yet: " + ", ".join(parts) + "."

    def problems(self):
        """One entry per problem: the app's import errors first, then tests that
        never finished, what a real run found, files of tests that couldn't load,
        and one entry per failing test function (parametrized cases grouped)."""
        entries = [self.import_problem(record) for record in self.run.app_errors]
        if self.run.crash and not self.run.app_errors:
            entries.append(["The tests could not start",
                            f"What happened: {explain.why_module_failed(self.run.crash, self.where)}"])
        entries += [self.hang_problem(hang) for hang in self.run.hung]
        entries += [[finding.title, *finding.lines, self.reread_migrations() if finding.topic == "migration" else ""]
                    for finding in self.findings]
        entries += [self.collect_problem(module, error) for module, error in sorted(self.run.collect_errors.items())
                    if not self.run.app_errors]
        grouped = {}
        for record in self.failed:
            grouped.setdefault((record["file"], record["function"]), []).append(record)
        entries += [self.test_problem(records) for records in grouped.values()]
        return [[line for line in entry if line] for entry in entries]

    def import_problem(self, record):
        lines = explain.why_import_failed(record, self.where)
        frame = record.get("frame")
        culprit = frame["file"] if frame else explain.module_file(record["module"])
        return [f"Python can't import your app: a problem in {self.where.app_file(culprit)}",
                *("What happened: " + line if number == 0 else line for number, line in enumerate(lines)),
                "(So no test could use it. Fix this first.)"]

    def hang_problem(self, hang):
        if not hang["timeout"]:
            return ["The test run crashed",
                    "What happened: the process running the tests stopped without a Python error. Its last words:",
                    *("  | " + line for line in hang["log"].strip().splitlines()[-8:])]
        test = hang["id"].split("::")[-1] if hang["id"] else None
        busy = hang["busy"]
        if test is None:
            title = "Loading your app never finished" if hang.get("importing") else "The tests never got going"
        else:
            title = f"{explain.humanise(test)}: never finished"
        return [title,
                f"What it checks: {self.purpose_of(hang['id'])}" if test else "",
                f"What happened: it was still running after {self.limit_for(hang):.0f} seconds, so I stopped it.",
                f"Your app was busy at {busy}" if busy else "The stack showed no line of your app: "
                                                           "it may be waiting for a server or a lock.",
                "Usually a loop that never ends (while True, a condition that never changes) or a wait "
                "for something that never comes.",
                self.reread(hang["id"].split("::")[0], test.split("[")[0]) if test else ""]

    def limit_for(self, hang):
        return self.run.limit if hang["id"] else max(30, 3 * self.run.limit)

    def collect_problem(self, module, error):
        doc = self.module_doc(module)
        return [f"{self.where.test_file(module)} could not run at all",
                f"What it checks: {doc}" if doc else "",
                f"What happened: {explain.why_module_failed(error, self.where)}",
                "(So none of its tests ran.)",
                self.reread(module, "")]

    def test_problem(self, records):
        first = records[0]
        cases = [explain.case_of(record["name"]) for record in records if explain.case_of(record["name"])]
        error = first.get("error") or {}
        frame = error.get("test_frame")
        place = self.where.test_file(frame["file"], frame["line"]) if frame else \
            self.where.test_file(first["file"], first["line"])
        printed = first.get("output", "").splitlines()
        return [
            explain.humanise(first["function"]) + (f"  [fails for: {', '.join(cases)}]" if cases else ""),
            f"What it checks: {self.purpose_of(first['file'] + '::' + first['function'], first.get('test_doc'))}",
            *indent_after_first("What happened: " + explain.what_happened(error, self.where)),
            f"The test's line: {error['test_line']}  ({place})" if error.get("test_line") else f"The test: {place}",
            *(["Your app printed (while this test ran):"] + ["  | " + line for line in printed[-12:]]
              if printed else []),
            self.reread(first["file"], first["function"]),
        ]

    def purpose_of(self, node_id, test_doc=""):
        file, _, function = node_id.split("[")[0].partition("::")
        return purposes.purpose(Path(file).name, function, test_doc) or explain.humanise(function).lower()

    def notes(self):
        lines = []
        for hit in {(b["file"], b["line"]): b for b in self.run.breakpoints}.values():
            path = Path(hit["file"]).resolve()
            app = Path(self.run.app_copy).resolve()
            place = self.where.app_file(path.relative_to(app).as_posix(), hit["line"]) if app in path.parents \
                else f"{hit['file']}, line {hit['line']}"
            lines.append(f"Note: your code calls breakpoint() (or pdb.set_trace()) at {place}. `check` runs without "
                         f"a keyboard, so it skipped it. To use a debugger, run your app: "
                         f"{suggest('run', dir=self.where.app)}")
        return lines + ([""] if lines else [])

    def module_doc(self, module):
        docs = [record["module_doc"] for record in self.tests.values() if record["file"] == module]
        if docs and docs[0]:
            return docs[0]
        path = self.step / module  # the official copy: read its docstring without importing it
        source = path.read_text() if path.exists() else ""
        if source.startswith('"""'):
            return " ".join(source[3:source.index('"""', 3)].split())
        return purposes.purpose(Path(module).name, "") or ""

    def reread(self, file, function):
        return f"Re-read: {sections.reread(self.step, file, function)}"

    def reread_migrations(self):
        found = sections.about(self.step, "migration")
        return f"Re-read: {found}" if found else ""

    def congratulations(self):
        if self.progress and not self.progress.is_last:
            return self.move_done()
        following = steps.neighbour(self.step, +1)
        lines = ["", f"Step {steps.number(self.step)} complete: all {len(self.tests)} tests pass, and your app runs "
                     f"for real (its migrations build a fresh database that matches its models, and "
                     f"`flask run` answers HTTP).", ""]
        lines += self.notes()
        if following:
            lines += [f"Next: step {following.name}. Start it with",
                      f"    {suggest('start', steps.number(following))}",
                      f"and read {steps.page_name(following)}."]
        else:
            lines.append("That was the last step: your app now does everything this tutorial teaches.")
        return "\n".join(lines)


    def move_done(self):
        this = self.progress.move
        following = self.progress.all_moves[self.progress.all_moves.index(this) + 1]
        own = len({record_id(record) for record in self.progress.tests_in(this, self.tests.values())})
        then = suggest("check", steps.number(self.step), dir=self.dir_option(), move=following.number)
        total = len({record_id(record) for record in self.tests.values()})  # as the page counts: per function
        return "\n".join(["", f"Move {this.number} done: all {total} tests so far pass ({own} tests "
                                f"are this move's).", "",
                          f"Next: move {following.number}, {following.title}: {self.progress.section(following)}",
                          f"Then: {then}"])

    def dir_option(self):
        default = self.where.app == shown(steps.ROOT / "workspace" / self.step.name)
        return None if default else self.where.app


def indent_after_first(text):
    first, *rest = text.splitlines()
    return [first, *("    " + line for line in rest)]


if __name__ == "__main__":
    sys.exit(main())
