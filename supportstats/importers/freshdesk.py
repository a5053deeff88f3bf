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
    ctx.define_macros("freshdesk__macros")
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
    # each known column's position in the file's header (matched in any case), else NULL
    positions = {h.lower(): i for i, h in enumerate(header, start=1)}
    columns = {ours: positions.get(theirs.lower()) for ours, theirs in CSV_COLUMNS.items()}
    ctx.stage("_int_csv_cells", view=True)  # the columns by position
    ctx.stage("freshdesk__int_csv_columns", label="preparing rows", **columns)
    ctx.stage("freshdesk__int_csv_tickets", label="typing tickets")
    tickets = ctx.stage("freshdesk__csv_conversation", label="typing tickets")
    ctx.upsert("conversation", tickets, main=True, id_label="Ticket ID")
    ctx.stage("freshdesk__int_kept_csv_tickets", label="deriving messages")
    ctx.upsert("message", ctx.stage("freshdesk__csv_message"), main=False)
    ctx.upsert("conversation_event", ctx.stage("freshdesk__csv_event"), main=False)
    ctx.upsert("rating", ctx.stage("freshdesk__csv_rating"), main=False)
    # agents and groups the tickets name: new keys only (a write upsert does not do)
    ctx.run_sql("load/freshdesk__csv_agents.sql")


def _load_api(ctx: ImportContext) -> None:
    ctx.stage_json("stg_raw")
    records = ctx.stage("freshdesk__int_records", label="classifying records")
    ctx.records_read(ctx.count(f"SELECT count(*) FROM {records}"))
    if ctx.rows_read and not ctx.count(
        f"SELECT count(*) FROM {records} "
        "WHERE kind IN ('ticket', 'reply', 'rating', 'agent', 'group')"
    ):
        refuse_other_source(
            ctx, SOURCE, "Freshdesk tickets, conversations, ratings, agents or groups"
        )
    ctx.entity = "conversation"
    label = "typing records"
    ctx.stage("freshdesk__int_api_tickets", label=label)
    upsert_counted(ctx, "agent", ctx.stage("freshdesk__agent", label=label), "agent id")
    upsert_counted(ctx, "queue", ctx.stage("freshdesk__queue", label=label), "group id")
    tickets = ctx.stage("freshdesk__api_conversation", label=label)
    upsert_counted(ctx, "conversation", tickets, "ticket id")
    replies = ctx.stage("freshdesk__api_message", label=label)
    upsert_counted(ctx, "message", replies, "conversation id")
    upsert_counted(ctx, "rating", ctx.stage("freshdesk__api_rating", label=label), "rating id")
    ctx.stage("freshdesk__int_kept_api_tickets", label="deriving events")
    ctx.upsert("message", ctx.stage("freshdesk__api_ticket_message"), main=False)
    ctx.upsert("conversation_event", ctx.stage("freshdesk__api_event"), main=False)
    # agents named by tickets, replies and ratings: new keys only (a write upsert does not do)
    ctx.run_sql("load/freshdesk__api_agents.sql")
    # A survey defines the rating scale (used above) and holds no support data: skipped.
    ctx.set_aside(ctx.stage("freshdesk__int_surveys", rule=SURVEY_RULE), "survey")
    reject_other_records(
        ctx, records, "tickets, conversations, satisfaction_ratings, agents and groups"
    )
