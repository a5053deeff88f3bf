"""``supportstats db``: what is in the warehouse, what was rejected or skipped, and taking an
import batch out again."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from supportstats.cli._common import (
    DbOption,
    FormatOption,
    OutputFormat,
    RawCsvOption,
    WaitOption,
    emit_frame,
    emit_json,
    facts_progress,
    records,
    reports_errors,
    rich_table,
    stderr,
)
from supportstats.errors import OptionError, WarehouseError

# The warehouse modules (duckdb, pandas) are imported inside the commands that use them,
# never at module level: `supportstats --help` must start fast.

db_app = typer.Typer(
    help="Look inside the warehouse: tables, import batches, rejected and skipped rows, "
    "stored facts; drop an import batch; export it as a Parquet lake.",
    no_args_is_help=True,
)


@db_app.command("info")
@reports_errors
def info(
    db: Path | None = DbOption,
    fmt: OutputFormat = FormatOption,
    wait: str | None = WaitOption,
) -> None:
    """Tables with row counts, import batches, reject totals and date coverage per source.

    Example: supportstats db info --db support.duckdb --format json
    """
    from supportstats.db import open_warehouse
    from supportstats.warehouse_info import batches, coverage, table_counts

    # read-only: looking never creates a warehouse (a typo in --db is an error, not a file)
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        tables = table_counts(conn)
        batch_frame = batches(conn)
        covered = coverage(conn)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "tables": dict(zip(tables["table"], tables["rows"].astype(int), strict=True)),
                "batches": records(batch_frame),
                "rows_rejected": int(batch_frame["rows_rejected"].sum()) if len(batch_frame) else 0,
                "rows_skipped": int(batch_frame["rows_skipped"].sum()) if len(batch_frame) else 0,
                "coverage": records(covered),
            }
        )
        return
    emit_frame(tables, fmt, title="Tables")
    if fmt is OutputFormat.table:
        emit_frame(batch_frame, fmt, title="Import batches")
        emit_frame(covered, fmt, title="Coverage per source")


@db_app.command("rejects")
@reports_errors
def rejects_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    batch: int | None = typer.Option(None, "--batch", "-b", help="Only this import batch."),
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many rows (0 = all)."),
    skipped: bool = typer.Option(
        False,
        "--skipped",
        help="List the rows skipped by a documented rule of their source (e.g. the bank "
        "log's PHANTOM calls), with the rule, instead of the rejected ones.",
    ),
    summary: bool = typer.Option(
        False,
        "--summary",
        help="Count the rows per batch, entity, column and reason (most first) instead of "
        "listing them; rejected and skipped together unless --skipped.",
    ),
    fmt: OutputFormat = FormatOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Rows that could not be loaded, with file, line, column and reason.

    Rejected rows have a defect (a bad date, a missing id): fix them and import the file
    again. With --skipped: rows a documented rule of their source leaves out, which need
    no fixing; the rule column says which rule.

    Examples:

      supportstats db rejects --batch 3 --format csv > rejects.csv

      supportstats db rejects --skipped --batch 1

      supportstats db rejects --summary
    """
    from supportstats.db import open_warehouse
    from supportstats.warehouse_info import reject_reasons, rejects

    if limit < 0:
        raise OptionError(
            f"--limit {limit} is negative", "give a number of rows, or --limit 0 for all of them"
        )
    if summary:
        with open_warehouse(db, read_only=True, wait=wait) as conn:
            frame = reject_reasons(
                conn, batch=batch, skipped=True if skipped else None, limit=limit or None
            )
        if frame.empty:
            stderr.print("No rejected or skipped rows." if not skipped else "No skipped rows.")
        emit_frame(frame, fmt, title="Rejected and skipped rows per reason", raw_csv=raw_csv)
        return
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        frame = rejects(conn, batch=batch, limit=limit or None, skipped=skipped)
    what = "skipped" if skipped else "rejected"
    if frame.empty:
        stderr.print(f"No {what} rows." if batch is None else f"No {what} rows in batch {batch}.")
    if skipped:
        frame = frame.rename(columns={"reason": "rule"})
    emit_frame(frame, fmt, title=f"{what.capitalize()} rows", raw_csv=raw_csv)


