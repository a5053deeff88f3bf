"""A warehouse in use (issue 14, item 1), with real processes both ways.

DuckDB lets one process write a file, or many read it. A command that finds the warehouse
busy says on stderr who holds it and waits (``--wait``, default 300 s), then goes on, or
fails with a clear error naming the holder:

* a report started while a real ``supportstats import`` writes waits, then shows its rows;
* an import started while a reader holds the file waits, then loads;
* three imports started together all load, one after another, with no row lost;
* ``--wait 0`` (or ``SUPPORTSTATS_WAIT=0``) fails at once, on every command that opens the
  warehouse, naming the holder's command line and pid;
* a killed import leaves nothing behind that would block anyone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from supportstats.warehouse_lock import _readable, holder_from
from tests.bad_input._corpus import (
    REPO,
    assert_clean_error,
    assert_no_traceback,
    counts,
    run,
    sample_warehouse,
)
from tests.bad_input._holder import Holder, Running, cli_env, wait_until_written

BIG_ROWS = 300_000  # an import long enough to be caught in the act (a few seconds)
SMALL_ROWS = 200


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse made by the real CLI from a small seeded sample (copied per test)."""
    return sample_warehouse(tmp_path_factory.mktemp("in_use"), conversations=300, seed=5)


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "support.duckdb"
    copy.write_bytes(built.read_bytes())
    return copy


