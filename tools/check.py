"""Check your work: run a step's official tests against your own copy of the
app, and say in plain words what each failing test expected.

    make check STEP=03                 # checks workspace/03-sessions
    make check STEP=03 DIR=~/my-app    # checks another folder
    python -m tools.check 03 --dir workspace/03-sessions --all

The official tests and a copy of your authapp/ go to a temporary folder named
after the step, so the tests/ folder in your copy (missing, old or edited)
doesn't matter. Errors name your files as authapp/... .
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from tools import explain, outcomes, sections, steps

SHOWN = 8  # failures explained in full; the rest are listed by name


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make check", description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", help="the step to check, e.g. 03 (default: your latest)")
    parser.add_argument("--dir", help="your copy of the app (default: workspace/NN-name)")
    parser.add_argument("--workspace", default=str(steps.ROOT / "workspace"))
    parser.add_argument("--all", action="store_true", help="explain every failure, not only the first ones")
    args = parser.parse_args(argv)

    step = steps.find_step(args.step) if args.step else latest_started(Path(args.workspace))
    folder = Path(args.dir) if args.dir else Path(args.workspace) / step.name
    if not folder.is_dir():
        hint = f"make start STEP={steps.number(step)}" if not args.dir else "DIR=<the folder that holds authapp/>"
        print(f"There is no folder {shown(folder)}, so there is nothing to check.\nStart the step first with: {hint}")
        return 2

    print(f"Checking {shown(folder)} with the tests of step {step.name} ...\n")
    for name in ("APP_CONFIG", "DATABASE_URL", "SECRET_KEY", "CORS_ORIGINS"):
        os.environ.pop(name, None)  # the tests choose their own settings
    with tempfile.TemporaryDirectory(prefix="check-") as workdir:
        outcomes.lay_out(workdir, outcomes.suite_files(step))
        result = outcomes.run_here(workdir, copy_of_the_app(folder, Path(workdir) / step.name))
    if result.crash:
        print("Not yet: the tests could not even start, because your app could not be imported.\n"
              f"What happened: {explain.why_module_failed(result.crash)}\n"
              "Fix that first (run `flask --app authapp run` in your folder to see the full error).")
        return 1
    report = Report(step, result.tests, result.collect_errors)
    print(report.text(show_all=args.all))
    return 0 if report.complete else 1


def copy_of_the_app(folder, target):
    """A copy of the learner's authapp/ in a folder named after the step: GET /
    reports the folder's name, and the tests expect the step's name there."""
    target.mkdir()
    if (folder / "authapp").is_dir():
        shutil.copytree(folder / "authapp", target / "authapp", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def latest_started(workspace):
    started = [steps.find_step(path.name[:2]) for path in sorted(workspace.glob("[0-9][0-9]-*"))]
    if not started:
        raise SystemExit("Nothing to check yet. Start a step first, e.g.: make start STEP=02")
    return started[-1]


def shown(path):
    """A path as short as possible: relative to the repository when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(steps.ROOT)) if steps.ROOT in path.parents else str(path)


class Report:
    def __init__(self, step, tests, collect_errors):
        self.step, self.tests, self.collect_errors = step, tests, collect_errors
        self.failed = [record for record in tests.values() if record["outcome"] == "failed"]
        self.complete = bool(tests) and not self.failed and not collect_errors

    def text(self, show_all=False):
        if self.complete:
            return self.congratulations()
        problems = self.problems()
        limit = len(problems) if show_all else SHOWN
        passed = sum(record["outcome"] == "passed" for record in self.tests.values())
        lines = [f"Not yet: {passed} checks pass, {len(self.failed)} fail"
                 + (f", and {len(self.collect_errors)} test file(s) could not run at all" if self.collect_errors else "")
                 + ".",
                 "Fix them from the top: one fix often makes several checks pass.", ""]
        for number, problem in enumerate(problems[:limit], start=1):
            lines += [f"{number}. {problem[0]}", *("   " + line for line in problem[1:]), ""]
        if len(problems) > limit:
            lines.append(f"{len(problems) - limit} more to fix after these (make check ... shows them once these pass;"
                         f" or run `python -m tools.check {steps.number(self.step)} --all`):")
            lines += [f"   - {problem[0]}" for problem in problems[limit:]]
            lines.append("")
        lines.append(f"When all of them pass you will see \"Step {steps.number(self.step)} complete\".")
        return "\n".join(lines)

    def problems(self):
        """One entry per test file that couldn't load, then one per failing
        test function (the cases of a parametrized test are grouped)."""
        entries = []
        for module, error in sorted(self.collect_errors.items()):
            entries.append([
                f"{module} could not run at all",
                f"What it checks: {self.module_doc(module)}" if self.module_doc(module) else "",
                f"What happened: {explain.why_module_failed(error)}",
                "(So none of its tests ran. Fix this first.)",
                self.reread(module, ""),
            ])
        grouped = {}
        for record in self.failed:
            grouped.setdefault((record["file"], record["function"]), []).append(record)
        for (file, function), records in grouped.items():
            first = records[0]
            cases = [explain.case_of(record["name"]) for record in records if explain.case_of(record["name"])]
            error = first.get("error") or {}
            location = f"({file}, line {first['line']})"
            entries.append([
                f"{explain.humanise(function)}" + (f"  [fails for: {', '.join(cases)}]" if cases else ""),
                f"Expected: {first['test_doc'] or explain.humanise(function).lower()}.",
                *indent_after_first("What happened: " + explain.what_happened(error)),
                f"The test's line that failed: {error.get('test_line', '')}  {location}"
                if error.get("test_line") else f"The test: {location}",
                self.reread(file, function),
            ])
        return [[line for line in entry if line] for entry in entries]

    def module_doc(self, module):
        docs = [record["module_doc"] for record in self.tests.values() if record["file"] == module]
        if docs:
            return docs[0]
        path = self.step / module  # the official copy: read its docstring without importing it
        source = path.read_text() if path.exists() else ""
        if source.startswith('"""'):
            return " ".join(source[3:source.index('"""', 3)].split())
        return ""

    def reread(self, file, function):
        return f"Re-read: {sections.reread(self.step, file, function)}"

    def congratulations(self):
        following = steps.neighbour(self.step, +1)
        lines = [f"Step {steps.number(self.step)} complete: all {len(self.tests)} checks pass.", ""]
        if following:
            lines += [f"Next: step {following.name}. Start it with",
                      f"    make start STEP={steps.number(following)}",
                      f"and read {steps.page_name(following)}."]
        else:
            lines.append("That was the last step: your app now does everything this tutorial teaches.")
        return "\n".join(lines)


def indent_after_first(text):
    first, *rest = text.splitlines()
    return [first, *("    " + line for line in rest)]


if __name__ == "__main__":
    sys.exit(main())
