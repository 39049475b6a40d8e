"""The shared runner (tools/outcomes.py, Runner): many test runs in one
process must come out as they would in a fresh process each. A run sees
only its own app and tests, nothing a previous run imported, set or
registered; a run that kills its process is reported, and the next run
gets a new process."""
import pytest

from tools import outcomes

# App "first" has a module `extra` and a conftest.py that leaves traces
# behind: an environment variable, logging's settings, and a listener on
# every SQLAlchemy engine that refuses connections. App "second" has neither. Their test modules
# have the same names, as two states of one step do.
FIRST_APP = {"authapp/__init__.py": "NAME = 'first'\n", "authapp/extra.py": "VALUE = 1\n"}
SECOND_APP = {"authapp/__init__.py": "NAME = 'second'\n"}
FIRST_CONFTEST = '''import logging.config
import os

from sqlalchemy import Engine, event

os.environ["LEFT_BY_THE_FIRST_RUN"] = "1"
# What a migration's env.py does (fileConfig): every logger that exists is
# disabled, and the root logger lets only critical messages through.
logging.config.dictConfig({"version": 1, "root": {"level": "CRITICAL"}})


@event.listens_for(Engine, "connect")
def refuse(dbapi_connection, connection_record):
    raise RuntimeError("a listener of the first run's conftest.py")
'''
TESTS = '''import logging
import os

import sqlalchemy


def test_the_app_is_this_runs_own():
    import authapp
    assert authapp.NAME == os.path.basename(os.getcwd()).split("-")[0]


def test_the_extra_module_exists():
    from authapp import extra
    assert extra.VALUE == 1


def test_nothing_is_left_in_the_environment():
    assert "LEFT_BY_THE_FIRST_RUN" not in os.environ or os.path.basename(os.getcwd()).startswith("first")


def test_a_warning_of_the_app_is_logged(caplog):
    logging.getLogger("authapp.views").warning("a warning of the app")
    logging.getLogger("sqlalchemy.engine").warning("a warning of a library")
    assert "a warning of the app" in caplog.text and "a warning of a library" in caplog.text


def test_an_engine_connects():
    with sqlalchemy.create_engine("sqlite://").connect() as connection:
        assert connection.exec_driver_sql("select 1").scalar() == 1
'''


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def lay_out_run(tmp_path, name, app, conftest=""):
    """A step folder `name` (its app and tests/) and the folder its run is laid out in."""
    step = write(tmp_path / name, {**app, "tests/test_same_name.py": TESTS, "tests/conftest.py": conftest})
    workdir = tmp_path / f"{name}-run"
    outcomes.lay_out(workdir, outcomes.suite_files(step))
    return workdir, step


def outcome_of(result, name):
    return result["tests"][f"tests/test_same_name.py::{name}"]["outcome"]


@pytest.fixture
def runner():
    shared = outcomes.Runner()
    yield shared
    shared.close()


def test_a_run_sees_nothing_of_the_run_before_it(tmp_path, runner):
    """After a run whose app has authapp.extra and whose conftest.py sets an
    environment variable, makes every engine refuse to connect and configures
    logging as a migration does, a run of another app in the same process has
    no authapp.extra, no variable, engines that connect and the loggers of a
    fresh process."""
    first = runner.run(*lay_out_run(tmp_path, "first", FIRST_APP, FIRST_CONFTEST))
    assert outcome_of(first, "test_the_app_is_this_runs_own") == "passed", first
    assert outcome_of(first, "test_the_extra_module_exists") == "passed", first
    assert outcome_of(first, "test_an_engine_connects") == "failed", "the first run's listener should refuse"

    second = runner.run(*lay_out_run(tmp_path, "second", SECOND_APP))
    assert not second["collect_errors"], second["collect_errors"]
    assert outcome_of(second, "test_the_app_is_this_runs_own") == "passed", second
    assert outcome_of(second, "test_the_extra_module_exists") == "failed", "authapp.extra of the first app was kept"
    assert outcome_of(second, "test_nothing_is_left_in_the_environment") == "passed", second
    assert outcome_of(second, "test_an_engine_connects") == "passed", second
    assert outcome_of(second, "test_a_warning_of_the_app_is_logged") == "passed", second


def test_a_run_that_ends_its_process_is_reported_and_the_next_one_runs(tmp_path, runner):
    """os._exit() in a test ends the runner's process: that run raises, naming a
    crash; the next run starts a new process and gives its outcomes."""
    workdir, app_dir = lay_out_run(tmp_path, "second", SECOND_APP)
    (workdir / "tests" / "test_exit.py").write_text("import os\n\n\ndef test_exit():\n    os._exit(3)\n")
    with pytest.raises(RuntimeError, match="the test run crashed"):
        runner.run(workdir, app_dir, ["tests/test_exit.py::test_exit"])
    again = runner.run(workdir, app_dir, ["tests/test_same_name.py::test_the_app_is_this_runs_own"])
    assert outcome_of(again, "test_the_app_is_this_runs_own") == "passed", again


def memo_inputs(item):
    """Reads tools/outcomes.py only (tests/memo.py adds tools/ to every check)."""
    return []
