"""Calls per 5-minute interval of a North American bank, 2003 (fpp3 ``bank_calls``).

Aggregate-only data: each row becomes one ``source_aggregate`` row (report
``bank_calls_5min``, grain ``interval``, metric ``calls_handled``, unit ``count``) covering
``period_start`` .. ``period_start + 5 min``. There are no contacts, waits or agents, so
nothing here feeds event-level metrics; it is history for forecasting.

The stamps end in ``Z`` but are the centre's local business hours (07:00-21:00 every day),
so the ``Z`` is ignored and the times are read as local time in ``--timezone`` (default UTC,
which keeps the stamps as written; the data set does not say which US zone it is).
"""

from __future__ import annotations

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe

SOURCE = "bank_calls_5min"
DESCRIPTION = "Calls per 5-minute interval (fpp3 bank_calls, 2003): DateTime,Calls"

COLUMNS = ("DateTime", "Calls")


def sniff(probe: FileProbe) -> float:
    """High confidence for exactly the two columns DateTime and Calls."""
    if probe.file_kind == "csv" and tuple(probe.header) == COLUMNS:
        return 0.9
    return 0.0


def load(ctx: ImportContext) -> None:
    """Stage the counts, check them, replace earlier rows of the same intervals, insert."""
    missing = [c for c in COLUMNS if c not in ctx.probe.header]
    if missing:
        raise InputFileError(
            f"{ctx.probe.path}: not a 5-minute call-count file (missing column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)})",
            "the file needs the columns DateTime,Calls; check it, or import it with the "
            "right --source (supportstats import --help)",
        )
    ctx.entity = "source_aggregate"
    ctx.stage_csv("stg_raw")
    staged = ctx.stage("bank_calls_5min__intervals", label="checking intervals")
    ctx.run_sql("load/bank_calls_5min__replaced.sql")
    ctx.upsert("source_aggregate", staged, main=True)
