"""Open the DuckDB warehouse, create or migrate its schema, and hand out connections.

DuckDB lets one process open a file for writing, or many open it read-only, never both at
once. Writers (imports, ``db rebuild-facts``) open it read-write; readers (reports, metrics,
the planner, the dashboard) open it read-only, and for as short a time as they can: open,
read, close, so that an import is never held up long. A process that finds the file taken
does not fail at once: it says on stderr who holds it ("supportstats import bank.csv (pid
1234, since 14:05)") and tries again every fraction of a second for up to ``wait`` seconds
(``--wait``, ``$SUPPORTSTATS_WAIT``, default 300; see :mod:`supportstats.warehouse_lock`),
then raises :class:`~supportstats.errors.WarehouseBusy` naming the holder. So a report run
during an import waits for it and then shows the new rows, and imports run one after another.

A file that is not a warehouse (a CSV, a named pipe, an empty file) is refused before DuckDB
touches it or with DuckDB's answer put plainly; a damaged one (cut short, overwritten) and a
write that fails for want of space surface as :class:`WarehouseError` too, via
:func:`warehouse_fault`, wherever DuckDB notices: at open or in the middle of a query.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from supportstats.config import DEFAULT_DB, ENV_DB, default_db_path  # noqa: F401 (re-exported)
from supportstats.errors import WarehouseBusy, WarehouseError, is_duckdb_error
from supportstats.sql import load_sql, sql_names
from supportstats.terminal import printable
from supportstats.warehouse_lock import (
    busy_text,
    holder_from,
    is_lock_error,
    wait_seconds,
    waiting_message,
)


def migrations() -> list[tuple[int, str]]:
    """(version, sql file name) of every schema migration, in order."""
    found = []
    for name in sql_names("schema"):
        match = re.match(r"schema/(\d+)_", name)
        if match:
            found.append((int(match.group(1)), name))
    return found


SCHEMA_VERSION = migrations()[-1][0]


# DuckDB reads these as an in-memory database, or as a database another extension opens
# (md:, motherduck:, sqlite:, postgres:, s3://, https://...), which it would fetch from the
# network: a warehouse is a local file. Any "word:" prefix is one (a one-letter prefix is a
# Windows drive); a local file whose name has a colon is written ./name.
_NOT_A_FILE = re.compile(r"^(:memory:.*|[a-zA-Z][a-zA-Z0-9+.-]+:.*)$")

# A busy warehouse is tried again after this many seconds, growing to the maximum.
FIRST_POLL_S = 0.05
MAX_POLL_S = 0.25

# DuckDB's words for a file that is damaged, and for a write the disk refused.
_DAMAGED = (
    "Corrupt database file",
    "Could not read enough bytes from file",
    "Failed to deserialize",
    "Serialization Error",
)
_NO_SPACE = (
    "No space left on device",
    "File too large",
    "Disk quota exceeded",
    "Could not write file",
    "Could not fsync",
    "Could not truncate file",
)
_NOT_DUCKDB = (
    "not a valid DuckDB database file",
    "Cannot launch in-memory database in read-only mode",
)
_RESTORE = (
    "restore {path} from a backup, or build it again: move it aside and import your export "
    "files into a new warehouse (supportstats import FILES --db {path})"
)

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_path(path: Path, read_only: bool) -> None:
    """Refuse at once what cannot be a warehouse file, before DuckDB opens it (a named pipe
    would block DuckDB's open until some other program wrote to it)."""
    if _NOT_A_FILE.match(str(path)):
        raise WarehouseError(
            f"--db {path} is not a file: supportstats keeps the warehouse in a local DuckDB "
            "file (an in-memory database would keep nothing, and remote ones are not read)",
            "pass a file path to --db (or SUPPORTSTATS_DB), e.g. --db support.duckdb (a "
            "file whose name has a colon: --db ./name)",
        )
    try:
        mode = path.stat().st_mode  # follows symbolic links; opens nothing
    except FileNotFoundError:
        if read_only:
            raise WarehouseError(
                f"warehouse {path} does not exist",
                "import some data first: supportstats import FILE --db " + str(path),
            ) from None
        folder = path.parent
        if not folder.is_dir():
            raise WarehouseError(
                f"cannot create warehouse {path}: folder {folder} does not exist",
                "create the folder first, or pass another --db",
            ) from None
        return
    except OSError as exc:
        raise WarehouseError(
            f"cannot open warehouse {path}: {exc.strerror or exc}",
            "check the path passed to --db (or SUPPORTSTATS_DB)",
        ) from None
    if stat.S_ISDIR(mode):
        raise WarehouseError(
            f"{path} is a directory, not a DuckDB file",
            "pass a file path to --db, e.g. --db support.duckdb",
        )
    for test, kind in _KINDS:
        if test(mode):
            raise WarehouseError(
                f"{path} is {kind}, not a DuckDB warehouse file",
                "pass the warehouse file to --db, e.g. --db support.duckdb",
            )


def _say(message: str) -> None:
    # a warehouse path or a holder's command line may hold control characters
    sys.stderr.write(printable(message) + "\n")
    sys.stderr.flush()


def _connect(
    path: Path, read_only: bool, wait: float, on_wait: Callable[[str], None] | None
) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file, for ``wait`` seconds."""
    deadline: float | None = None
    pause = FIRST_POLL_S
    told: set[tuple[int | None, bool]] = set()
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if not is_lock_error(text):
                raise _open_error(path, exc) from None
            holder = holder_from(text, read_only=read_only)
        now = time.monotonic()
        if deadline is None:
            deadline = now + wait
        if now >= deadline:
            message, hint = busy_text(path, holder, wait)
            raise WarehouseBusy(message, hint, holder=holder)
        if (holder.pid, holder.writing) not in told:  # once per holder, not once per poll
            told.add((holder.pid, holder.writing))
            if on_wait is not None:
                on_wait(waiting_message(path, holder, wait))
        time.sleep(min(pause, deadline - now))
        pause = min(pause * 1.5, MAX_POLL_S)


def _open_error(path: Path, exc: duckdb.Error) -> WarehouseError:
    """DuckDB's refusal to open ``path`` (not a lock), said plainly."""
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if any(words in text for words in _NOT_DUCKDB):
        return _not_a_warehouse(path)
    fault = warehouse_fault(exc, path)
    if fault is not None:
        return fault
    if "Permission denied" in text:
        return WarehouseError(
            f"cannot open warehouse {path}: permission denied",
            "check the permissions of the file and its folder (an import writes both)",
        )
    if isinstance(exc, duckdb.IOException):
        return WarehouseError(
            f"cannot open warehouse {path}: {first}",
            "check that the file is a DuckDB database and that you may read and write it",
        )
    return WarehouseError(
        f"cannot open warehouse {path}: {first}",
        "check that the file is a DuckDB database created by supportstats",
    )


def _not_a_warehouse(path: Path) -> WarehouseError:
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        return WarehouseError(
            f"{path} is an empty file, not a DuckDB warehouse",
            "delete it and run the import again (an import creates the warehouse), or pass "
            "another --db",
        )
    return WarehouseError(
        f"{path} is not a DuckDB warehouse",
        "pass the warehouse file an import made to --db (or SUPPORTSTATS_DB), e.g. --db "
        "support.duckdb (export files go to supportstats import FILE); if it was a "
        "warehouse, it is damaged: restore it from a backup",
    )


def _check_opened(conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """What DuckDB opened is the file itself, and (read-only) the file is whole."""
    where = conn.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    if not where or where[0][0] is None:
        # DuckDB opens an existing data file (x.csv) as an empty in-memory database
        raise _not_a_warehouse(path)
    if not read_only:
        # A writer in this process may have allocated blocks it has not written yet.
        return
    # The header counts the blocks; a file cut short (a copy or download stopped half-way)
    # lacks some, and DuckDB would only notice when a query reached them. The blocks in use
    # are the bound: free blocks at the end are cut off by DuckDB itself once rows are
    # deleted (a re-import that replaces rows, db drop-batch), and count in total_blocks.
    row = conn.execute("PRAGMA database_size").fetchall()[0]
    block_size, used_blocks = int(row[2] or 0), int(row[4] or 0)
    needed = 3 * 4096 + used_blocks * block_size
    size = os.stat(path).st_size
    if block_size > 0 and size < needed:
        raise WarehouseError(
            f"warehouse {path} is damaged: the file is cut short ({size:,} bytes of the "
            f"{needed:,} its header counts)",
            _RESTORE.format(path=path),
        )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _named_file(text: str) -> str | None:
    match = re.search(r'file "([^"]+)"', text)
    return match.group(1) if match else None


def _is_warehouse_file(name: str | None, path: Path | None) -> bool:
    """Whether DuckDB's message is about the warehouse (or its WAL), not an input file."""
    if name is None or path is None:
        return True
    try:
        named = Path(name).resolve()
        own = path.resolve()
    except OSError:
        return True
    return named in (own, own.with_name(own.name + ".wal"))


def warehouse_fault(exc: BaseException, path: str | Path | None = None) -> WarehouseError | None:
    """A :class:`WarehouseError` for a DuckDB error (``exc`` or one it was raised from) that
    says the warehouse is damaged or a write to disk failed; None for anything else (a bad
    input file, a bug). ``path`` is the warehouse, when known."""
    path = Path(path) if path is not None else None
    where = f"warehouse {path}" if path is not None else "the warehouse"
    for error in _chain(exc):
        if not is_duckdb_error(error):
            continue
        text = str(error)
        first = text.strip().splitlines()[0][:300] if text.strip() else type(error).__name__
        if any(words in text for words in _NO_SPACE):
            return WarehouseError(
                f"cannot write to {where}: {first}",
                "free some disk space (or raise the file-size limit) and run it again: the "
                "step that failed left nothing behind in the warehouse",
            )
        damaged = any(words in text for words in _DAMAGED)
        if damaged and _is_warehouse_file(_named_file(text), path):
            return WarehouseError(
                f"{where} is damaged: {first}",
                _RESTORE.format(path=path if path is not None else "the warehouse"),
            )
    return None


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the warehouse (0 for an empty database)."""
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0] or 0)


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply forward migrations in one transaction; return the resulting schema version."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise WarehouseError(
            f"warehouse schema version {version} is newer than this supportstats "
            f"(knows up to {SCHEMA_VERSION})",
            "upgrade supportstats: pip install -U supportstats",
        )
    pending = [(v, name) for v, name in migrations() if v > version]
    if not pending:
        return version
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
        )
        for v, name in pending:
            conn.execute(load_sql(name))
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", [v])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return pending[-1][0]


def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    build_facts: bool = True,
    wait: float | str | None = None,
    on_wait: Callable[[str], None] | None = _say,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at ``path`` (created and migrated when opened for writing).

    Opening for writing also builds the stored facts when the warehouse has none, has them
    from an older definition, or rows changed outside an import (``metrics.stored``);
    ``progress(what, step, steps)`` hears how far that is (``build_facts=False`` leaves them
    to the caller). Read-only connections never create or migrate; they fail with a clear
    error when the file does not exist or was written by a newer supportstats.

    While another process holds the file (an import; or, to open it for writing, any
    reader), this waits up to ``wait`` seconds (default ``$SUPPORTSTATS_WAIT``, else 300; 0
    fails at once) and tells ``on_wait`` once per holder who it is (default: a line on
    stderr), then raises :class:`WarehouseBusy`. Readers should close the connection as
    soon as they have read: an import waits for every one of them.
    """
    path = Path(path) if path is not None else default_db_path()
    seconds = wait_seconds(wait)
    _check_path(path, read_only)
    conn = _connect(path, read_only, seconds, on_wait)
    try:
        _check_opened(conn, path, read_only)
        conn.execute("SET TimeZone = 'UTC'")
        # Our own progress bar (rich, on stderr) replaces DuckDB's terminal one. In a Jupyter
        # kernel without ipywidgets DuckDB refuses the setting; its bar is off there anyway.
        try:
            conn.execute("SET enable_progress_bar = false")
        except duckdb.InvalidInputException:
            pass
        if read_only:
            version = current_version(conn)
            if version != SCHEMA_VERSION:
                raise WarehouseError(
                    f"warehouse {path} has schema version {version}, expected {SCHEMA_VERSION}",
                    "open it once for writing (e.g. supportstats db rebuild-facts) to migrate it",
                )
        else:
            migrate(conn)
            if build_facts:
                _ensure_facts(conn, progress)
    except BaseException as exc:
        conn.close()
        fault = warehouse_fault(exc, path) if not isinstance(exc, WarehouseError) else None
        if fault is not None:
            raise fault from None
        raise
    return conn


def _ensure_facts(
    conn: duckdb.DuckDBPyConnection, progress: Callable[[str, int, int], None] | None = None
) -> None:
    # imported here: the metrics package is not needed to open a warehouse for reading
    from supportstats.metrics import stored

    stored.ensure(conn, progress)


@contextmanager
def open_warehouse(
    path: str | Path | None = None, *, read_only: bool = False, **options: Any
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around :func:`connect` (same options) that always closes the
    connection. A DuckDB error inside the block that says the warehouse is damaged or the
    disk is full comes out as a :class:`WarehouseError` (:func:`warehouse_fault`)."""
    where = Path(path) if path is not None else default_db_path()
    conn = connect(where, read_only=read_only, **options)
    try:
        yield conn
    except Exception as exc:
        fault = warehouse_fault(exc, where) if not isinstance(exc, WarehouseError) else None
        if fault is not None:
            raise fault from None
        raise
    finally:
        conn.close()


def setting_bytes(text: str) -> int:
    """'2.5GB', '18.6 GiB', '512 MiB' as bytes (an unknown form counts as unlimited)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)(i?)B?\s*", text, re.IGNORECASE)
    if not match:
        return 1 << 62
    base = 1024 if match.group(3) else 1000
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * base**power)


@contextmanager
def memory_budget(conn: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """Lower DuckDB's ``memory_limit`` to ``limit`` while the block runs (never raise it), so
    big operators spill to disk instead of growing with the warehouse; then put back the value
    before (exactly: RESET when it was the default). In an aborted transaction DuckDB refuses
    the SET, and the connection keeps the budget."""

    before = memory_limit(conn)
    if setting_bytes(limit) >= setting_bytes(before):
        yield
        return
    conn.execute(f"set memory_limit = '{setting_bytes(limit)}B'")
    try:
        yield
    finally:
        try:
            restore_memory_limit(conn, before)
        except duckdb.Error:
            pass  # the caller restores after its rollback (restore_memory_limit)


def memory_limit(conn: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's memory_limit as it prints it."""
    return str(conn.execute("select current_setting('memory_limit')").fetchall()[0][0])


def restore_memory_limit(conn: duckdb.DuckDBPyConnection, before: str) -> None:
    """Put ``memory_limit`` back to ``before`` (as :func:`memory_limit` gave it), exactly:
    RESET when it was the default. Outside a failed transaction only."""
    if memory_limit(conn) == before:
        return
    conn.execute("reset memory_limit")
    if memory_limit(conn) != before:
        conn.execute(f"set memory_limit = '{setting_bytes(before)}B'")


def memory_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the full schema (for tests and notebooks)."""
    conn = duckdb.connect(":memory:")
    conn.execute("SET TimeZone = 'UTC'")
    migrate(conn)
    _ensure_facts(conn)
    return conn
