"""make test-production: step 05, unchanged, on the production engines.

1. Step 05's own suite passes on PostgreSQL, and so does the last step's (Part 2's
   races and constraints: single-use tokens, codes and challenges, one credential
   per account, are checked on both databases).
2. Under gunicorn with two workers, the login limit (10 attempts a minute per
   address, from browsers that haven't logged in before) holds exactly when the workers share Redis, and does not hold
   with memory://, where each worker counts on its own.
The measured numbers go to docs/generated/production-check.md (docs/production.md).
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
from collections import Counter

import psycopg
import pytest
import redis

from production import services

WORKERS = 2
LIMIT = 10  # LOGIN_LIMIT_PER_ADDRESS in step 05's config: "10 per minute", every attempt counts
ATTEMPTS = 24  # more than WORKERS * LIMIT, so that even memory:// refuses some
REPORT = os.path.join(services.ROOT, "docs", "generated", "production-check.md")
results = {}


@pytest.fixture(scope="module")
def postgres():
    with services.postgresql() as url:
        yield url


@pytest.fixture(scope="module")
def redis_url():
    with services.redis_server() as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    write_report()


SUITES = {"05": services.STEP_05, "last": services.LAST_STEP}


@pytest.mark.parametrize("which", SUITES)
def test_step_suite_passes_on_postgresql(postgres, which):
    url = services.create_database(postgres, f"suite_{which}")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=SUITES[which],
                         env={**os.environ, "TEST_DATABASE_URL": url}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "skipped" not in summary, summary
    # The rows really went to PostgreSQL (the fixture drops the tables afterwards).
    with psycopg.connect(services.plain_url(url)) as connection:
        inserted, version = connection.execute(
            "SELECT tup_inserted, current_setting('server_version') FROM pg_stat_database"
            " WHERE datname = current_database()").fetchone()
    assert inserted > 100
    results[f"suite_{which}"] = (re.search(r"\d+ passed", summary).group(0), version)


def failed_login(port, number):
    """One failed login for an account that doesn't exist (so only the address limit can count)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/auth/login", headers={"Content-Type": "application/json"},
                           body=json.dumps({"username": f"nobody-{number}", "password": "not-the-password"}))
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def occupy(port):
    """A connection that sends nothing: the sync worker that accepts it waits on it,
    so the next request must go to the other worker."""
    idle = socket.create_connection(("127.0.0.1", port))
    services.wait_until(lambda: accept_queue(port) == 0, "a worker to accept the idle connection")
    return idle


def accept_queue(port):
    """Connections waiting for a worker to accept them on our listening socket
    (Linux shows this count as rx_queue of LISTEN sockets in /proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        for row in table.readlines()[1:]:
            fields = row.split()
            if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
                return int(fields[4].split(":")[1], 16)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def attempts_alternating_workers(port, count):
    """Failed logins one after another, each to the other worker than the last.
    Before each attempt, an idle connection takes the worker that answered the
    previous one, and the idle connection holding the other worker is closed."""
    statuses = []
    held = occupy(port)
    for number in range(count):
        holding_last = occupy(port)  # taken by the only free worker: the one that answered last
        held.close()  # frees the other worker, which answers this attempt
        held = holding_last
        statuses.append(failed_login(port, number))
    held.close()
    return statuses


def answers_by_worker(access_log):
    """[(pid, status)] for the login attempts, in order, from gunicorn's access log."""
    with open(access_log) as lines:
        return [(pid, int(status)) for pid, status, path in (line.split() for line in lines)
                if path == "/auth/login"]


def attack(postgres, storage, tmp_path, name):
    database = services.create_database(postgres, name)
    environment = services.production_environment(database, storage)
    services.migrate(environment)  # the schema comes from the migrations, as on a deploy
    access_log, error_log = tmp_path / f"{name}.log", tmp_path / f"{name}.errors"
    with services.gunicorn(environment, workers=WORKERS, access_log=str(access_log), error_log=str(error_log)) as port:
        statuses = attempts_alternating_workers(port, ATTEMPTS)
    # The audit log reaches gunicorn's error log, the stream to ship (docs/production.md).
    audit = error_log.read_text()
    assert audit.count("login_failed") == statuses.count(401)
    assert audit.count("rate_limited") == statuses.count(429)
    answers = answers_by_worker(access_log)
    assert [status for _, status in answers] == statuses
    pids = [pid for pid, _ in answers]
    assert len(set(pids)) == WORKERS and all(a != b for a, b in zip(pids, pids[1:])), \
        f"the attempts did not alternate between the workers: {pids}"
    return answers


