"""wrk, Debian's HTTP load generator, on loopback: bounded in time (-d) and
in connections (-c), with its own timeout raised above one password hash."""
import os
import re
import subprocess
import tempfile

LOGIN_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username": "%s", "password": "%s"}'
"""


def wrk(port, path, seconds, connections, headers=(), script=None):
    """Requests per second and the count of answers that were not 2xx/3xx."""
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
               "--timeout", "30s"]
    for header in headers:
        command += ["--header", header]
    with tempfile.TemporaryDirectory() as folder:
        if script:
            command += ["--script", os.path.join(folder, "script.lua")]
            with open(command[-1], "w") as out:
                out.write(script)
        output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], check=True,
                                capture_output=True, text=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {"per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "requests": requests, "failed": int(failed.group(1)) if failed else 0}


def login_script(username, password):
    return LOGIN_SCRIPT % (username, password)
