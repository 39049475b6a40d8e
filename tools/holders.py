"""Which running programs have a file open: a server still using a SQLite
database must not have that file deleted under it (its writes would go to a
file nobody can see, then fail with "readonly database").

Linux: /proc/<pid>/fd. macOS: lsof. Windows: an open SQLite file can't be
renamed, so a rename that fails means "in use" (without a process id).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path


def holders(path):
    """[(pid or None, command line)] of the processes that have `path` (or its
    -journal, -wal, -shm companions) open; [] when none does."""
    path = Path(path)
    if not path.exists():
        return []
    names = {str(path.resolve())} | {str(path.resolve()) + suffix for suffix in ("-journal", "-wal", "-shm")}
    if sys.platform.startswith("linux") and Path("/proc/self/fd").is_dir():
        return from_proc(names)
    if shutil.which("lsof"):
        return from_lsof(path)
    if os.name == "nt":
        return from_rename(path)
    return []


def from_proc(names):
    found = []
    for process in Path("/proc").iterdir():
        if not process.name.isdigit() or int(process.name) == os.getpid():
            continue
        try:
            targets = {os.readlink(fd) for fd in (process / "fd").iterdir()}
        except OSError:  # gone, or not ours to look at
            continue
        if targets & names:
            found.append((int(process.name), command_line(process)))
    return found


def command_line(process):
    try:
        words = (process / "cmdline").read_bytes().split(b"\0")
        return " ".join(word.decode(errors="replace") for word in words if word)
    except OSError:
        return "?"


def from_lsof(path):
    result = subprocess.run(["lsof", "-t", "--", str(path)], capture_output=True, text=True)
    pids = [int(line) for line in result.stdout.split() if line.isdigit() and int(line) != os.getpid()]
    found = []
    for pid in pids:
        shown = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True).stdout
        found.append((pid, shown.strip() or "?"))
    return found


def from_rename(path):
    trial = path.with_name(path.name + ".reset-check")
    try:
        os.rename(path, trial)
    except PermissionError:
        return [(None, "a program that has it open")]
    os.rename(trial, path)
    return []
