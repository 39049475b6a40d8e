"""Loopback ports for the servers that the tools, the tests and the bench start.

Best is to let the server bind port 0: the kernel picks a free port, and the
server holds it from that instant. `flask run --port 0` and gunicorn's
`--bind 127.0.0.1:0` both print the port they got (`announced_port` reads it);
Python's own http.server gives it as server_address.

free_port() is for the rest (PostgreSQL, redis-server, a command that a test
types with a port, as a learner would): it asks the kernel for a free port and
closes it again, so on a busy machine another process may take it before the
server binds it. Callers that can, start the server again on a new port when
that happens (production/services.py).

Standard library only, any Python 3.8+ (tools/liveapp.py uses it for `check`).
"""
import re
import socket
import time

HOST = "127.0.0.1"
# What the servers print once they listen: Werkzeug's `flask run`, then gunicorn.
ANNOUNCEMENTS = [re.compile(r"Running on https?://127\.0\.0\.1:(\d+)"),
                 re.compile(r"Listening at: https?://127\.0\.0\.1:(\d+)")]


def free_port(host=HOST):
    """A port that was free a moment ago (see above: prefer port 0)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def announced_port(read_output, process, limit=120):
    """The port a server started on port 0 says it listens on, read from its
    output (`read_output()` returns all of it so far); None if the process
    ends first or says nothing within `limit` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        output = read_output()
        for pattern in ANNOUNCEMENTS:
            found = pattern.search(output)
            if found:
                return int(found.group(1))
        if process.poll() is not None:
            return None
        time.sleep(0.05)
    return None
