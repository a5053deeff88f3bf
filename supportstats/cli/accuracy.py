"""``supportstats forecast-accuracy``: rolling-origin accuracy of the forecast.

Thin command: read the history, call :func:`supportstats.planning.accuracy.rolling_accuracy`,
render. Definitions: docs/staffing.md, "Forecast accuracy (rolling origin)".
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    DbOption,
    OutputFormat,
    WaitOption,
    reports_errors,
    stderr,
)
from supportstats.cli.plan import OutputOption, _check_output, _emit, _timedelta
from supportstats.errors import OptionError
from supportstats.planning.targets import DEFAULT_INTERVAL, DEFAULT_WEEKS

if TYPE_CHECKING:
    import pandas as pd


class HistorySource(StrEnum):
    """Where the volume history comes from."""

    auto = "auto"
    contacts = "contacts"
    counts = "counts"


def _horizons(value: str) -> list[pd.Timedelta]:
    parts = [p for p in value.split(",") if p.strip()]
    if not parts:
        raise OptionError(f"--horizons {value!r} names no horizon", "use e.g. 1d,7d,14d")
    return [_timedelta(p, "--horizons") for p in parts]


def _history(
    db: Path | None,
    wait: str | None,
    queue: str | None,
    source: HistorySource,
    step: pd.Timedelta,
    keep_weeks: int,
) -> pd.DataFrame:
    """Volume per interval: from contacts (the last ``keep_weeks`` weeks and a bit: a stray
    contact from year 1 stretches nothing), or from aggregate counts (a count-only source)."""
    from supportstats.db import open_warehouse
    from supportstats.planning.aggregate_history import aggregate_counts, interval_counts
    from supportstats.planning.forecast import interval_history, recent_contacts
    from supportstats.planning.history import contact_history

    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = None if source is HistorySource.counts else contact_history(conn, queue)
        use_counts = source is HistorySource.counts or (
            source is HistorySource.auto and contacts.empty and queue is None
        )
        counts = aggregate_counts(conn) if use_counts else None
    if counts is not None:
        if source is HistorySource.auto:
            stderr.print("Note: no contacts in the warehouse; evaluating the aggregate counts")
        return interval_counts(counts, step)
    contacts, note = recent_contacts(contacts, weeks=keep_weeks)
    if note:
        stderr.print(f"Note: {note}")
    if contacts.empty:
        where = f" for queue {queue}" if queue else ""
        raise OptionError(
            f"no contacts in the warehouse{where}",
            "import contacts first, check --queue, or use --history counts",
        )
    return interval_history(contacts, step)


@reports_errors
def forecast_accuracy(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    queue: str | None = typer.Option(None, "--queue", help="Only this queue_key."),
    interval: str = typer.Option(
        DEFAULT_INTERVAL, "--interval", help="Interval length, e.g. 15min, 30min."
    ),
    horizons: str = typer.Option(
        "1d,7d,14d", "--horizons", help="Comma-separated; each scores its last day."
    ),
    weeks: int = typer.Option(
        DEFAULT_WEEKS, "--weeks", help="Weeks in the profile and the seasonal mean (1-260)."
    ),
    origins: int = typer.Option(28, "--origins", help="Forecast origins per horizon (days)."),
    history: HistorySource = typer.Option(
        HistorySource.auto,
        "--history",
        help="contacts, counts (aggregate-only imports) or auto (contacts, else counts).",
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    output: Path | None = OutputOption,
) -> None:
    """Rolling-origin WAPE and MASE of the forecast against two seasonal baselines.

    For each of the last --origins midnights, every model is fitted on the history before
    it and scored on the last day of each horizon. MASE below 1: better than last week's
    pattern did in-sample. One row per model and horizon.

    Example: supportstats forecast-accuracy --db support.duckdb --horizons 1d,7d,14d --origins 28
    """
    from supportstats.planning.accuracy import MAX_ORIGINS, rolling_accuracy
    from supportstats.planning.forecast import MAX_WEEKS, check_interval, check_weeks

    step = _timedelta(interval, "--interval")
    check_interval(step, "--interval")
    aheads = _horizons(horizons)
    check_weeks(weeks, "--weeks")
    if not 1 <= origins <= MAX_ORIGINS:
        raise OptionError(f"--origins {origins} is outside 1 to {MAX_ORIGINS}", "e.g. --origins 28")
    if queue is not None and history is HistorySource.counts:
        # counts are one series for the whole source: evaluating them for a queue would
        # silently score every queue's calls under its name
        raise OptionError(
            f"--queue {queue}: aggregate counts have no queue",
            "leave out --queue, or use --history contacts",
        )
    _check_output(output)
    # what the evaluation reads: the origins, the longest horizon and the profile's weeks
    span_days = origins + max(aheads).total_seconds() / 86400
    keep_weeks = min(MAX_WEEKS, weeks + math.ceil(span_days / 7) + 2)
    frame = _history(db, wait, queue, history, step, keep_weeks)
    result = rolling_accuracy(frame, interval=step, horizons=aheads, weeks=weeks, origins=origins)
    if fmt is OutputFormat.table:  # narrow enough for a terminal; csv and json have it all
        result = result[["model", "horizon", "origins", "intervals", "wape", "mase", "bias"]]
    _emit(result, fmt, output, title="Forecast accuracy (rolling origin)")


def register(app: typer.Typer) -> None:
    """Add ``forecast-accuracy`` to the main app."""
    app.command("forecast-accuracy")(forecast_accuracy)
