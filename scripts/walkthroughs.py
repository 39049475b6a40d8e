"""Run each step's walkthrough.sh against the real app and record the answers.

    python scripts/walkthroughs.py            (or: make walkthroughs) all steps, recorded
    python scripts/walkthroughs.py --record 03 05   the steps named, recorded
    python scripts/walkthroughs.py 03         (or: make try STEP=03) one step, printed
    python scripts/walkthroughs.py 03 --url http://127.0.0.1:5001
                                              (or: make try STEP=03 URL=...) against a server
                                              you started, from this folder (its server.log)

For each step: a fresh SQLite database in a temporary folder, `flask db upgrade`,
`flask run` on a free loopback port, then every command of walkthrough.sh, as
written, in one bash session whose working folder holds the server's output
(`server.log`, where the reset mail appears). The commands name "$API",
which their first block sets to http://127.0.0.1:5000 unless API is set, as a
learner types them; a curl configuration file (`connect-to`) sends those
requests to the free port without changing a character of the command. With
--url, API is set to that address instead, and nothing is routed. The answers go to docs/walkthroughs/<step>.json,
which the step's page shows under "Try it" (scripts/docsite/tryit.py).
tests/test_walkthroughs.py runs the same thing and fails if a check fails or an
answer differs from the recorded one.
"""
import os
import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docsite import tryit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import appserver, ports  # noqa: E402
from tools.steps import all_steps  # noqa: E402

BIN = Path(sys.executable).parent
MARK = "\x1edocsite-walkthrough"  # separates the blocks' outputs; no command prints it


def steps():
    return [step for step in all_steps() if tryit.script(step).exists()]


