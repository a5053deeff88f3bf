"""What the warehouse holds: table sizes, import batches, rejected and skipped rows."""

from __future__ import annotations

import duckdb
import pandas as pd

from supportstats.sql import load_sql


def table_counts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per canonical table: ``table``, ``rows``."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' "
            "AND table_name <> 'schema_version' ORDER BY table_name"
        ).fetchall()
    ]
    counts = [
        (name, int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]))
        for name in names
    ]
    return pd.DataFrame(counts, columns=["table", "rows"])


def batches(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import batch, oldest first."""
    return conn.execute(load_sql("views/import_batches.sql")).df()


def rejects(
    conn: duckdb.DuckDBPyConnection,
    *,
    batch: int | None = None,
    limit: int | None = 50,
    skipped: bool = False,
) -> pd.DataFrame:
    """Rejected rows with their file, line, column, reason and raw text; with ``skipped``,
    the rows a documented rule of their source left out instead (the reason is the rule)."""
    return conn.execute(
        load_sql("views/import_rejects.sql"),
        {"batch": batch, "limit": limit, "skipped": skipped},
    ).df()


def reject_reasons(
    conn: duckdb.DuckDBPyConnection,
    *,
    batch: int | None = None,
    skipped: bool | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Rejected and skipped rows counted per batch, entity, column and reason, most first:
    ``batch_id``, ``file``, ``entity``, ``kind`` (rejected or skipped), ``column``,
    ``reason``, ``rows``, ``first_line``; of one ``batch`` or all. ``skipped`` False or True
    keeps one kind."""
    return conn.execute(
        load_sql("views/reject_reasons.sql"),
        {"batch": batch, "skipped": skipped, "limit": limit},
    ).df()


def coverage(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Date coverage per source system: ``conversations``, ``first_created_at``,
    ``last_created_at``, ``days_with_conversations`` (UTC days), and its import batches with
    rows loaded, rejected and skipped and the last import time."""
    return conn.execute(load_sql("views/source_coverage.sql")).df()
