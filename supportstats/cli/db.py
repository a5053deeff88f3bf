"""``supportstats db``: what is in the warehouse, and what was rejected."""

from __future__ import annotations

from pathlib import Path

import typer

from supportstats.cli._common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_frame,
    emit_json,
    records,
    reports_errors,
    stderr,
)
from supportstats.db import open_warehouse
from supportstats.warehouse_info import batches, rejects, table_counts

db_app = typer.Typer(
    help="Look inside the warehouse: tables, import batches, rejected rows.",
    no_args_is_help=True,
)


@db_app.command("info")
@reports_errors
def info(db: Path | None = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """Tables with row counts, import batches and reject totals.

    Example: supportstats db info --db support.duckdb --format json
    """
    with open_warehouse(db, read_only=_exists(db)) as conn:
        tables = table_counts(conn)
        batch_frame = batches(conn)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "tables": dict(zip(tables["table"], tables["rows"].astype(int), strict=True)),
                "batches": records(batch_frame),
                "rows_rejected": int(batch_frame["rows_rejected"].sum()) if len(batch_frame) else 0,
            }
        )
        return
    emit_frame(tables, fmt, title="Tables")
    if fmt is OutputFormat.table:
        emit_frame(batch_frame, fmt, title="Import batches")


@db_app.command("rejects")
@reports_errors
def rejects_command(
    db: Path | None = DbOption,
    batch: int | None = typer.Option(None, "--batch", "-b", help="Only this import batch."),
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many rows (0 = all)."),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Rows that could not be loaded, with file, line, column and reason.

    Example: supportstats db rejects --batch 3 --format csv > rejects.csv
    """
    with open_warehouse(db, read_only=True) as conn:
        frame = rejects(conn, batch=batch, limit=limit or None)
    if frame.empty:
        stderr.print(
            "No rejected rows." if batch is None else f"No rejected rows in batch {batch}."
        )
    emit_frame(frame, fmt, title="Rejected rows")


def _exists(db: Path | None) -> bool:
    from supportstats.db import default_db_path

    return (db or default_db_path()).exists()


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group to the main app."""
    app.add_typer(db_app, name="db")
