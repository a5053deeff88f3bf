"""Freshdesk: the ticket export CSV, and API v2 tickets, conversations and CSAT records.

Accepted shapes:

* the ticket export CSV (Tickets -> Export): columns are matched by their English header
  names, any subset and order; times are the account's local time (pass ``--timezone``);
  ``First response time (in hrs)`` / ``Resolution time (in hrs)`` are ``HH:MM:SS`` business
  hours -> ``src_first_response_bh_s`` / ``src_full_resolution_bh_s``;
* API v2 objects, raw (a ticket ``?include=stats``, a JSON array, JSON Lines) or as Airbyte
  records of the streams ``tickets``, ``conversations``, ``satisfaction_ratings``, ``agents``,
  ``groups`` (``surveys`` records only give a rating's scale: they are skipped by rule, as
  are records of other connector streams; records of no known shape are rejected).

Agents and groups: the CSV names them (``freshdesk:Maya Ortiz``, ``freshdesk:group:Billing``),
the API by id; after each import the names are resolved to the one agent or group with an id
and that name (importers/_agents.py), so an account with both files has each once.

``rows_read`` counts CSV rows, or top-level JSON records of every stream
(= loaded + rejected + skipped).
"""

from __future__ import annotations

import re

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers._vendor import (
    refuse_other_source,
    reject_other_records,
    upsert_counted,
)

SOURCE = "freshdesk"
DESCRIPTION = "Freshdesk ticket export CSV, API v2 tickets/conversations/satisfaction ratings"

# Our alias -> the export's English header. Missing columns read as NULL.
CSV_COLUMNS: dict[str, str] = {
    "ticket_id": "Ticket ID",
    "subject": "Subject",
    "description": "Description",
    "status": "Status",
    "priority": "Priority",
    "source": "Source",
    "ticket_type": "Type",
    "agent": "Agent",
    "group_name": "Group",
    "created": "Created time",
    "due_by": "Due by Time",
    "resolved": "Resolved time",
    "closed": "Closed time",
    "updated": "Last update time",
    "initial_response": "Initial response time",
    "time_tracked": "Time tracked",
    "first_response_hrs": "First response time (in hrs)",
    "resolution_hrs": "Resolution time (in hrs)",
    "agent_interactions": "Agent interactions",
    "customer_interactions": "Customer interactions",
    "resolution_status": "Resolution status",
    "first_response_status": "First response status",
    "tags": "Tags",
    "survey": "Survey results",
    "contact_id": "Contact ID",
}
# Why a survey record is skipped (Freshdesk API v2: GET /surveys describes a survey's
# questions and answer scale; the ratings themselves are satisfaction_ratings records).
SURVEY_RULE = (
    "Freshdesk survey skipped: a survey only defines the questions and answer scale of the "
    "satisfaction ratings (used to score the ratings in this file); it is no support data"
)
_TICKET_KEYS = re.compile(
    r'"(?:fr_due_by|fr_escalated|responder_id|ticket_scope|unassigned_for)"\s*:'
)
_REPLY_KEYS = re.compile(r'"incoming"\s*:\s*(?:true|false)')
_RATING_KEYS = re.compile(r'"survey_id"\s*:')


def sniff(probe: FileProbe) -> float:
    """A CSV with ``Ticket ID`` and ``Created time``, or JSON with Freshdesk-only keys."""
    if probe.file_kind == "csv":
        header = {h.strip().lower() for h in probe.header}
        return 0.9 if {"ticket id", "created time"} <= header else 0.0
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    # Above 0.9: Airbyte files of both vendors share stream names (tickets,
    # satisfaction_ratings) that the Zendesk importer claims at 0.9; these keys are Freshdesk's.
    if _TICKET_KEYS.search(text):
        return 0.95
    if _REPLY_KEYS.search(text) and '"ticket_id"' in text:
        return 0.92
    if _RATING_KEYS.search(text) and '"ratings"' in text:
        return 0.92
    return 0.0


def load(ctx: ImportContext) -> None:
    """Dispatch on the file's shape: the export CSV or API/Airbyte JSON."""
    ctx.run_sql("staging/freshdesk__macros.sql")
    if ctx.probe.file_kind == "csv":
        _load_csv(ctx)
    elif ctx.probe.file_kind in ("json", "jsonl"):
        _load_api(ctx)
    else:
        raise InputFileError(
            f"{ctx.probe.path}: Freshdesk data must be the ticket export CSV or API JSON",
            "export tickets as CSV (Tickets -> Export) or fetch them as JSON",
        )


