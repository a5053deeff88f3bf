"""``supportstats db``: what is in the warehouse, and what was rejected."""

from __future__ import annotations

from pathlib import Path

import typer

from supportstats.cli._common import (
    DbOption,
    FormatOption,
    OutputFormat,
    RawCsvOption,
    emit_frame,
    emit_json,
    facts_progress,
    records,
    reports_errors,
    stderr,
)
from supportstats.errors import OptionError, WarehouseError

# The warehouse modules (duckdb, pandas) are imported inside the commands that use them,
# never at module level: `supportstats --help` must start fast.

db_app = typer.Typer(
    help="Look inside the warehouse: tables, import batches, rejected rows, stored facts.",
    no_args_is_help=True,
)


@db_app.command("info")
@reports_errors
def info(db: Path | None = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """Tables with row counts, import batches and reject totals.

    Example: supportstats db info --db support.duckdb --format json
    """
    from supportstats.db import open_warehouse
    from supportstats.warehouse_info import batches, table_counts

    # read-only: looking never creates a warehouse (a typo in --db is an error, not a file)
    with open_warehouse(db, read_only=True) as conn:
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
    raw_csv: bool = RawCsvOption,
) -> None:
    """Rows that could not be loaded, with file, line, column and reason.

    Example: supportstats db rejects --batch 3 --format csv > rejects.csv
    """
    from supportstats.db import open_warehouse
    from supportstats.warehouse_info import rejects

    if limit < 0:
        raise OptionError(
            f"--limit {limit} is negative", "give a number of rows, or --limit 0 for all of them"
        )
    with open_warehouse(db, read_only=True) as conn:
        frame = rejects(conn, batch=batch, limit=limit or None)
    if frame.empty:
        stderr.print(
            "No rejected rows." if batch is None else f"No rejected rows in batch {batch}."
        )
    emit_frame(frame, fmt, title="Rejected rows", raw_csv=raw_csv)


@db_app.command("rebuild-facts")
@reports_errors
def rebuild_facts(db: Path | None = DbOption) -> None:
    """Recompute the stored facts (conversations, agent stretches, ratings) from scratch.

    Imports keep the facts up to date on their own; run this after writing rows into the
    warehouse by other means, or when `supportstats db check` reports drift. Readers keep
    working on the old facts until it finishes.

    Example: supportstats db rebuild-facts --db support.duckdb
    """
    import time

    from supportstats.config import default_db_path
    from supportstats.db import open_warehouse
    from supportstats.metrics import stored

    path = db or default_db_path()
    if not path.exists():
        raise WarehouseError(
            f"warehouse {path} does not exist",
            "import some data first: supportstats import FILE --db " + str(path),
        )
    started = time.perf_counter()
    with open_warehouse(path, build_facts=False) as conn:
        stored.rebuild(conn, facts_progress())
        counts = [
            (t.name, conn.execute(f"select count(*) from {t.name}").fetchall()[0][0])
            for t in stored.ALL_TABLES
        ]
    summary = ", ".join(f"{name} {n:,}" for name, n in counts)
    stderr.print(f"Stored facts rebuilt in {time.perf_counter() - started:.1f} s: {summary}.")


@db_app.command("check")
@reports_errors
def check(db: Path | None = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """Compare the stored facts with the same facts computed from scratch.

    Prints one row per fact table with the rows only stored (stale) and only computed
    (missing); exits 1 when any differ (fix it with `supportstats db rebuild-facts`) and 0
    when they agree. Takes about as long as a rebuild.

    Example: supportstats db check --format json
    """
    import pandas as pd

    from supportstats.db import open_warehouse
    from supportstats.metrics import stored

    with open_warehouse(db, read_only=True) as conn:
        current = stored.is_current(conn)
        try:
            drift = stored.check(conn)
        except LookupError:
            raise WarehouseError(
                "the warehouse has no stored facts",
                "open it for writing once (e.g. supportstats db rebuild-facts) to build them",
            ) from None
    frame = pd.DataFrame(
        [(d.table, d.stored_rows, d.only_stored, d.only_computed) for d in drift],
        columns=["table", "stored_rows", "only_stored", "only_computed"],
    )
    emit_frame(frame, fmt, title="Stored facts against a recomputation")
    bad = [d.table for d in drift if not d.ok]
    if bad:
        stderr.print(
            f"Error: stored facts differ from a recomputation in {', '.join(bad)}\n"
            "Hint: run supportstats db rebuild-facts"
        )
        raise typer.Exit(code=1)
    note = "" if current else " (they will be rebuilt: the data changed outside an import)"
    stderr.print(f"Stored facts agree with a recomputation{note}.")


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group to the main app."""
    app.add_typer(db_app, name="db")