def environment(database):
    """tools/appserver.py's rule, for the server and the bash session alike, plus
    .venv's programs first on PATH: a command of a walkthrough may call `flask`."""
    env = appserver.environment(database, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("API", None)  # the walkthrough's own default (http://127.0.0.1:5000) is what is proved
    return env


@contextmanager
def running_step(step, app=appserver.APP):
    """(working folder, server, env): the step served on a free port with an
    empty database (tools/appserver.py); its output goes to server.log in the
    working folder, where the commands read the mails."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = environment(work / "walkthrough.sqlite")
        with appserver.serving(step, env, work / "server.log", app=app) as server:
            yield work, server, env


def curl_config(folder, host=None, port=None):
    """A curl home whose .curlrc routes the address the commands name by default
    (API unset) to the server on host:port, if given."""
    home = Path(folder) / "curl-home"
    home.mkdir(exist_ok=True)
    routes = (f"connect-to = 127.0.0.1:5000:{host}:{port}\n"
              f"connect-to = localhost:5000:{host}:{port}\n") if host else ""
    # no-progress-meter: the commands print what a terminal would show.
    (home / ".curlrc").write_text("no-progress-meter\n" + routes)
    return home


# A person reads the server's terminal after it has printed the mail: before a
# command that reads server.log, wait until the log has been quiet for 0.2 s.
WAIT_FOR_QUIET_LOG = """\
size=-1; for i in $(seq 100); do now=$(wc -c < server.log); [ "$now" = "$size" ] && break; size=$now; sleep 0.2; done
"""


def session_script(blocks):
    """One bash script: each block's command, verbatim, between two markers."""
    parts = []
    for index, block in enumerate(blocks):
        if "server.log" in block.command:
            parts.append(WAIT_FOR_QUIET_LOG)
        parts.append(f"printf '\\n{MARK} begin {index}\\n'\n{block.command}\n"
                     f"printf '\\n{MARK} end {index} %d\\n' \"$?\"\n")
    return "".join(parts)


def split_outputs(stdout):
    """[(output, exit code)] of each block that ran, in order."""
    found = re.finditer(rf"\n{re.escape(MARK)} begin (\d+)\n(.*?)\n{re.escape(MARK)} end \1 (-?\d+)\n",
                        stdout, re.DOTALL)
    return [(match[2], int(match[3])) for match in found]


def run(step, url=None, app=appserver.APP):
    """(problems, [{"command", "output"}], server log) of one step's walkthrough,
    against a fresh server (serving `app`: appserver.CHEAP_HASHES under test), or
    against `url` from the current folder. `problems` is empty when every command
    ran and passed its checks."""
    blocks = tryit.parse(tryit.script(step).read_text(encoding="utf-8"))
    if url:
        with tempfile.TemporaryDirectory() as tmp:
            # The commands reach the server through API alone, as the page tells a learner to set it.
            env = {**os.environ, "API": url.rstrip("/"), "CURL_HOME": str(curl_config(tmp))}
            session = subprocess.run(["bash", "-c", session_script(blocks)], cwd=Path.cwd(), env=env,
                                     capture_output=True, text=True, timeout=300)
        server_log = "(the server's output is in its own terminal)"
    else:
        with running_step(step, app) as (work, server, env):
            env = {**env, "CURL_HOME": str(curl_config(work, ports.HOST, server.port)), "HOME": str(work)}
            check_routing(step, env, work)
            session = subprocess.run(["bash", "-c", session_script(blocks)], cwd=work, env=env,
                                     capture_output=True, text=True, timeout=300)
            server_log = (work / "server.log").read_text(errors="replace")
    return judge(blocks, session, server_log)


def check_routing(step, env, work):
    """Make sure curl reads our configuration: http://127.0.0.1:5000 must reach
    the server under test, not whatever else listens on port 5000."""
    answer = subprocess.run(["curl", "-s", "http://127.0.0.1:5000/"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=60).stdout
    if f'"step":"{step.name}"' not in answer.replace(" ", ""):
        raise RuntimeError(f"curl did not reach the server under test through {env['CURL_HOME']}/.curlrc: {answer!r}")


def judge(blocks, session, server_log):
    outputs = split_outputs(session.stdout)
    problems, results = [], []
    for number, block in enumerate(blocks, start=1):
        if number > len(outputs):
            problems.append(f"block {number} did not run:\n{block.command}")
            break
        output, code = outputs[number - 1]
        results.append({"command": block.command, "output": tryit.normalise(output)})
        failures = tryit.failed_checks(block, output.replace("\r\n", "\n"))
        if code != 0:
            failures.insert(0, f"exited {code}")
        if failures:
            problems.append(f"block {number}:\n{block.command}\n" + "\n".join(f"  !! {f}" for f in failures)
                            + f"\n--- its output ---\n{output}")
    if problems and session.stderr.strip():
        problems.append(f"--- bash's error output ---\n{session.stderr[-3000:]}")
    return problems, results, server_log


def transcript(results):
    """The blocks as a terminal would show them."""
    return "\n\n".join(f"$ {entry['command']}" + (f"\n{entry['output']}" if entry["output"] else "")
                       for entry in results) + "\n"


def main(arguments):
    url = None
    if "--url" in arguments:
        index = arguments.index("--url")
        url, arguments = arguments[index + 1], arguments[:index] + arguments[index + 2:]
    record = "--record" in arguments
    arguments = [argument for argument in arguments if argument != "--record"]
    selected = [argument.zfill(2)[:2] for argument in arguments]
    chosen = [step for step in steps() if not selected or step.name[:2] in selected]
    if url and len(chosen) != 1:
        print("--url needs one step: the one your server runs", file=sys.stderr)
        return 2
    failed = False
    for step in chosen:
        problems, results, server_log = run(step, url)
        if selected and not record:
            where = (f"{url} (API={url})" if url
                     else "a fresh server on a free port (http://127.0.0.1:5000 is routed there)")
            print(f"# {step.name}: the commands ran against {where}\n")
            print(transcript(results), end="")
        if problems:
            failed = True
            print(f"{step.name}: the walkthrough failed\n" + "\n".join(problems)
                  + f"\n--- server log ---\n{server_log[-3000:]}", file=sys.stderr)
            continue
        if (record or not selected) and not url:
            tryit.dump_recording(step, results)
            print(f"wrote {tryit.recording_path(step).relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
