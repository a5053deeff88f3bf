"""ServiceNow incident event log (UCI "Incident management process enriched event log").

Each row is one update of an incident (the audit trail), so the unit of a row is an event:
every good row becomes one ``conversation_event`` (``status`` when the state changed, else
``update``), counted as the batch's rows. From the same rows come the derived events
(``assignee``, ``team``, ``priority``, ``reopen``, ``resolve``, ``close``, ``created``), one
``conversation`` per incident (kind ``ticket``, its final values from the last update) and
the agents, teams and callers they name.

Quirks handled: ``?`` is missing; times are day-first ``d/m/yyyy HH:MM`` without a zone
(read as local time in ``--timezone``, default UTC); updates of one incident are ordered by
time, then ``sys_mod_count``, then file order (the file is not always in time order, and a
few ``sys_mod_count`` values repeat).
"""

from __future__ import annotations

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe

SOURCE = "servicenow"
DESCRIPTION = "ServiceNow incident event log (one row per incident update), CSV"

# Columns the importer reads; the rest of the 36 are kept in raw.
REQUIRED = (
    "number",
    "incident_state",
    "reassignment_count",
    "reopen_count",
    "sys_mod_count",
    "made_sla",
    "caller_id",
    "opened_at",
    "sys_updated_by",
    "sys_updated_at",
    "contact_type",
    "category",
    "priority",
    "assignment_group",
    "assigned_to",
    "resolved_at",
    "closed_at",
)

TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M"


def sniff(probe: FileProbe) -> float:
    """High confidence for the incident log's own column names."""
    if probe.file_kind != "csv":
        return 0.0
    present = set(probe.header)
    if {"number", "incident_state", "sys_mod_count", "sys_updated_at", "assigned_to"} <= present:
        return 0.9
    return 0.0


def load(ctx: ImportContext) -> None:
    """Stage the log; rows become events, then incidents and references follow from them."""
    missing = [c for c in REQUIRED if c not in ctx.probe.header]
    if missing:
        raise InputFileError(
            f"{ctx.probe.path}: not a ServiceNow incident event log (missing column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])})",
            "check the file, or import it with the right --source (supportstats import --help)",
        )
    ctx.entity = "conversation_event"
    ctx.stage_csv("stg_raw")
    fmt = TIMESTAMP_FORMAT
    ctx.run_sql("staging/servicenow__updates.sql", label="checking updates", ts_format=fmt)
    ctx.upsert("conversation_event", "stg_event", main=True, id_label="update")
    # Incidents and derived events come from the updates that survived (rejects, duplicates).
    ctx.run_sql("staging/servicenow__incidents.sql", label="building incidents", ts_format=fmt)
    ctx.upsert("conversation", "stg_conversation", main=False)
    ctx.upsert("conversation_event", "stg_derived_event", main=False)
    ctx.run_sql("staging/servicenow__references.sql")