@db_app.command("drop-batch")
@reports_errors
def drop_batch(
    batch_ids: list[int] = typer.Argument(
        ..., metavar="BATCH...", help="Import batch ids, as `supportstats db info` lists them."
    ),
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would be removed, table by table; change nothing."
    ),
    yes: bool = typer.Option(
        False,
        "--yes",
        "-y",
        help="Drop without asking (needed when stdin is not a terminal, e.g. in scripts).",
    ),
    fmt: OutputFormat = FormatOption,
) -> None:
    """Remove what import batches loaded: their rows in every table, their rejected and
    skipped rows and their import record, in one transaction.

    A batch's rows are those still stamped with its id: rows a later import replaced (same
    source id) belong to that import and stay; rows this batch had replaced from earlier
    imports are not brought back (import that earlier file again). Agents, teams, queues and
    contacts it created that rows of other batches still name are kept ("kept" column). The
    stored facts are updated in the same transaction. Prints each table's rows before,
    removed and after; asks for confirmation unless --yes. To re-import a file with other
    options, import it again with those options: the earlier batch is replaced.

    Examples:

      supportstats db drop-batch 3 --dry-run

      supportstats db drop-batch 3 4 --yes --format json
    """
    import sys
    import time

    from supportstats.batches import drop_batches, plan
    from supportstats.config import default_db_path
    from supportstats.db import open_warehouse

    ids = sorted(set(batch_ids))
    if any(b <= 0 for b in ids):
        raise OptionError(
            f"batch id {min(ids)} is not a batch: ids are 1, 2, ...",
            "list the batches with: supportstats db info",
        )
    path = db or default_db_path()
    # looking first, read-only: a dry run or a refusal changes nothing, not even the facts
    with open_warehouse(path, read_only=True, wait=wait) as conn:
        planned = plan(conn, ids)
    label = _batches_label(planned.batches)
    if dry_run:
        planned.dry_run = True
        _emit_drop(planned, fmt, f"{label}: would remove (dry run, nothing changed)")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise OptionError(
                f"db drop-batch would remove {sum(t.removed for t in planned.tables):,} rows "
                f"of {label} and needs a confirmation, but stdin is not a terminal",
                "add --yes to drop it, or --dry-run to see what it would remove",
            )
        # on stderr, with the question: stdout keeps only the result (--format json > file)
        stderr.print(rich_table(_drop_frame(planned), title=f"{label}: would remove"))
        if not typer.confirm(f"Drop {label}?", default=False, err=True):
            stderr.print("Nothing dropped.")
            raise typer.Exit(code=1)
    started = time.perf_counter()
    with open_warehouse(path, progress=facts_progress(), wait=wait) as conn:
        done = drop_batches(conn, ids)
    _emit_drop(done, fmt, f"{label}: removed")
    seconds = time.perf_counter() - started
    stderr.print(
        f"Dropped {label}: {sum(t.removed for t in done.tables):,} rows removed; stored facts "
        f"updated for {done.facts_recomputed:,} conversations ({seconds:.1f} s)."
    )


def _batches_label(batches: list[dict]) -> str:
    """'batch 3 (tickets.csv)' or 'batches 3, 4 (a.csv, b.csv)'."""
    ids = ", ".join(str(b["batch_id"]) for b in batches)
    files = ", ".join(Path(str(b["file"])).name for b in batches)
    return f"batch{'es' if len(batches) > 1 else ''} {ids} ({files})"


def _drop_frame(drop):  # noqa: ANN001, ANN202 - a BatchDrop -> DataFrame
    import pandas as pd

    return pd.DataFrame(
        [t.as_dict() for t in drop.tables], columns=["table", "before", "removed", "after", "kept"]
    )


def _emit_drop(drop, fmt: OutputFormat, title: str) -> None:  # noqa: ANN001 - a BatchDrop
    if fmt is OutputFormat.json:
        emit_json(drop.as_dict())
        return
    emit_frame(_drop_frame(drop), fmt, title=title)


@db_app.command("rebuild-facts")
@reports_errors
def rebuild_facts(db: Path | None = DbOption, wait: str | None = WaitOption) -> None:
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
    with open_warehouse(path, build_facts=False, wait=wait) as conn:
        stored.rebuild(conn, facts_progress())
        counts = [
            (t.name, conn.execute(f"select count(*) from {t.name}").fetchall()[0][0])
            for t in stored.ALL_TABLES
        ]
    summary = ", ".join(f"{name} {n:,}" for name, n in counts)
    stderr.print(f"Stored facts rebuilt in {time.perf_counter() - started:.1f} s: {summary}.")


@db_app.command("check")
@reports_errors
def check(
    db: Path | None = DbOption,
    fmt: OutputFormat = FormatOption,
    wait: str | None = WaitOption,
) -> None:
    """Compare the stored facts with the same facts computed from scratch.

    Prints one row per fact table with the rows only stored (stale) and only computed
    (missing); exits 1 when any differ (fix it with `supportstats db rebuild-facts`) and 0
    when they agree. Takes about as long as a rebuild.

    Example: supportstats db check --format json
    """
    import pandas as pd

    from supportstats.db import open_warehouse
    from supportstats.metrics import stored

    with open_warehouse(db, read_only=True, wait=wait) as conn:
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


class LakeFormat(str, Enum):
    """File formats ``db export`` writes a lake in."""

    parquet = "parquet"


@db_app.command("export")
@reports_errors
def export(
    directory: Path = typer.Argument(
        ..., metavar="DIR", help="Folder for the lake: new, empty, or a lake with --overwrite."
    ),
    lake_format: LakeFormat = typer.Option(
        LakeFormat.parquet, "--format", help="File format of the lake (Parquet only, for now)."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace the lake already in DIR (never another folder)."
    ),
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
) -> None:
    """Write the warehouse as a Parquet lake: every canonical table and the stored facts,
    partitioned by source system and month, with a manifest.json of the schema.

    Spark (supportstats metrics --engine spark --lake DIR) and other lake tools read it;
    so does DuckDB. The lake appears in DIR only when complete. Stored facts that are not
    current are left out (the Spark engine computes them). Layout and column types:
    docs/scale.md.

    Example: supportstats db export --format parquet lake/ --db support.duckdb
    """
    import time

    from supportstats.db import open_warehouse
    from supportstats.lake import check_target, export_lake, lake_size

    check_target(directory, overwrite)  # before waiting for the warehouse
    started = time.perf_counter()
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        manifest = export_lake(conn, directory, progress=facts_progress(), overwrite=overwrite)
    rows = sum(t.rows for t in manifest.tables.values())
    facts = "with" if manifest.facts_definition else "without (not current)"
    stderr.print(
        f"Exported {len(manifest.tables)} tables ({rows:,} rows, {facts} stored facts, "
        f"{lake_size(directory) / 1e6:,.1f} MB) to {directory} in "
        f"{time.perf_counter() - started:.1f} s."
    )


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group to the main app."""
    app.add_typer(db_app, name="db")
