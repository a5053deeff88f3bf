"""Chatwoot: conversations and messages (API JSON), the CSAT CSV, and report CSVs.

Accepted shapes:

* messages: a JSON array of message objects, ``{"payload": [...]}`` pages, JSON Lines;
  conversations: ``GET /conversations`` pages (``{"data": {"payload": [...]}}``) or conversation
  objects. Airbyte-style records of streams ``conversations`` / ``messages`` are unwrapped.
  ``message_type`` 0 incoming, 1 outgoing, 2 activity, 3 template; ``private`` = internal note;
  activity lines ("Conversation was marked resolved by John") also become events. A messages
  file alone creates the conversations it names (first message = start).
* the CSAT CSV (``csat_survey_responses/download``): one rating per conversation, 1-5; its
  trailing "Reporting period" line is metadata, not a row.
* report CSVs (agents, inboxes, teams, labels, conversations summary): "Reporting period" line,
  blank line, localised header, rows; humanised durations ("3 hours 12 minutes", "N/A") ->
  seconds in ``source_aggregate`` (aggregate only).
"""

from __future__ import annotations

import re

from supportstats.errors import InputFileError
from supportstats.importers._aggregate import upsert_aggregates
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers._vendor import (
    refuse_other_source,
    reject_other_records,
    stage_pages,
    upsert_counted,
)

SOURCE = "chatwoot"
DESCRIPTION = "Chatwoot conversations/messages JSON, CSAT CSV, report CSVs (aggregates)"

_MESSAGE = re.compile(r'"message_type"\s*:')
_CONTENT_TYPE = re.compile(r'"content_type"\s*:')
_CONVERSATION = re.compile(
    r'"(?:first_reply_created_at|agent_last_seen_at|contact_last_seen_at)"\s*:'
)
_PERIOD = re.compile(r"Reporting period (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})")

# Report CSV layouts by kind: metrics from the 2nd column on (None = a text column kept in raw).
# Durations are humanised text; the rest are counts.
REPORTS: dict[str, list[str | None]] = {
    "agents": [
        "conversations_count",
        "avg_first_response_time",
        "avg_resolution_time",
        "avg_customer_waiting_time",
        "resolution_count",
    ],
    "teams": [
        "conversations_count",
        "avg_first_response_time",
        "avg_resolution_time",
        "avg_customer_waiting_time",
        "resolution_count",
    ],
    "labels": [
        "conversations_count",
        "avg_first_response_time",
        "avg_resolution_time",
        "avg_reply_time",
        "resolution_count",
    ],
    # The inbox header has 5 cells but rows have 7: reply time and resolution count unlabeled.
    "inboxes": [
        None,
        "conversations_count",
        "avg_first_response_time",
        "avg_resolution_time",
        "avg_reply_time",
        "resolution_count",
    ],
    "conversations_summary": [
        "conversations_count",
        "messages_received",
        "messages_sent",
        "avg_first_response_time",
        "avg_resolution_time",
        "resolution_count",
        "avg_customer_waiting_time",
    ],
}
_GRAIN = {
    "agents": "agent",
    "teams": "team",
    "labels": "label",
    "inboxes": "inbox",
    "conversations_summary": "account",
}


def sniff(probe: FileProbe) -> float:
    """Messages with message_type/content_type, conversations, the CSAT or a report CSV."""
    if probe.file_kind == "csv":
        header = [h.strip().lower() for h in probe.header]
        if header and header[0].startswith("reporting period"):
            return 0.9
        if "link to the conversation" in header and "rating" in header:
            return 0.9
        return 0.0
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    if _MESSAGE.search(text) and _CONTENT_TYPE.search(text):
        return 0.9
    if _CONVERSATION.search(text) and '"inbox_id"' in text:
        return 0.85
    return 0.0


def load(ctx: ImportContext) -> None:
    """Dispatch on the file's shape."""
    if ctx.probe.file_kind == "csv":
        header = [h.strip().lower() for h in ctx.probe.header]
        if header and header[0].startswith("reporting period"):
            _load_report(ctx)
        elif "link to the conversation" in header or len(header) in (8, 9):
            _load_csat(ctx)
        else:
            refuse_other_source(ctx, SOURCE, "Chatwoot CSAT or report CSV columns")
    elif ctx.probe.file_kind in ("json", "jsonl"):
        _load_json(ctx)
    else:
        raise InputFileError(
            f"{ctx.probe.path}: Chatwoot data must be API JSON or a CSAT/report CSV",
            "export conversations/messages as JSON, or download the CSAT or report CSV",
        )


