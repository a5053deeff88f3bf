"""Anonymous Bank call log (Technion SEE lab, Israel 1999): one tab-separated row per call.

Each row becomes one ``conversation`` (kind ``call``, channel ``voice``, queue = the service
type) with its timeline as ``conversation_event`` rows (VRU entry and exit, queue enter and
exit, ``abandon`` when the caller hung up while queued, ``close`` at the end of the call) and,
for served calls, one ``engagement`` for the agent (``server``). Agents, queues and callers
get their reference rows.

Quirks handled (see ``docs/importers.md``): times are Israel wall-clock times with only the
VRU-entry date, so a time more than 12 hours before the VRU entry belongs to the next day
(service past midnight); ``0:00:00`` in the queue and service columns means missing;
``PHANTOM`` rows are virtual calls: the data set's documentation says to ignore them, so they
are skipped by that rule (``rows_skipped``, ``db rejects --skipped``), not rejected.
"""

from __future__ import annotations

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe

SOURCE = "bank_calls"
DESCRIPTION = "Anonymous Bank (Israel, 1999) per-call log from the Technion SEE lab, tab-separated"

# The call log's header, in file order.
COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)

# The file gives wall-clock times in Israel without a zone; --timezone overrides this.
DEFAULT_TIMEZONE = "Asia/Jerusalem"


def sniff(probe: FileProbe) -> float:
    """High confidence when the header carries the call log's distinctive columns."""
    if probe.file_kind != "csv":
        return 0.0
    present = set(probe.header)
    if {"vru+line", "call_id", "q_start", "ser_start", "outcome"} <= present:
        return 0.9
    return 0.0


def timezone_for(ctx: ImportContext) -> str:
    """The zone of the file's wall-clock times: --timezone if given, else Israel."""
    return ctx.options.timezone or DEFAULT_TIMEZONE


def load(ctx: ImportContext) -> None:
    """Stage the call log, then load calls, their events, engagements and references."""
    missing = [c for c in COLUMNS if c not in ctx.probe.header]
    if missing:
        raise InputFileError(
            f"{ctx.probe.path}: not an Anonymous Bank call log (missing column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])})",
            "check the file, or import it with the right --source (supportstats import --help)",
        )
    ctx.entity = "conversation"
    ctx.stage_csv("stg_raw")
    tz = ctx.timezone = timezone_for(ctx)
    ctx.run_sql("staging/bank_calls__calls.sql", label="checking calls", tz=tz)
    ctx.upsert("conversation", "stg_conversation", main=True, id_label="call")
    # Children come from calls that survived the upsert's checks (rejects, duplicates); their
    # keys are the call's key plus a fixed name, so they need no duplicate check of their own.
    ctx.run_sql("staging/bank_calls__events.sql", label="building call events")
    ctx.upsert("conversation_event", "stg_event", main=False, dedupe=False)
    ctx.upsert("engagement", "stg_engagement", main=False, dedupe=False)
    ctx.run_sql("staging/bank_calls__references.sql", tz=tz)
