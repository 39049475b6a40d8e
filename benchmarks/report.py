"""make bench: what step 05 costs on this machine.

Step 05 runs as in production (docs/production.md): gunicorn with one worker
per core, PostgreSQL, Redis, the production password hash. Every row says how
many rounds it took, their median and their spread (min – max); comparisons
are made round by round, with the sides interleaved in random order
(benchmarks/rounds.py), so that a busy moment on the machine hits all sides
alike. Prints the tables and writes them to docs/generated/bench.md.
Not a test: nothing here passes or fails on a timing.

  make bench               the full report (about 15 minutes on 2 cores; `make test` cold, unchanged,
                           after a page edit and after a code edit, twice: benchmarks/make_test.py)
  make bench QUICK=1       a few rounds of everything, to see that it works (build/bench-quick.md)
  BENCH_MAKE_TEST=0        leave out the runs of `make test`
"""
import http.client
import json
import multiprocessing
import os
import platform
import subprocess
import sys
from contextlib import ExitStack
from datetime import date

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(BENCHMARKS))

from production import services  # noqa: E402

sys.path.insert(0, services.STEP_05)  # step 05's own password check is the yardstick
import psycopg  # noqa: E402
from flask import Flask  # noqa: E402
from werkzeug.security import check_password_hash, generate_password_hash  # noqa: E402

from authapp.config import ProductionConfig  # noqa: E402
from authapp.hashing import check_hash  # noqa: E402
from benchmarks import make_test  # noqa: E402
from benchmarks.load import login_script, wrk  # noqa: E402
from benchmarks.rounds import Summary, interleaved, paired, timed  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
LOGIN_ROUNDS, LOGIN_WARMUP = (3, 1) if QUICK else (25, 3)
CHEAP_ROUNDS = 4 * LOGIN_ROUNDS  # a login with a near-free hash takes milliseconds
ME_ROUNDS, ME_SECONDS = (1, 1) if QUICK else (5, 3)
LOAD_ROUNDS, LOAD_SECONDS = (1, 2) if QUICK else (5, 10)
DOCS_ROUNDS = 1 if QUICK else 3
MAKE_TEST_ROUNDS = 0 if QUICK or os.environ.get("BENCH_MAKE_TEST", "1") == "0" else 2
CORES = os.cpu_count()
WORKERS = CORES  # one gunicorn worker per core: a password hash keeps a core busy
CONNECTIONS = 2 * WORKERS
THREADS = 4  # per gthread worker
USERNAME, PASSWORD = "bench", "correct horse battery staple 2024"
CHEAP_USER = "cheap"  # registered on the servers with a near-free hash
# The app's own work, seen without the hash: the tests' scrypt (about a millisecond), no legacy scrypt.
NEAR_FREE_HASH = "scrypt:1024:8:1"
NEAR_FREE = f"PASSWORD_HASH_METHOD='{NEAR_FREE_HASH}', LEGACY_PASSWORD_HASH_METHOD=None"
# High enough that no round is refused; the limiter still counts every attempt in Redis.
RAISED = "LOGIN_LIMIT_PER_ADDRESS='1000000 per minute', LOGIN_LIMIT_PER_NAME='1000000 per minute'"
OUTPUT = os.environ.get("BENCH_OUTPUT") or os.path.join(
    services.ROOT, *(("build", "bench-quick.md") if QUICK else ("docs", "generated", "bench.md")))

ME_DESIGNS = [  # (variant, what it is, when a logout takes effect)
    ("bare", "a bare Flask route: no cookie, no extension (the floor)", "–"),
    ("stubbed", "step 05, session check stubbed: the cookie is verified, nothing looked up", "–"),
    ("as is", "step 05 as it is: the session row and its user from PostgreSQL", "at once"),
    ("redis", "the session's user from Redis (one round trip)", "at once"),
    ("cache", "step 05's check, cached 5 s in each worker", "up to 5 s late"),
    ("signed", "the user in Flask's signed cookie, no lookup", "never: the cookie is valid until it expires"),
]
MODELS = {"sync": [], "gthread": ["--worker-class", "gthread", "--threads", str(THREADS)]}


