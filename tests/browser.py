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
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")  # set by `make screenshots`


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


def screenshot(page, name, part=None):
    """A picture for the docs when `make screenshots` asks: the whole page, or
    only the part (a CSS selector) the docs talk about."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        path = Path(SCREENSHOTS) / f"{name}.png"
        if part:
            page.locator(part).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