def tally(answers):
    per_worker = {}
    for pid, status in answers:
        per_worker.setdefault(pid, Counter())[status] += 1
    return Counter(status for _, status in answers), list(per_worker.values())


def test_with_redis_the_limit_holds_exactly_across_workers(postgres, redis_url, tmp_path):
    answers = attack(postgres, redis_url, tmp_path, "shared")
    statuses = [status for _, status in answers]
    assert statuses == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    # The first refused attempt went to a worker that had itself seen only half the failures:
    # it refused because the other worker's failures counted too.
    first_refused_worker = answers[LIMIT][0]
    own_failures = sum(1 for pid, status in answers[:LIMIT] if pid == first_refused_worker)
    assert own_failures < LIMIT
    assert redis.Redis.from_url(redis_url).keys("LIMITS*"), "the counters are not in Redis"
    results["redis"] = (tally(answers), own_failures)


def test_with_memory_each_worker_counts_alone_so_more_get_through(postgres, tmp_path):
    answers = attack(postgres, "memory://", tmp_path, "separate")
    total, per_worker = tally(answers)
    assert total[401] > LIMIT  # the weak case: more failed logins than the limit got through
    assert total[401] == LIMIT * WORKERS  # ... exactly one limit's worth per worker
    assert all(counts[401] == LIMIT for counts in per_worker)
    results["memory"] = (tally(answers), None)


def raw_request(port, text):
    """Send bytes as they are (no HTTP library to tidy them up); the status line and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(text.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.decode(errors="replace").partition("\r\n\r\n")
    return head.split("\r\n")[0], body


def test_a_broken_chunked_body_is_a_json_400_under_gunicorn(postgres, tmp_path):
    # gunicorn raises its own exception while the app reads such a body; the
    # development server never does, so only a real production server shows it.
    environment = services.production_environment(services.create_database(postgres, "chunks"), "memory://")
    services.migrate(environment)
    with services.gunicorn(environment, workers=1, access_log=str(tmp_path / "a.log"),
                           error_log=str(tmp_path / "e.log")) as port:
        status, body = raw_request(port, "POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                         "Connection: close\r\n\r\n5\r\n{\"a\":\r\nzz\r\n")
    assert status.split()[1] == "400", status
    assert json.loads(body)["error"]


def write_report():
    """The numbers this run measured, as a Markdown snippet for docs/production.md."""
    if not {"suite_05", "suite_last", "redis", "memory"} <= results.keys():
        return  # a failed run documents nothing
    passed, version = results["suite_05"]
    last_passed, _ = results["suite_last"]
    lines = [
        "<!-- written by make test-production (production/test_production.py); do not edit -->",
        f"Step 05's own suite on PostgreSQL {version}: **{passed}**. "
        f"The last step's ({os.path.basename(services.LAST_STEP)}): **{last_passed}**.",
        "",
        f"{ATTEMPTS} failed logins from one address, one after another, alternating between "
        f"{WORKERS} gunicorn workers (limit: {LIMIT} a minute):",
        "",
        "| limiter storage | got through (401) | refused (429) | per worker (401 / 429) |",
        "|---|---|---|---|",
    ]
    for name, label in (("redis", "`redis://` (shared)"), ("memory", "`memory://` (per process)")):
        (total, per_worker), _ = results[name]
        workers = ", ".join(f"{counts[401]} / {counts[429]}" for counts in per_worker)
        lines.append(f"| {label} | {total[401]} | {total[429]} | {workers} |")
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, "w") as out:
        out.write("\n".join(lines) + "\n")
