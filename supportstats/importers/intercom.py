"""Intercom: conversations with their parts, statistics and rating (REST API 2.x).

Accepted shapes (one module, dispatched by the records' shape):

* conversation objects as ``GET /conversations/{id}`` returns them, one JSON document, a JSON
  array, JSON Lines, or a ``conversation.list`` page (``{"conversations": [...]}``);
* Airbyte RECORD lines (``{"stream": "conversations" | "conversation_parts", "data": ...}``),
  Faros-wrapped or not.

Mapping (docs/importers.md, "Intercom"): a conversation -> ``conversation`` (``statistics`` ->
``src_*``: Intercom's durations subtract office hours, so they go to the ``*_bh_s`` columns and
the calendar ``src_*`` values are differences of Intercom's own timestamps); the opening
``source`` and ``comment``/``note`` parts -> ``message``; ``close``/``open``/``assignment``/
``snoozed`` and any other part -> ``conversation_event``; ``conversation_rating`` ->
``rating``. The unit counted in ``rows_read`` is one top-level record (a conversation, or a
part record of the Airbyte parts stream).
"""

from __future__ import annotations

import re

from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers._vendor import (
    refuse_other_source,
    reject_other_records,
    stage_pages,
    upsert_counted,
)

SOURCE = "intercom"
DESCRIPTION = "Intercom conversations with parts, statistics and ratings (REST API / Airbyte)"

_CONVERSATION = re.compile(r'"type"\s*:\s*"conversation(?:_part|\.list)?"')
_STATS = re.compile(r'"(?:statistics|conversation_parts|delivered_as|admin_assignee_id)"\s*:')


def sniff(probe: FileProbe) -> float:
    """Intercom objects say ``"type": "conversation"`` and carry statistics or parts."""
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    if _CONVERSATION.search(text) and _STATS.search(text):
        return 0.9
    if re.search(r'"type"\s*:\s*"conversation_part"', text):
        return 0.85
    return 0.0


def load(ctx: ImportContext) -> None:
    """Stage the JSON, classify records, and upsert conversations, messages, events, ratings."""
    stage_pages(ctx, ["$.conversations"])  # conversation.list pages
    records = ctx.stage("intercom__int_records", label="classifying records")
    ctx.records_read(ctx.count(f"SELECT count(*) FROM {records}"))
    known = ctx.count(f"SELECT count(*) FROM {records} WHERE kind <> 'other'")
    if ctx.rows_read and not known:
        refuse_other_source(ctx, SOURCE, "Intercom conversations or conversation parts")
    ctx.entity = "conversation"
    conversations = ctx.stage("intercom__conversation", label="typing conversations")
    upsert_counted(ctx, "conversation", conversations, "conversation id")
    ctx.stage("intercom__int_parts", label="typing conversation parts")
    ctx.stage("intercom__int_parts_typed", label="typing conversation parts")
    upsert_counted(ctx, "message", ctx.stage("intercom__message"), "part id")
    upsert_counted(ctx, "conversation_event", ctx.stage("intercom__event"), "part id")
    ctx.upsert("rating", ctx.stage("intercom__rating"), main=False)
    # agents named by parts and assignees: new keys only (a write upsert does not do)
    ctx.run_sql("load/intercom__agents.sql")
    reject_other_records(ctx, records, "Intercom conversations and conversation_parts")
