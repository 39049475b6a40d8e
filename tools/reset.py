"""Fresh databases for every step: delete each step's instance/authapp.sqlite
and build it again with `flask --app authapp db upgrade`.

    make reset

Only the default SQLite files in steps/NN-name/instance/ are touched (not
workspace/, and not a database that DATABASE_URL points to).
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from tools import steps

DATABASE = "authapp.sqlite"


def reset(step):
    database = step / "instance" / DATABASE
    existed = database.exists()
    database.unlink(missing_ok=True)
    environment = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "APP_CONFIG"}}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "authapp", "db", "upgrade"],
                            cwd=step, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        return f"{step.name}: db upgrade FAILED\n{result.stderr[-2000:]}"
    action = "deleted and rebuilt" if existed else "created"
    return f"{step.name}: instance/{DATABASE} {action} (empty, at the step's latest migration)"


def main():
    if os.environ.get("DATABASE_URL"):
        print("Note: DATABASE_URL is set in your shell; `make reset` ignores it and resets the instance/ files.")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        reports = list(pool.map(reset, steps.all_steps()))
    print("\n".join(reports))
    return 1 if any("FAILED" in report for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
