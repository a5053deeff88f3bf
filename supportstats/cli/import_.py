"""``supportstats import``: load export files into the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    DbOption,
    OutputFormat,
    WaitOption,
    emit_frame,
    emit_json,
    facts_progress,
    is_interrupt,
    print_error,
    reports_errors,
    stderr,
)
from supportstats.errors import (
    InputFileError,
    Interrupted,
    SupportStatsError,
    WarehouseError,
    is_duckdb_error,
)

# The importers (pandas, pyarrow, duckdb) and the warehouse are imported inside the functions
# that use them, never at module level: `supportstats --help` must start fast.
if TYPE_CHECKING:
    from supportstats.importers import ImportOptions, ImportResult

# The names of supportstats.importers.sources(), written out: listing them there imports every
# importer. tests/test_cli.py checks that the two agree.
SOURCES = (
    "bank_calls",
    "bank_calls_5min",
    "chatwoot",
    "freshdesk",
    "generic",
    "intercom",
    "livechat",
    "servicenow",
    "twcs",
    "zendesk",
    "zendesk_chat",
)


def _source_help() -> str:
    return "Force the source instead of detecting it: " + ", ".join(SOURCES) + "."


def import_command(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="FILE",
        help="Export files: CSV, TSV, JSON, JSON Lines or Parquet, optionally .gz.",
    ),
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    source: str | None = typer.Option(None, "--source", "-s", help=_source_help()),
    entity: str | None = typer.Option(
        None,
        "--entity",
        help="Generic format only: what each file holds (conversation, message, event, "
        "engagement, rating, agent_status, agent, schedule, holiday). Default: from its columns.",
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="TOML file mapping your column names to ours."
    ),
    timezone: str | None = typer.Option(
        None,
        "--timezone",
        "--tz",
        help="Time zone of naive (offset-less) timestamps "
        "(default: the source's own, e.g. Israel for bank_calls, else UTC).",
    ),
    keep_extra: bool = typer.Option(
        False, "--keep-extra", help="Keep unknown columns in the raw JSON column."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Refuse a whole file if any row would be rejected."
    ),
    source_system: str | None = typer.Option(
        None, "--source-system", help="Label stored with every row (default: the source name)."
    ),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Import the file again even if it was imported with the same options: the "
        "earlier batches of the same content are dropped and the file loaded anew, in one "
        "transaction.",
    ),
    pseudonymise: bool = typer.Option(
        False,
        "--pseudonymise",
        help="Store keyed pseudonyms instead of customers' names, e-mails, phones and ids and "
        "agents' names and e-mails, and drop message bodies, subjects, rating comments and raw "
        "records; the metrics stay the same. The key comes from --pseudonym-key-file or "
        "SUPPORTSTATS_PSEUDONYM_KEY and is never stored.",
    ),
    key_file: Path | None = typer.Option(
        None,
        "--pseudonym-key-file",
        help="File holding the secret key of --pseudonymise (16 characters or more). The same "
        "key gives the same pseudonym for a person in every file.",
    ),
    keep_text: bool = typer.Option(
        False,
        "--keep-text",
        help="With --pseudonymise: keep message bodies, subjects and rating comments.",
    ),
    keep_implausible: bool = typer.Option(
        False,
        "--keep-implausible",
        help="Load rows whose times are implausible instead of rejecting them: a time before "
        "1970-01-02 or more than a day after the import, or a span in the row running "
        "backwards by more than a minute (resolved before created, an agent stretch ending "
        "before it started, ...). The metrics leave backwards spans out either way.",
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="table, csv or json summary per file."
    ),
) -> None:
    """Import export files into the warehouse; every row is loaded, rejected or skipped.

    Each file is one transaction: a failure leaves the warehouse as it was. Rows with a
    defect are rejected (supportstats db rejects: line, column, reason); rows a documented
    rule of their source leaves out, such as the bank log's PHANTOM calls, are skipped
    (supportstats db rejects --skipped: the rule). rows_read = loaded + rejected + skipped.

    A time outside 1970-01-02 .. a day after the import, or a span in a row that runs
    backwards (resolved before created), rejects its row; --keep-implausible loads it.

    An import is the file's content and the options that change its rows (--source,
    --entity, --timezone, --mapping content, --keep-extra, --source-system,
    --keep-implausible). The same file
    with the same options changes nothing. With other options it is imported again and
    replaces its earlier import (that batch is dropped in the same transaction), so its rows
    are in the warehouse once; --replace does so even with the same options. Rows of other
    files are upserted by their source id.

    While another command has the warehouse open (DuckDB lets one process write, or many
    read), the import says which and waits for it (--wait); a report started during the
    import likewise waits for it, then shows the new rows (the dashboard shows the figures
    it had until then).

    Exit codes: 0 no row rejected (skipped rows are fine); 1 some rows rejected; 2 a file
    refused;
    3 the warehouse busy past --wait, damaged or out of disk space; 130 interrupted (Ctrl-C:
    the file being imported leaves nothing, the files before it stay imported).

    Examples:

      supportstats import conversations.csv messages.csv ratings.csv

      supportstats import tickets.csv --mapping helpdesk.toml --timezone Europe/Madrid

      supportstats import naive.csv --timezone Europe/Madrid   # corrects an earlier import

      supportstats import export.json.gz --source zendesk --replace --format json

      supportstats import tickets.json --pseudonymise --pseudonym-key-file ~/pseudonym.key
    """
    from supportstats.config import default_db_path
    from supportstats.db import connect, warehouse_fault
    from supportstats.importers import ImportOptions

    # ImportOptions checks its values (an unknown --timezone) before the warehouse is opened
    options = ImportOptions(
        source=source,
        entity=entity,
        timezone=timezone,
        mapping=mapping,
        keep_extra=keep_extra,
        strict=strict,
        source_system=source_system,
        replace=replace,
        pseudonymise=_pseudonymisation(pseudonymise, key_file, keep_text),
        keep_implausible=keep_implausible,
    )
    where = db or default_db_path()
    conn = connect(where, progress=facts_progress(), wait=wait)
    results: list[ImportResult] = []
    failures: list[SupportStatsError] = []
    # One file updates the stored facts in its own transaction. Several files would each
    # recompute the conversations they share (a conversations file, then its messages, ...),
    # so they are updated once after the last; in between, readers compute on demand.
    several = len(paths) > 1
    current: Path | None = None
    try:
        # one file's import checks and keeps its facts itself (importers.import_file)
        facts_were_current = several and _facts_current(conn)
        for path in _files_first(paths):
            current = path
            try:
                results.append(_import_one(conn, path, options, keep_facts=not several))
            except WarehouseError:
                raise
            except SupportStatsError as exc:
                # an importer may blame the file for what the warehouse did (a full disk)
                fault = warehouse_fault(exc, where)
                if fault is not None:
                    fault.message += f"; nothing from {path} was kept"
                    raise fault from None
                failures.append(exc)
                print_error(exc)
        current = None
        if several:
            _update_facts(conn, [r.batch_id for r in results if not r.skipped],
                          facts_were_current)  # fmt: skip
    except BaseException as exc:
        stopped = _stopped(exc, where, current, [r for r in results if not r.skipped])
        if stopped is None:
            raise
        raise stopped from None
    finally:
        conn.close()
    _report(results, fmt)
    if failures:
        raise typer.Exit(code=2)
    if any(r.rows_rejected for r in results if not r.skipped):
        raise typer.Exit(code=1)


def _stopped(
    exc: BaseException, where: Path, current: Path | None, imported: list[ImportResult]
) -> SupportStatsError | None:
    """What to tell the user when the import stopped on ``exc`` part-way (None: let it
    through). Each file is one transaction: the one interrupted or refused by the disk
    leaves nothing, the files before it stay imported."""
    if isinstance(exc, SupportStatsError):
        return None
    before = f"; the {len(imported)} file(s) before it stay imported" if imported else ""
    if is_interrupt(exc):
        if current is None:
            return Interrupted(
                "interrupted while updating the stored facts; the files were imported",
                "reports compute the facts on demand until the next import (or supportstats "
                "db rebuild-facts) stores them again",
            )
        return Interrupted(
            f"interrupted while importing {current}; nothing from it was kept{before}",
            "the warehouse is as it was before that file: run the same import again "
            "(files already imported are skipped)",
        )
    if not isinstance(exc, Exception) or not is_duckdb_error(exc):
        return None
    from supportstats.db import warehouse_fault

    fault = warehouse_fault(exc, where)
    if fault is not None:
        if current is not None:
            fault.message += f"; nothing from {current} was kept{before}"
        return fault
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return WarehouseError(
        f"importing {current or 'the files'} failed in warehouse {where}: {first}",
        "the file's transaction was rolled back; run the import again, and supportstats db "
        "check if it fails again",
    )


def _pseudonymisation(wanted: bool, key_file: Path | None, keep_text: bool):  # noqa: ANN202
    from supportstats.errors import OptionError
    from supportstats.privacy import Pseudonymisation, read_key

    if not wanted:
        if key_file is not None or keep_text:
            raise OptionError(
                "--pseudonym-key-file and --keep-text only apply with --pseudonymise",
                "add --pseudonymise, or leave those options out",
            )
        return None
    return Pseudonymisation(read_key(key_file), keep_text=keep_text)


def _files_first(paths: list[Path]) -> list[Path]:
    # Conversations before their children, so a reader sees parents first; others keep order.
    return sorted(paths, key=lambda p: 0 if "conversation" in p.name.lower() else 1)


def _facts_current(conn) -> bool:  # noqa: ANN001 - a DuckDB connection
    from supportstats.metrics import stored

    return stored.is_current(conn)


def _update_facts(conn, batch_ids: list[int], were_current: bool) -> None:  # noqa: ANN001
    """The stored facts of the conversations these batches touched, in one transaction."""
    import time

    from supportstats.metrics import stored

    if not batch_ids:
        return
    started = time.perf_counter()
    with stderr.status("Updating the stored facts...", spinner="dots"):
        n = stored.refresh(conn, batch_ids, were_current, own=True)
    if n:
        stderr.print(
            f"Stored facts updated for {n:,} conversations ({time.perf_counter() - started:.1f} s)"
        )


def _import_one(conn, path: Path, options: ImportOptions, keep_facts: bool = True) -> ImportResult:
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from supportstats.importers import import_file
    from supportstats.importers._pipeline import describe_reject

    with Progress(
        TextColumn("{task.description}", markup=False),  # a file name is never markup
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    ) as bar:
        task = bar.add_task(f"{path.name}", total=1.0)

        def on_progress(fraction: float, label: str) -> None:
            bar.update(task, completed=fraction, description=f"{path.name}: {label}")

        result = import_file(conn, path, options, progress=on_progress, keep_facts=keep_facts)
    if result.skipped:
        stderr.print(
            f"{path}: already imported as batch {result.batch_id} (same content, same "
            "options); nothing changed. Other options (e.g. --timezone) import it again; "
            "--replace does so with these."
        )
    else:
        skipped = f", {result.rows_skipped:,} skipped by rule" if result.rows_skipped else ""
        stderr.print(
            f"{path}: {result.rows_loaded:,} of {result.rows_read:,} {result.entity} rows loaded"
            f", {result.rows_rejected:,} rejected{skipped} (batch {result.batch_id}, "
            f"{result.seconds:.1f} s)"
        )
        _say_replaced(path, result)
        for note in result.notes:
            stderr.print(f"{path}: {note}", markup=False)
        if result.rows_skipped:
            stderr.print(
                f"{path}: {result.rows_skipped:,} row(s) left out by a documented rule of the "
                f"source; see them with: supportstats db rejects --skipped --batch "
                f"{result.batch_id}"
            )
        if result.rows_rejected:
            print_error(
                InputFileError(
                    f"{result.rows_rejected:,} row(s) rejected, first at "
                    + describe_reject(path, result.first_reject),
                    f"see them all with: supportstats db rejects --batch {result.batch_id}",
                )
            )
    return result


def _say_replaced(path: Path, result: ImportResult) -> None:
    """Tell what a re-import of the same content did to the earlier batches."""
    if result.replaced:
        ids = ", ".join(str(b) for b in result.replaced)
        why = (
            "other options: " + "; ".join(result.changed)
            if result.changed
            else "same options, --replace"
        )
        stderr.print(
            f"{path}: imported before as batch {ids} ({why}); batch {ids} dropped, its rows "
            f"replaced by batch {result.batch_id}"
        )
    for batch, entity in result.also_imported_as:
        stderr.print(
            f"{path}: batch {batch} loaded the same file as {entity or 'other'} rows and is "
            f"kept (drop it with: supportstats db drop-batch {batch})"
        )


def _report(results: list[ImportResult], fmt: OutputFormat) -> None:
    if not results:
        return
    if fmt is OutputFormat.json:
        emit_json([r.summary() for r in results])
        return
    import pandas as pd

    rows = [
        {**r.summary(), "replaced_batches": ", ".join(str(b) for b in r.replaced)} for r in results
    ]
    emit_frame(pd.DataFrame(rows), fmt, title="Imported")


def register(app: typer.Typer) -> None:
    """Add ``import`` to the main app."""
    app.command("import", no_args_is_help=True)(reports_errors(import_command))
