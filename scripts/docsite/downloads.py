"""The code, downloadable from the site itself: one zip per step, and one of
the whole repository. They are made at build time, so they work offline and
without a public repository address, and always hold what the pages show."""
import io
import zipfile
from pathlib import Path

from . import sources, stepdiff

ROOT = Path(__file__).resolve().parents[2]
FOLDER = "downloads"
REPOSITORY_ZIP = f"{FOLDER}/flask-auth-step-by-step.zip"
# A fixed date keeps the zips identical from one build to the next.
DATE = (2025, 1, 1, 0, 0, 0)


def step_zip_path(step):
    return f"{FOLDER}/{step.name}.zip"


def step_members(step):
    """{name in the zip: file on disk}: the step's files in a folder of its own,
    with the pinned requirements, so that the zip runs by itself."""
    members = {f"{step.name}/{relative}": step / relative for relative in stepdiff.step_files(step)}
    members[f"{step.name}/requirements.txt"] = ROOT / "requirements.txt"
    return members


def repository_members():
    return {f"flask-auth-step-by-step/{path}": ROOT / path for path in sources.repository_files()}


def build(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = members[name].stat().st_mode
            info.external_attr = ((0o755 if mode & 0o111 else 0o644) | 0o100000) << 16
            archive.writestr(info, members[name].read_bytes())
    return buffer.getvalue()
