"""Shared helpers for the repository-level checks."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STEPS = sorted(path for path in (ROOT / "steps").iterdir() if path.is_dir())


@pytest.fixture(scope="session")
def root():
    return ROOT
