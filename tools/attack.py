"""`make attack STEP=02 [DIR=workspace/02-register-login]`: the attack lab.

Each attack of labs/NN-name/ runs first against a weak target (the step
before, or this step with its defence undone), where it gets through, then
against the step or your copy, which should hold. The runner is
labs/lab.py; this only finds it.
"""
import sys

from tools import steps

LABS = steps.ROOT / "labs"


def main(argv=None):
    if str(LABS) not in sys.path:
        sys.path.insert(0, str(LABS))
    import lab  # noqa: PLC0415 (labs/ is not a package: its folders are named after the steps)

    return lab.main(argv)


if __name__ == "__main__":
    sys.exit(main())
