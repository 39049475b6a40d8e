"""Download every pinned package into wheelhouse/, so that a room without
good internet installs from a USB stick or a shared folder instead.

    make wheelhouse              # for this machine's system and Python
    make wheelhouse FOR=all      # for Windows, macOS and Linux, Python 3.11 to 3.13
    python3 -m tools wheelhouse --for all [--dev]      (Windows: py -m tools ...)

Copy the repository with its wheelhouse/ folder to each laptop: `setup`,
`run` and `check` then install from it without the internet (they try the
internet only if a package is missing; OFFLINE=1 forbids that). By default
it holds what run and check need (the app and pytest); --dev adds the docs
and test tools (much bigger).
"""
import argparse
import subprocess
import sys

from tools import bootstrap

# (pip's platform tag, a name for people). Pure-Python packages fit them all.
PLATFORMS = [
    ("win_amd64", "Windows, 64-bit"),
    ("macosx_11_0_arm64", "macOS, Apple silicon"),
    ("macosx_12_0_x86_64", "macOS 12 or newer, Intel"),
    ("manylinux2014_x86_64", "Linux, x86-64"),
    ("manylinux2014_aarch64", "Linux, ARM"),
]
PYTHONS = ["3.11", "3.12", "3.13"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="wheelhouse", description=__doc__.splitlines()[0])
    parser.add_argument("--for", dest="target", choices=["this", "all"], default="this",
                        help="this machine only (default), or every common system")
    parser.add_argument("--dev", action="store_true", help="also the test and docs tools (large)")
    args = parser.parse_args(argv)
    requirements = bootstrap.ROOT / bootstrap.LEVELS["dev" if args.dev else "check"][0]
    out = bootstrap.WHEELHOUSE
    out.mkdir(exist_ok=True)
    base = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "-d", str(out),
            "-r", str(requirements)]
    targets = [([], "this machine")] if args.target == "this" else [
        (["--only-binary=:all:", "--platform", platform, "--python-version", python, "--implementation", "cp"],
         f"{name}, Python {python}") for platform, name in PLATFORMS for python in PYTHONS]
    failed = []
    for options, name in targets:
        print(f"Downloading for {name} ...", flush=True)
        if subprocess.call(base + options) != 0:
            failed.append(name)
    wheels = sorted(out.glob("*.whl"))
    print(f"\n{bootstrap.shown(out)} holds {len(wheels)} files, {sum(p.stat().st_size for p in wheels) // 2**20} MB.")
    if failed:
        print("Nothing found for: " + "; ".join(failed) + " (those machines need the internet once).")
    print("Copy the repository with this folder to each laptop; setup then installs without the internet.")
    return 1 if failed and len(failed) == len(targets) else 0


if __name__ == "__main__":
    sys.exit(main())
