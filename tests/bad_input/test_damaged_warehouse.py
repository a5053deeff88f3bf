"""A damaged warehouse, a --db that is not one, a full disk and Ctrl-C (issue 14, items 11,
and the FIFO of 10 and the non-DuckDB file of 13), through the real CLI in fresh processes.

* A warehouse cut to half its size, or with bytes overwritten in every block: ``db info``,
  ``import``, ``report``, ``metrics`` and ``forecast`` exit 3 with "is damaged" and a hint
  to restore it, never a traceback and never blaming the input file.
* A named pipe, a device, a CSV, a text file or an empty file as ``--db``: refused at once
  (exit 3, "not a DuckDB warehouse"), and never changed.
* A write the disk refuses (RLIMIT_FSIZE: the kernel's per-process file-size limit, which
  fails a write with EFBIG as a full disk fails it with ENOSPC): exit 3 "cannot write to
  warehouse", the warehouse as before; at commit time and in the middle of a load.
* SIGINT during an import: exit 130, "interrupted while importing FILE" and a hint, the
  warehouse as before.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.bad_input._corpus import (
    REPO,
    Outcome,
    assert_clean_error,
    assert_no_traceback,
    counts,
    run,
    sample_warehouse,
)
from tests.bad_input._holder import Running, cli_env, wait_until_written
from tests.bad_input.test_warehouse_in_use import conversations_csv

BLOCK = 262_144  # DuckDB's block size
HEADERS = 3 * 4096  # the file header and the two database headers before block 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse made by the real CLI from a small seeded sample (copied per test)."""
    return sample_warehouse(tmp_path_factory.mktemp("damaged"), conversations=600, seed=9)


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "support.duckdb"
    copy.write_bytes(built.read_bytes())
    return copy


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return conversations_csv(tmp_path / "new.csv", "NEW", 50)