def conversations_csv(path: Path, prefix: str, rows: int) -> Path:
    """A generic conversations file of ``rows`` conversations with ids ``prefix``1.. ."""
    conn = duckdb.connect()
    conn.execute(
        f"""COPY (
            SELECT '{prefix}' || i AS conversation_id,
                   TIMESTAMPTZ '2026-01-05 08:00:00+00' + to_seconds(i % 500000) AS created_at,
                   ['chat', 'email', 'messaging'][1 + i % 3] AS channel,
                   'agent_' || (i % 7) AS agent,
                   'solved' AS status
            FROM range(1, {rows + 1}) r(i)
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    conn.close()
    return path


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return conversations_csv(tmp_path_factory.mktemp("big") / "big.csv", "BIG", BIG_ROWS)


def ids_with(db: Path, prefix: str) -> int:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(
            "SELECT count(DISTINCT source_id) FROM conversation WHERE source_id LIKE ?",
            [prefix + "%"],
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_a_reader_waits_for_a_running_import_then_shows_its_rows(db: Path, big_csv: Path):
    before = counts(db)
    importing = Running("import", big_csv, "--db", db)
    wait_until_written(db, importing)  # the import has the warehouse: now ask for a report
    reading = Running("db", "info", "--db", db, "--format", "json")
    imported, shown = importing.finish(), reading.finish()
    assert imported.code == 0, imported
    assert shown.code == 0, shown
    assert_no_traceback(shown)
    # one line saying who holds it, then the figures with the imported rows
    waiting = [line for line in shown.stderr.splitlines() if "is busy" in line]
    assert len(waiting) == 1, shown
    assert "supportstats import big.csv" in waiting[0] and "is writing to it" in waiting[0]
    tables = json.loads(shown.stdout)["tables"]
    assert tables["conversation"] == before["conversation"] + BIG_ROWS


def test_an_import_waits_for_a_reader_then_loads(db: Path, tmp_path: Path):
    before = counts(db)
    small = conversations_csv(tmp_path / "small.csv", "S", SMALL_ROWS)
    with Holder(db, "read") as reader:
        importing = Running("import", small, "--db", db)
        assert importing.wait_for("is busy"), importing.stderr
        assert f"pid {reader.pid}" in importing.stderr
        assert "is reading it" in importing.stderr
        assert counts(db) == before  # still waiting: nothing written yet
    done = importing.finish()
    assert done.code == 0, done
    assert_no_traceback(done)
    after = counts(db)
    assert after["conversation"] == before["conversation"] + SMALL_ROWS
    assert after["import_batch"] == before["import_batch"] + 1


def test_three_imports_at_once_all_load_with_no_row_lost(db: Path, tmp_path: Path):
    before = counts(db)
    sizes = {"first-": 150, "second-": 250, "third-": 350}
    files = [conversations_csv(tmp_path / f"{p.strip('-')}.csv", p, n) for p, n in sizes.items()]
    # Held while all three start, so that they really meet; released, they race for it.
    with Holder(db, "write"):
        imports = [Running("import", f, "--db", db) for f in files]
        for running in imports:
            assert running.wait_for("is busy"), running.stderr
    outcomes = [running.finish() for running in imports]
    for outcome in outcomes:
        assert outcome.code == 0, outcome
        assert_no_traceback(outcome)
    after = counts(db)
    assert after["conversation"] == before["conversation"] + sum(sizes.values())
    assert after["import_batch"] == before["import_batch"] + 3
    for prefix, rows in sizes.items():
        assert ids_with(db, prefix) == rows


def test_three_imports_creating_a_new_warehouse_all_load(tmp_path: Path):
    """No warehouse yet: whichever import creates the file, the others wait for it."""
    db = tmp_path / "new.duckdb"
    sizes = {"one-": 40, "two-": 50, "three-": 60}
    files = [conversations_csv(tmp_path / f"{p.strip('-')}.csv", p, n) for p, n in sizes.items()]
    imports = [Running("import", f, "--db", db) for f in files]
    for outcome in [running.finish() for running in imports]:
        assert outcome.code == 0, outcome
        assert_no_traceback(outcome)
    after = counts(db)
    assert after["conversation"] == sum(sizes.values())
    assert after["import_batch"] == 3


WAREHOUSE_COMMANDS = [
    ("db", "info"),
    ("db", "rejects"),
    ("db", "check"),
    ("db", "rebuild-facts"),
    ("db", "drop-batch", "1", "--yes"),
    ("report", "agents"),
    ("report", "scorecard"),
    ("report", "snapshot"),
    ("metrics",),
    ("forecast",),
    ("plan", "--output", "{tmp}/plan.csv"),
    ("backtest",),
    ("import", "{tmp}/one.csv"),
]


@pytest.mark.parametrize("command", WAREHOUSE_COMMANDS, ids=" ".join)
def test_wait_0_fails_at_once_naming_the_holder(db: Path, tmp_path: Path, command):
    conversations_csv(tmp_path / "one.csv", "ONE", 3)
    args = [part.format(tmp=tmp_path) for part in command]
    before = counts(db)
    with Holder(db, "write") as holder:
        outcome = run(*args, "--db", db, "--wait", "0")
    assert_clean_error(outcome, 3, contains=f"warehouse {db} is busy")
    error = outcome.stderr.splitlines()[0]
    assert f"pid {holder.pid}" in error and "is writing to it" in error, outcome
    assert "--wait" in outcome.stderr  # the hint says how to wait longer
    assert counts(db) == before


def test_an_import_with_wait_0_names_the_reader(db: Path, tmp_path: Path):
    small = conversations_csv(tmp_path / "small.csv", "S", 5)
    with Holder(db, "read") as reader:
        outcome = run("import", small, "--db", db, env={"SUPPORTSTATS_WAIT": "0"})
    assert_clean_error(outcome, 3, contains=f"pid {reader.pid}")
    assert "is reading it" in outcome.stderr


def test_the_wait_ends_with_the_clear_error(db: Path):
    with Holder(db, "write") as holder:
        outcome = run("report", "agents", "--db", db, "--wait", "0.3")
    assert_clean_error(outcome, 3, contains="(waited 0.3 s)")
    waiting = [line for line in outcome.stderr.splitlines() if line.startswith("Warehouse ")]
    assert len(waiting) == 1 and f"pid {holder.pid}" in waiting[0], outcome


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        (["--wait", "soon"], {}, "--wait soon"),
        (["--wait", "-1"], {}, "--wait -1"),
        ([], {"SUPPORTSTATS_WAIT": "nan"}, "SUPPORTSTATS_WAIT=nan"),
    ],
)
def test_a_bad_wait_is_a_usage_error(db: Path, args, env, shown):
    outcome = run("metrics", "--db", db, *args, env=env)
    assert_clean_error(outcome, 2, contains=shown)


def test_a_killed_import_blocks_nobody(db: Path):
    holder = Holder(db, "write")
    holder.kill()  # as SIGKILL ends an import half-way: no chance to tidy up
    outcome = run("report", "agents", "--db", db, "--wait", "0")
    assert outcome.code == 0, outcome
    assert_no_traceback(outcome)


def test_a_reader_printing_into_a_full_pipe_does_not_hold_the_warehouse(db, tmp_path):
    """``metrics --by conversation`` streams a year of rows: it spools them and closes the
    warehouse before printing, so a pager or a slow pipe never keeps an import waiting."""
    many = conversations_csv(tmp_path / "many.csv", "MANY", 5_000)
    assert run("import", many, "--db", db).code == 0
    reader = subprocess.Popen(  # stdout never read: the pipe fills, the reader blocks in write
        [sys.executable, "-m", "supportstats", "metrics", "--by", "conversation",
         "--format", "csv", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=cli_env(), cwd=REPO,
    )  # fmt: skip
    try:
        small = conversations_csv(tmp_path / "small.csv", "S", SMALL_ROWS)
        imported = run("import", small, "--db", db, "--wait", "120")
        assert imported.code == 0, imported
        assert reader.poll() is None  # still blocked printing: it was not holding the file
        printed, _ = reader.communicate(timeout=300)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0
    assert printed.count(b"\ngeneric,MANY") == 5_000


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["/venv/bin/python3.11", "-m", "supportstats", "import", "bank.csv"],
         "supportstats import bank.csv"),
        (["/venv/bin/python", "/venv/bin/supportstats", "import", "/data/exports/bank.csv"],
         "supportstats import bank.csv"),
        (["/usr/bin/python3", "-u", "/venv/bin/streamlit", "run", "dashboards/streamlit_app.py"],
         "streamlit run dashboards/streamlit_app.py"),
        (["python3", "-c", "import duckdb; ...", "w.duckdb"], "python3 -c … w.duckdb"),
        (["duckdb", "support.duckdb"], "duckdb support.duckdb"),
        (["supportstats", "import", *[f"f{i}.csv" for i in range(40)]], None),
    ],
)  # fmt: skip
def test_the_holder_reads_as_the_command_typed(argv, shown):
    text = _readable(argv)
    if shown is None:  # a long command line is cut, not dumped
        assert len(text) == 100 and text.endswith("…") and text.startswith("supportstats import")
    else:
        assert text == shown


def test_the_holder_named_by_duckdb_when_proc_says_nothing():
    message = (
        'IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 999999999). However, you would be able to open this "
        "database in read-only mode"
    )
    holder = holder_from(message, read_only=False)
    assert (holder.pid, holder.command, holder.writing) == (999999999, "python3.11", False)
    assert holder.describe() == "python3.11 (pid 999999999)"
