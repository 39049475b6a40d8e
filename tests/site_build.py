"""The documentation site, built once per test run and shared by every test
that needs it (tests/test_docs.py, tests/test_docs_browser.py)."""
import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ROOT


def built_site():
    """The folder of `mkdocs build --strict`, built at the first call; it lives
    until the test process ends. A failed build raises with mkdocs' output."""
    site, error = build_once()
    if error:
        raise AssertionError(error)
    return site


@functools.lru_cache(maxsize=None)
def build_once():
    folder = Path(tempfile.mkdtemp(prefix="docs-site-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    site = folder / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        return site, "mkdocs build --strict failed:\n" + result.stdout[-3000:] + result.stderr[-5000:]
    return site, None