def cut_to_half(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def overwrite(db: Path, offset: int, size: int = 4096) -> None:
    with db.open("r+b") as file:
        file.seek(offset)
        file.write(b"\xab" * size)


def overwrite_the_catalog(db: Path) -> None:
    """Junk past the headers, in the first block: the catalog every command reads."""
    overwrite(db, HEADERS + 64)


DAMAGES = {"cut to half": cut_to_half, "overwritten": overwrite_the_catalog}
COMMANDS = [("db", "info"), ("import", "{csv}"), ("report", "agents"), ("metrics",),
            ("forecast",)]  # fmt: skip


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_damaged_warehouse_is_a_clear_error(db: Path, small_csv: Path, damage, command):
    DAMAGES[damage](db)
    damaged = db.read_bytes()
    args = [part.format(csv=small_csv) for part in command]
    outcome = run(*args, "--db", db)
    assert_clean_error(outcome, 3, contains=f"warehouse {db} is damaged")
    assert "restore" in outcome.stderr  # the hint says what to do
    assert "cannot be read" not in outcome.stderr  # the input file is not blamed
    assert db.read_bytes() == damaged


@pytest.mark.parametrize("where", [0.2, 0.4, 0.5, 0.6, 0.8])
@pytest.mark.parametrize(
    "command", [("db", "info"), ("report", "agents"), ("metrics",), ("import", "{csv}")],
    ids=" ".join,
)  # fmt: skip
def test_junk_anywhere_is_harmless_or_a_clear_error(db, small_csv, where, command):
    """Bytes overwritten somewhere in the middle: a command that never reads them works; one
    that does says the warehouse is damaged. Never a traceback."""
    overwrite(db, int(db.stat().st_size * where), 512)
    args = [part.format(csv=small_csv) for part in command]
    outcome = run(*args, "--db", db)
    if outcome.code == 0:
        assert_no_traceback(outcome)
    else:
        assert_clean_error(outcome, 3, contains="is damaged")


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.duckdb"
    os.mkfifo(path)
    return path


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a warehouse\n")
    return path


def _csv(tmp_path: Path) -> Path:
    return conversations_csv(tmp_path / "export.csv", "X", 3)


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.duckdb"
    path.touch()
    return path


NOT_WAREHOUSES = {
    "named pipe": (_fifo, "is a named pipe, not a DuckDB warehouse file"),
    "device": (lambda _tmp: Path("/dev/null"), "is a character device"),
    "text file": (_text, "is not a DuckDB warehouse"),
    "csv file": (_csv, "is not a DuckDB warehouse"),
    "empty file": (_empty, "is an empty file, not a DuckDB warehouse"),
}


@pytest.mark.parametrize("kind", NOT_WAREHOUSES, ids=str)
@pytest.mark.parametrize("command", [("db", "info"), ("forecast",), ("report", "scorecard"),
                                     ("import", "{csv}")], ids=" ".join)  # fmt: skip
def test_a_db_that_is_not_a_warehouse_is_refused_at_once(tmp_path, small_csv, kind, command):
    make, says = NOT_WAREHOUSES[kind]
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    args = [part.format(csv=small_csv) for part in command]
    outcome = run(*args, "--db", path, timeout=60)  # a FIFO once blocked DuckDB's open
    assert_clean_error(outcome, 3, contains=says)
    if before is not None:
        assert path.read_bytes() == before


def _limited(limit: int):
    def apply() -> None:
        # a write past the limit then fails with EFBIG instead of killing the process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_limited(limit: int, *args: str | Path) -> Outcome:
    """The CLI with no file it writes allowed past ``limit`` bytes (a full disk, in effect)."""
    done = subprocess.run(
        [sys.executable, "-m", "supportstats", *(str(a) for a in args)],
        capture_output=True,
        env=cli_env(),
        cwd=REPO,
        preexec_fn=_limited(limit),
        timeout=300,
    )
    return Outcome(done.returncode, done.stdout.decode(), done.stderr.decode("utf-8", "replace"))


def test_a_full_disk_at_commit_is_a_clear_error(db: Path, tmp_path: Path):
    """The WAL cannot be written at COMMIT (the warehouse file itself does not grow before
    a checkpoint): DuckDB's TransactionException, then 'cannot rollback', before the fix."""
    csv = conversations_csv(tmp_path / "many.csv", "MANY", 20_000)
    before = counts(db)
    outcome = run_limited(db.stat().st_size // 4, "import", csv, "--db", db)
    assert_clean_error(outcome, 3, contains=f"cannot write to warehouse {db}")
    assert f"nothing from {csv} was kept" in outcome.stderr
    assert "disk space" in outcome.stderr
    assert counts(db) == before


@pytest.mark.slow
def test_a_full_disk_during_a_big_load_is_a_clear_error(db: Path, tmp_path: Path):
    """A big insert writes blocks into the warehouse file as it goes: that write fails.
    Before the fix the importer blamed the input file ('cannot be read as a generic
    export')."""
    csv = conversations_csv(tmp_path / "big.csv", "BIG", 300_000)
    before = counts(db)
    outcome = run_limited(db.stat().st_size + 2 * BLOCK, "import", csv, "--db", db)
    assert_clean_error(outcome, 3, contains=f"cannot write to warehouse {db}")
    assert "cannot be read" not in outcome.stderr
    assert counts(db) == before


@pytest.mark.slow
def test_ctrl_c_during_an_import_leaves_the_warehouse_as_before(db: Path, tmp_path: Path):
    csv = conversations_csv(tmp_path / "big.csv", "BIG", 200_000)
    before = counts(db)
    spill = tmp_path / "tmp"
    spill.mkdir()
    importing = Running("import", csv, "--db", db, env={"TMPDIR": str(spill)})
    wait_until_written(db, importing)
    # The importer makes its scratch folder right after BEGIN: the load is under way.
    while not any(spill.glob("supportstats-*")):
        assert importing.proc.poll() is None, importing.stderr
        threading.Event().wait(0.01)
    importing.proc.send_signal(signal.SIGINT)
    outcome = importing.finish()
    assert_clean_error(outcome, 130, contains=f"interrupted while importing {csv}")
    assert "run the same import again" in outcome.stderr
    assert counts(db) == before
    # and the warehouse still works
    again = run("db", "check", "--db", db)
    assert again.code == 0, again
    assert_no_traceback(again)
