"""The one entry point: `python3 -m tools <command> ...` (Windows: `py -m tools ...`).

Every make target calls it, so the Makefile is only a shortcut. It makes sure
.venv exists with the packages the command needs (tools/bootstrap.py), then
runs the command with .venv's Python: nobody has to activate anything.
(Any Python 3.8+, so that an old Python gets a clear message, not a SyntaxError.)
"""
import importlib
import sys

from tools import bootstrap, commands


def main(argv):
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(commands.help_text())
        return 0
    name, rest = argv[0], argv[1:]
    command = commands.find(name)
    if command is None:
        print("There is no command %r. The commands are: %s.\n(%s shows what each one does.)" % (
            name, ", ".join(c.name for c in commands.COMMANDS), commands.suggest("help")), file=sys.stderr)
        return 2
    if command.needs is None:  # needs nothing installed: runs on the Python that was typed
        return run_module(command, rest)
    try:
        python = bootstrap.ensure(command.needs)
    except bootstrap.Problem as problem:
        print(problem, file=sys.stderr)
        return problem.code
    if command.name == "setup":
        return setup(rest, python)
    if command.name == "test" and not bootstrap.os.environ.get("TOOLS_INSIDE"):
        install_the_test_provider()
    if bootstrap.running_inside() or bootstrap.os.environ.get("TOOLS_INSIDE"):
        return run_module(command, rest)
    return bootstrap.relaunch(python, argv)


def run_module(command, argv):
    return importlib.import_module(command.module).main(argv) or 0


def install_the_test_provider():
    """Step 12's tests run a real OpenID provider (oidc-provider/): with npm here, its
    packages are installed (once per lock); without, those tests say why they don't run."""
    if bootstrap.oidc_installed() or not bootstrap.shutil.which("npm"):
        return
    try:
        bootstrap.ensure_oidc()
    except bootstrap.Problem as problem:  # offline, say: the other tests still run
        print(problem, file=sys.stderr)


def setup(argv, python):
    levels = [level for flag, level in (("--dev", "dev"), ("--prod", "prod")) if flag in argv]
    unknown = [arg for arg in argv if arg not in ("--dev", "--prod", "--oidc", "--quiet")]
    if unknown:
        print("setup takes --dev (everything for the tests and the docs), --prod or --oidc (the test OpenID\n"
              "provider's Node packages, for step 12), not %s" % " ".join(unknown))
        return 2
    try:
        bootstrap.ensure(levels)
        if "--oidc" in argv:
            bootstrap.ensure_oidc()
    except bootstrap.Problem as problem:
        print(problem, file=sys.stderr)
        return problem.code
    if "--quiet" in argv:  # the Makefile's own prerequisites: say nothing when all is there
        return 0
    installed = [level for level in ("dev", "check", "app") if bootstrap.installed(level)][:1]
    installed += ["prod"] if bootstrap.installed("prod") else []
    print("Ready: %s (Python %s) has %s." % (bootstrap.shown(bootstrap.venv_dir()),
                                             bootstrap.version_text(bootstrap.version_of([str(python)])),
                                             ", and ".join(bootstrap.LEVELS[level][1] for level in installed)))
    if bootstrap.oidc_installed():
        print("The test OpenID provider's Node packages are in oidc-provider/node_modules (step 12's tests).")
    print("Next: %s  (or %s to see every command)" % (commands.suggest("doctor"), commands.suggest("help")))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
