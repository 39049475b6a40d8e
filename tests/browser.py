"""The browser the browser tests drive, in one place: Debian's Chromium
(.ci/run installs it; Playwright's own download does not work here), or the
one $CHROMIUM names. And one rule for when it is missing: in CI (CI=true,
which .ci/run sets) the tests fail, because a skipped check would pass
unseen; on a laptop they are skipped, with the reason and the fix."""
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def why_no_browser():
    """Why the browser tests can't run here, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM=/path/to/chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs requirements-dev.txt)"
    return None


def require_browser():
    """Fail (in CI) or skip (elsewhere) the calling test when there is no browser."""
    reason = why_no_browser()
    if reason and IN_CI:
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    if reason:
        pytest.skip(f"browser tests not run: {reason}")
