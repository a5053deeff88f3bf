"""Open the DuckDB warehouse, create or migrate its schema, and hand out connections.

Writers (imports) open the file read-write; readers (dashboard, reports) open it read-only so
an import can run while managers browse. DuckDB allows a single writer process, so a second
writer gets a :class:`WarehouseError` that says so instead of DuckDB's raw lock message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from supportstats.config import DEFAULT_DB, ENV_DB, default_db_path  # noqa: F401 (re-exported)
from supportstats.errors import WarehouseError
from supportstats.sql import load_sql, sql_names


def migrations() -> list[tuple[int, str]]:
    """(version, sql file name) of every schema migration, in order."""
    found = []
    for name in sql_names("schema"):
        match = re.match(r"schema/(\d+)_", name)
        if match:
            found.append((int(match.group(1)), name))
    return found


SCHEMA_VERSION = migrations()[-1][0]


# DuckDB reads these as an in-memory database, a MotherDuck service or a remote file, which
# it would fetch an extension for: a warehouse is a local file
# (Path turns "s3://b/x" into "s3:/b/x"; a one-letter scheme is a Windows drive)
_NOT_A_FILE = re.compile(r"^(:memory:.*|md:.*|motherduck:.*|[a-zA-Z][a-zA-Z0-9+.-]+:/.*)$")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if _NOT_A_FILE.match(str(path)):
        raise WarehouseError(
            f"--db {path} is not a file: supportstats keeps the warehouse in a local DuckDB "
            "file (an in-memory database would keep nothing, and remote ones are not read)",
            "pass a file path to --db (or SUPPORTSTATS_DB), e.g. --db support.duckdb",
        )
    if path.is_dir():
        raise WarehouseError(
            f"{path} is a directory, not a DuckDB file",
            "pass a file path to --db, e.g. --db support.duckdb",
        )
    if read_only and not path.exists():
        raise WarehouseError(
            f"warehouse {path} does not exist",
            "import some data first: supportstats import FILE --db " + str(path),
        )
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise WarehouseError(
                f"warehouse {path} is locked: another process has it open",
                "wait for that import or dashboard to finish (DuckDB allows one writer, or "
                "many readers, at a time), or use another --db file",
            ) from None
        raise WarehouseError(
            f"cannot open warehouse {path}: {text.splitlines()[0]}",
            "check that the file is a DuckDB database and that you may read and write it",
        ) from None
    except duckdb.Error as exc:
        raise WarehouseError(
            f"cannot open warehouse {path}: {str(exc).splitlines()[0]}",
            "check that the file is a DuckDB database created by supportstats",
        ) from None


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
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at ``path`` (created and migrated when opened for writing).

    Opening for writing also builds the stored facts when the warehouse has none, has them
    from an older definition, or rows changed outside an import (``metrics.stored``);
    ``progress(what, step, steps)`` hears how far that is (``build_facts=False`` leaves them
    to the caller). Read-only connections never create or migrate; they fail with a clear
    error when the file does not exist or was written by a newer supportstats.
    """
    path = Path(path) if path is not None else default_db_path()
    conn = _open(path, read_only)
    try:
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
    except BaseException:
        conn.close()
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
    connection."""
    conn = connect(path, read_only=read_only, **options)
    try:
        yield conn
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