# ---- one request, one check

def post_json(port, path, body, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    try:
        connection.request("POST", path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def log_in(port, username=USERNAME):
    """A successful login; returns the session cookie as a Cookie header value.
    (The cookie is Secure: a browser would send it only over HTTPS; wrk sends it anyway.)"""
    response = post_json(port, "/auth/login", {"username": username, "password": PASSWORD})
    assert response.status == 200, response.status
    return "; ".join(header.split(";")[0] for header in response.msg.get_all("Set-Cookie")
                     if "session" in header.split("=")[0])


YARDSTICK = Flask("yardstick")  # what check_hash reads from the config: the production setting
YARDSTICK.config["LEGACY_PASSWORD_HASH_METHOD"] = ProductionConfig.LEGACY_PASSWORD_HASH_METHOD


def password_check(stored):
    """Step 05's own check of a password (authapp/hashing.py check_hash): one scrypt at the
    legacy cost (while wrapped hashes may exist), then the check at the production cost."""
    with YARDSTICK.app_context():
        assert check_hash(stored, PASSWORD)


def checks_per_second(stored, seconds=LOAD_SECONDS):
    done, elapsed = 0, 0.0
    while elapsed < seconds:
        elapsed += timed(lambda: password_check(stored))
        done += 1
    return done / elapsed


def checks_per_second_on_every_core(stored):
    """The machine's ceiling right now: one process per core doing only the password
    check. scrypt is memory-hard: parallel checks also compete for memory bandwidth."""
    with multiprocessing.Pool(CORES) as pool:
        return sum(pool.map(checks_per_second, [stored] * CORES))


# ---- the measurements

def measure():
    figures = {}
    with ExitStack() as stack:
        database = stack.enter_context(services.postgresql(durable=True))
        storage = stack.enter_context(services.redis_server())
        environment = services.production_environment(database, storage)
        services.migrate(environment)

        def serve(app, folder=services.STEP_05, model="sync"):
            options = ["--pythonpath", BENCHMARKS, *MODELS[model]]
            return stack.enter_context(services.gunicorn(environment, WORKERS, app, folder, options=options))

        print("Starting the servers ...", flush=True)
        servers = {(variant, "sync"): serve(f"me_variants:create_app({variant!r}, {RAISED})")
                   for variant, _, _ in ME_DESIGNS if variant != "bare"}
        servers["bare", "sync"] = serve("bare:create_app()", BENCHMARKS)
        servers["bare", "gthread"] = serve("bare:create_app()", BENCHMARKS, "gthread")
        servers["as is", "gthread"] = serve(f"me_variants:create_app('as is', {RAISED})", model="gthread")
        unlimited = serve("authapp:create_app(RATELIMIT_ENABLED=False)")
        cheap = serve(f"authapp:create_app({NEAR_FREE}, {RAISED})")
        cheap_unlimited = serve(f"authapp:create_app({NEAR_FREE}, RATELIMIT_ENABLED=False)")
        limited = servers["as is", "sync"]
        for port, name in ((limited, USERNAME), (cheap, CHEAP_USER)):
            registered = post_json(port, "/auth/register",
                                   {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
            assert registered.status == 201, registered.status
        with psycopg.connect(services.plain_url(database)) as connection:
            (stored,) = connection.execute("SELECT password_hash FROM users WHERE username = %s",
                                           (USERNAME,)).fetchone()

        print(f"Logins one at a time: {LOGIN_ROUNDS} rounds after {LOGIN_WARMUP} ...", flush=True)
        figures["login"] = interleaved({
            "password check": lambda: password_check(stored),
            "production hash": lambda: check_password_hash(stored, PASSWORD),
            "login": lambda: log_in(limited),
            "login, limiter off": lambda: log_in(unlimited),
        }, LOGIN_ROUNDS, LOGIN_WARMUP)
        near_free = generate_password_hash(PASSWORD, method=NEAR_FREE_HASH)
        figures["cheap login"] = interleaved({
            "login": lambda: log_in(cheap, CHEAP_USER),
            "login, limiter off": lambda: log_in(cheap_unlimited, CHEAP_USER),
            "hash": lambda: check_password_hash(near_free, PASSWORD),
        }, CHEAP_ROUNDS, LOGIN_WARMUP)

        print(f"GET /auth/me: {ME_ROUNDS} rounds of {ME_SECONDS} s per server ...", flush=True)
        cookies = {key: (log_in(port) if key[0] != "bare" else None) for key, port in servers.items()}

        def load_me(key):
            def run():
                headers = [f"Cookie: {cookies[key]}"] if cookies[key] else []
                result = wrk(servers[key], "/auth/me", ME_SECONDS, CONNECTIONS, headers=headers)
                assert result["failed"] == 0, f"{key}: GET /auth/me answered {result['failed']} errors"
                return result["per_second"]
            return run
        figures["me"] = interleaved({key: load_me(key) for key in servers}, ME_ROUNDS,
                                    measure=lambda action: action())

        print(f"Logins under load: {LOAD_ROUNDS} rounds of {LOAD_SECONDS} s, and the check on every core ...",
              flush=True)

        def load_logins():
            result = wrk(limited, "/auth/login", LOAD_SECONDS, CONNECTIONS, script=login_script(USERNAME, PASSWORD))
            assert result["failed"] == 0, f"{result['failed']} logins under load failed"
            return result["per_second"]
        sides = {"logins": load_logins, "checks": lambda: checks_per_second_on_every_core(stored)}
        figures["load"] = interleaved(sides, LOAD_ROUNDS, measure=lambda action: action())

    print("mkdocs build --strict ...", flush=True)
    site = os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench-site")
    figures["mkdocs"] = [timed(lambda: subprocess.run(
        [os.path.join(services.VENV_BIN, "mkdocs"), "build", "--strict", "--quiet", "--site-dir", site],
        cwd=services.ROOT, check=True)) for _ in range(DOCS_ROUNDS)]
    figures["make test"] = make_test.measure(MAKE_TEST_ROUNDS) if MAKE_TEST_ROUNDS else None
    return figures


# ---- the tables

def ms(seconds):
    return [1000 * value for value in seconds]


def row(*cells):
    return "| " + " | ".join(cells) + " |"


def login_table(f):
    login, cheap = f["login"], f["cheap login"]
    check, alone = login["password check"], login["production hash"]
    overhead = paired(login["login"], check, lambda a, b: 1000 * (a - b))
    ratio = paired(login["login"], check, lambda a, b: a / b)
    limiter = paired(cheap["login"], cheap["login, limiter off"], lambda a, b: 1000 * (a - b))
    lines = [row("measure", "rounds", "median", "spread (min – max)"), row(*["---"] * 4)]
    lines += [
        row("**the yardstick**: step 05's password check (`check_hash`: a legacy-cost scrypt, then the "
            "production-cost check), in this process", *Summary(ms(check), "{:.0f} ms").cells()),
        row("one production-cost check alone (`scrypt:131072:8:1`)", *Summary(ms(alone), "{:.0f} ms").cells()),
        row("a login, `POST /auth/login` (limiter on, counting in Redis)",
            *Summary(ms(login["login"]), "{:.0f} ms").cells()),
        row("login − yardstick, round by round", *Summary(overhead, "{:+.1f} ms").cells()),
        row("login ÷ yardstick, round by round", *Summary(ratio, "{:.3f}×").cells()),
        row(f"a login with a near-free hash (`{NEAR_FREE_HASH}`, no legacy scrypt)",
            *Summary(ms(cheap["login"]), "{:.1f} ms").cells()),
        row("the same login with the limiter off", *Summary(ms(cheap["login, limiter off"]), "{:.1f} ms").cells()),
        row("that hash alone", *Summary(ms(cheap["hash"]), "{:.1f} ms").cells()),
        row("**the app's own work per login**: that login − that hash, round by round",
            *Summary(paired(cheap["login"], cheap["hash"], lambda a, b: 1000 * (a - b)), "{:.1f} ms").cells()),
        row("of which the limiter: on − off, round by round", *Summary(limiter, "{:+.1f} ms").cells()),
    ]
    return lines


def me_table(f):
    me = f["me"]
    lines = [row("design", "server", "a logout takes effect", "rounds", "median", "spread (min – max)",
                 "of bare, round by round"), row(*["---"] * 7)]
    for model in MODELS:
        for variant, what, revocation in ME_DESIGNS:
            key = (variant, model)
            if key not in me:
                continue
            of_bare = Summary(paired(me[key], me["bare", model], lambda a, b: 100 * a / b), "{:.0f}%")
            lines.append(row(what, model, revocation, *Summary(me[key], "{:.0f} req/s").cells(),
                             f"{of_bare.cells()[1]} ({of_bare.cells()[2]})"))
    return lines


def load_table(f):
    load = f["load"]
    share = paired(load["logins"], load["checks"], lambda a, b: 100 * a / b)
    lines = [row("measure", "rounds", "median", "spread (min – max)"), row(*["---"] * 4)]
    lines += [
        row(f"logins per second, wrk with {CONNECTIONS} connections for {LOAD_SECONDS} s (limiter on)",
            *Summary(load["logins"], "{:.2f} /s").cells()),
        row(f"the yardstick: {CORES} processes doing only the password check, for {LOAD_SECONDS} s",
            *Summary(load["checks"], "{:.2f} /s").cells()),
        row("logins ÷ checks, round by round", *Summary(share, "{:.0f}%").cells()),
    ]
    return lines


def tools_table(f):
    lines = [row("measure", "rounds", "median", "spread (min – max)"), row(*["---"] * 4),
             row("`mkdocs build --strict`", *Summary(f["mkdocs"], "{:.1f} s").cells())]
    if f["make test"]:
        result = "passed" if f["make test"]["passed"] else "FAILED"
        for scenario, figures in f["make test"]["scenarios"].items():
            lines.append(row(f"`make test`, {scenario}, wall time ({result})",
                             *Summary(figures["wall"], "{:.0f} s").cells()))
            lines.append(row(f"`make test`, {scenario}, CPU seconds (every process)",
                             *Summary(figures["cpu"], "{:.0f} s").cells()))
    return lines


def report(f, load_before):
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return "\n".join([
        "<!-- written by make bench (benchmarks/report.py); do not edit -->",
        f"Measured {date.today()} by `make bench`{' (QUICK: too few rounds to quote)' if QUICK else ''} on "
        f"{CORES} cores ({model}), Python {platform.python_version()}; load average when the run started: "
        f"{load_before} (other work on the machine competes for the same cores). Step 05 in production: "
        f"gunicorn with {WORKERS} workers, PostgreSQL and Redis, all on loopback. Every side of a comparison "
        "runs in the same rounds, in a random order each round.",
        "",
        f"**Logging in, one request at a time** ({LOGIN_ROUNDS} rounds after {LOGIN_WARMUP} to warm up; "
        f"{CHEAP_ROUNDS} with the near-free hash):",
        "", *login_table(f), "",
        f"**`GET /auth/me` with a session**, each design as a variant of step 05 (`benchmarks/me_variants.py`): "
        f"requests per second, wrk with {CONNECTIONS} connections, {ME_SECONDS} s a round. *sync*: gunicorn's "
        f"default workers, which close the connection after every answer; *gthread*: {THREADS} threads per "
        "worker, connections kept alive:",
        "", *me_table(f), "",
        "**Logins under load** (the yardstick is what the machine can do at all):",
        "", *load_table(f), "",
        "**The tools:**", "", *tools_table(f), "",
    ])


def main():
    load_before = open("/proc/loadavg").read().split()[0]
    text = report(measure(), load_before)
    print("\n" + text)
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as out:
        out.write(text)
    print(f"Written to {os.path.relpath(OUTPUT, services.ROOT)}")


if __name__ == "__main__":
    main()