def _load_csv(ctx: ImportContext) -> None:
    header = [h.strip() for h in ctx.probe.header]
    lower = {h.lower(): h for h in header}
    if "ticket id" not in lower or "created time" not in lower:
        refuse_other_source(
            ctx, SOURCE, "Freshdesk ticket export columns (Ticket ID, Created time)"
        )
    ctx.entity = "conversation"
    ctx.stage_csv("stg_raw", names=header)
    select = ", ".join(
        f'"{lower[theirs.lower()]}" AS {ours}'
        if theirs.lower() in lower
        else f"NULL::VARCHAR AS {ours}"
        for ours, theirs in CSV_COLUMNS.items()
    )
    ctx.execute(
        f"CREATE OR REPLACE TEMP TABLE stg_fd AS SELECT _row, _line, {select}, "
        "to_json(struct_pack(*COLUMNS(lambda c: c NOT IN ('_row', '_line')))) AS _rawjson "
        "FROM stg_raw",
        label="preparing rows",
    )
    ctx.run_sql("staging/freshdesk__ticket_csv.sql", label="typing tickets")
    ctx.upsert("conversation", "stg_conversation", main=True, id_label="Ticket ID")
    ctx.run_sql("staging/freshdesk__ticket_csv_children.sql", label="deriving messages")
    ctx.upsert("message", "stg_message", main=False)
    ctx.upsert("conversation_event", "stg_event", main=False)
    ctx.upsert("rating", "stg_rating", main=False)


def _load_api(ctx: ImportContext) -> None:
    ctx.stage_json("stg_raw")
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_fdj AS SELECT _row, _line, record, _stream, CASE "
        "WHEN _stream = 'tickets' OR (_stream IS NULL AND (json_exists(record, '$.fr_due_by') "
        "OR (json_exists(record, '$.requester_id') AND json_exists(record, '$.responder_id')))) "
        "THEN 'ticket' "
        "WHEN _stream = 'conversations' OR (_stream IS NULL AND json_exists(record, '$.incoming') "
        "AND json_exists(record, '$.ticket_id')) THEN 'reply' "
        "WHEN _stream = 'satisfaction_ratings' OR (_stream IS NULL AND "
        "json_exists(record, '$.survey_id') AND json_exists(record, '$.ratings')) THEN 'rating' "
        "WHEN _stream = 'agents' OR (_stream IS NULL AND json_exists(record, '$.ticket_scope')) "
        "THEN 'agent' "
        "WHEN _stream = 'groups' OR (_stream IS NULL AND json_exists(record, '$.unassigned_for')) "
        "THEN 'group' "
        "WHEN _stream = 'surveys' OR (_stream IS NULL AND json_exists(record, '$.questions')) "
        "THEN 'survey' ELSE 'other' END AS kind FROM stg_raw",
        label="classifying records",
    )
    ctx.records_read(ctx.count("SELECT count(*) FROM stg_fdj"))
    if ctx.rows_read and not ctx.count(
        "SELECT count(*) FROM stg_fdj WHERE kind IN ('ticket', 'reply', 'rating', 'agent', 'group')"
    ):
        refuse_other_source(
            ctx, SOURCE, "Freshdesk tickets, conversations, ratings, agents or groups"
        )
    ctx.entity = "conversation"
    ctx.run_sql("staging/freshdesk__api.sql", label="typing records")
    upsert_counted(ctx, "agent", "stg_agent", "agent id")
    upsert_counted(ctx, "queue", "stg_queue", "group id")
    upsert_counted(ctx, "conversation", "stg_conversation", "ticket id")
    upsert_counted(ctx, "message", "stg_message", "conversation id")
    upsert_counted(ctx, "rating", "stg_rating", "rating id")
    ctx.run_sql("staging/freshdesk__api_children.sql", label="deriving events")
    ctx.upsert("message", "stg_ticket_message", main=False)
    ctx.upsert("conversation_event", "stg_event", main=False)
    # A survey defines the rating scale (used above) and holds no support data: skipped.
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_fd_survey AS SELECT _row, _line, 'stream' AS "
        "_reject_column, $rule AS _reject_reason, true AS _skipped, record AS _raw "
        "FROM stg_fdj WHERE kind = 'survey'",
        {"rule": SURVEY_RULE},
    )
    ctx.set_aside("stg_fd_survey", "survey")
    reject_other_records(
        ctx, "stg_fdj", "tickets, conversations, satisfaction_ratings, agents and groups"
    )