def _load_json(ctx: ImportContext) -> None:
    # Messages pages are {"payload": [...]}, conversation pages {"data": {"payload": [...]}}.
    stage_pages(ctx, ["$.payload", "$.data.payload"])
    records = ctx.stage("chatwoot__int_records", label="classifying records")
    ctx.records_read(ctx.count(f"SELECT count(*) FROM {records}"))
    kinds = dict(ctx.conn.execute(f"SELECT kind, count(*) FROM {records} GROUP BY kind").fetchall())
    if not (kinds.get("message") or kinds.get("conversation")):
        refuse_other_source(ctx, SOURCE, "Chatwoot conversations or messages")
    ctx.entity = "conversation" if kinds.get("conversation") else "message"
    if kinds.get("conversation"):
        conversations = ctx.stage("chatwoot__conversation", label="typing conversations")
        upsert_counted(ctx, "conversation", conversations, "conversation id")
    # Messages: top-level message records (counted) and those embedded in conversations.
    ctx.stage("chatwoot__int_message_records")
    ctx.stage("chatwoot__int_messages_typed", label="typing messages")
    upsert_counted(ctx, "message", ctx.stage("chatwoot__message"), "message id")
    events = ctx.stage("chatwoot__event", label="reading activity lines")
    # conversations known only from their messages, and message authors: new keys only,
    # read before the events' upsert marks their repeats (a write upsert does not do)
    ctx.run_sql("load/chatwoot__messages.sql", label="reading activity lines")
    ctx.upsert("conversation_event", events, main=False)
    ctx.stage("chatwoot__int_people", label="reading agents")
    # new agents, and the e-mail and name of known ones (a write upsert does not do)
    ctx.run_sql("load/chatwoot__agents.sql", label="reading agents")
    reject_other_records(ctx, records, "conversations and messages")


def _load_csat(ctx: ImportContext) -> None:
    header = [h.strip() for h in ctx.probe.header]
    ctx.entity = "rating"
    ctx.stage_csv("stg_raw", names=header)
    # The "Reporting period ..." footer is one field wide, so the CSV reader set it aside as a
    # malformed line; it is the file's period, not a lost row.
    footer = ctx.count(
        "SELECT count(*) FROM import_reject WHERE batch_id = $b AND raw LIKE 'Reporting period%'",
        {"b": ctx.batch_id},
    )
    if footer:
        ctx.execute(
            "DELETE FROM import_reject WHERE batch_id = $b AND raw LIKE 'Reporting period%'",
            {"b": ctx.batch_id},
        )
        ctx.not_records(footer)
    ctx.stage("_int_csv_cells", view=True)  # the columns by position
    ctx.stage("chatwoot__int_csat_columns")
    ctx.stage("chatwoot__int_csat", label="typing ratings")
    # agents named "Name (email)" with a valid response: new keys only (a write upsert does not do)
    ctx.run_sql("load/chatwoot__csat_agents.sql")
    ctx.upsert("rating", ctx.stage("chatwoot__rating"), main=True, id_label="conversation")


def _load_report(ctx: ImportContext) -> None:
    """Aggregate report CSV -> source_aggregate, one counted row per CSV row."""
    lines = ctx.probe.text.splitlines()
    period = _PERIOD.search(lines[0]) if lines else None
    header_line = next((line for line in lines[1:] if line.strip()), "")
    first = header_line.split(",")[0].strip().lower()
    name = ctx.probe.name.lower()
    width = len(header_line.split(","))
    if width == 7 or "summary" in name or first == "conversations":
        kind = "conversations_summary"
    elif width == 5 or "inbox" in first or "inbox" in name:
        kind = "inboxes"
    elif "team" in first or "team" in name:
        kind = "teams"
    elif "label" in first or "label" in name:
        kind = "labels"
    else:
        kind = "agents"
    metrics = REPORTS[kind]
    ctx.entity = "source_aggregate"
    names = [f"c{i}" for i in range(1, 2 + len(metrics))]
    # Lines before the header: the "Reporting period" line and the blank line after it.
    skip = lines.index(header_line) if header_line in lines else 2
    # Columns by position (the header is localised, and the inbox header is 2 cells short).
    ctx.stage_csv("stg_raw", names=names, skip=skip)
    start = period.group(1) if period else None
    end = period.group(2) if period else None
    ctx.define_macros("chatwoot__macros")
    ctx.stage("_int_csv_cells", view=True)  # the columns by position
    staged = ctx.stage(
        "chatwoot__report",
        label="reading report",
        metrics=metrics,
        summary=kind == "conversations_summary",
        report=f"chatwoot_{kind}_csv",
        grain=_GRAIN[kind],
        # The period's dates are UTC days; the end date is inclusive.
        start=f"{start} 00:00:00+00" if start else None,
        end=f"{end} 23:59:59+00" if end else None,
    )
    # A newer file of the same report and period replaces these numbers (importers._aggregate).
    ctx.aggregate_entries(*upsert_aggregates(ctx, staged))
