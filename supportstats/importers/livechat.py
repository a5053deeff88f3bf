"""LiveChat (Text platform): archived chats with threads, and Reports API aggregates.

Accepted shapes:

* chat objects (Agent Chat API ``get_chat``, or the ``chats`` of a ``list_archives`` page), one
  JSON document, a JSON array or JSON Lines; bare thread objects; Airbyte-style records of
  streams ``chats`` / ``archives`` / ``threads``;
* Reports API responses (``{"name": "performance-report", "records": {...}, "summary": {...}}``)
  -> ``source_aggregate`` only (aggregate numbers never feed event-level metrics).

A chat -> ``conversation`` kind ``chat``; each thread (one session) -> ``conversation`` kind
``thread`` whose ``parent_key`` is the chat; thread events -> ``message`` (``visibility:
agents`` = internal); each agent on a thread -> ``engagement``; ``properties.rating`` ->
``rating`` (binary). ``rows_read`` counts chats (or bare threads), or report entries.
"""

from __future__ import annotations

import re

from supportstats.importers._aggregate import upsert_aggregates
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers._vendor import (
    refuse_other_source,
    reject_other_records,
    stage_pages,
    upsert_counted,
)

SOURCE = "livechat"
DESCRIPTION = "LiveChat archived chats/threads (Agent Chat API) and Reports API aggregates"

_THREADS = re.compile(r'"threads"\s*:\s*\[')
_THREAD = re.compile(r'"user_ids"\s*:\s*\[')
_EVENTS = re.compile(r'"events"\s*:\s*\[')
_REPORT = re.compile(r'"name"\s*:\s*"[a-z_-]+-report"|"first_response_chats_count"\s*:')
_ARCHIVES = re.compile(r'"found_chats"\s*:')


def sniff(probe: FileProbe) -> float:
    """Chats with ``threads``, threads with ``user_ids`` and ``events``, or a ``*-report``."""
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    # 0.95: a chat's customer carries a `"tickets": [...]` list, which the Zendesk importer
    # takes for a ticket page at 0.9.
    if _ARCHIVES.search(text) or (_THREADS.search(text) and _EVENTS.search(text)):
        return 0.95
    if _THREAD.search(text) and _EVENTS.search(text):
        return 0.85
    if _REPORT.search(text) and '"records"' in text:
        return 0.85
    return 0.0


def load(ctx: ImportContext) -> None:
    """Stage the JSON, then load chats/threads or a report, by the records' shape."""
    stage_pages(ctx, ["$.chats"])  # list_archives pages
    records = ctx.stage("livechat__int_records", label="classifying records")
    kinds = dict(ctx.conn.execute(f"SELECT kind, count(*) FROM {records} GROUP BY kind").fetchall())
    if not (kinds.get("chat") or kinds.get("thread") or kinds.get("report")):
        refuse_other_source(ctx, SOURCE, "LiveChat chats, threads or reports")
    if kinds.get("report"):
        _load_report(ctx, records)
    else:
        _load_chats(ctx, records)
    reject_other_records(ctx, records, "chats, threads and Reports API responses")
    ctx.more_records_read(kinds.get("other", 0))


def _load_chats(ctx: ImportContext, records: str) -> None:
    ctx.entity = "conversation"
    # after a report's entries, when the file holds both
    chats = f"SELECT count(*) FROM {records} WHERE kind IN ('chat', 'thread')"
    ctx.more_records_read(ctx.count(chats))
    label = "typing chats and threads"
    for helper in ("livechat__int_threads", "livechat__int_events"):
        ctx.stage(helper, label=label)
    ctx.stage("livechat__int_thread_conversations", label=label)
    # chats read the threads before the writer marks repeated ones, as the threads are staged
    chat_conversations = ctx.stage("livechat__conversation", label=label)
    threads = ctx.stage("livechat__thread_conversation", label=label)
    upsert_counted(ctx, "conversation", chat_conversations, "chat id")
    upsert_counted(ctx, "conversation", threads, "thread id")
    ctx.stage("livechat__int_kept_threads", label="typing events")
    ctx.upsert("message", ctx.stage("livechat__message"), main=False, id_label="event id")
    ctx.upsert("conversation_event", ctx.stage("livechat__event"), main=False)
    ctx.upsert("engagement", ctx.stage("livechat__engagement"), main=False)
    ctx.upsert("rating", ctx.stage("livechat__rating"), main=False)
    # agents named by chats and engagements: new keys only (a write upsert does not do)
    ctx.run_sql("load/livechat__agents.sql")


def _load_report(ctx: ImportContext, records: str) -> None:
    """Aggregates: one counted row per report entry (an agent, a day, the summary)."""
    ctx.entity = "source_aggregate"
    report_entries = ctx.stage("livechat__int_report_entries", label="reading report")
    metrics = ctx.stage("livechat__report", label="reading report")
    entries = ctx.count(f"SELECT count(*) FROM {report_entries}")
    ctx.records_read(entries)
    # One entry (an agent, a day, the summary) is one counted row of several numbers (an
    # empty one of none); an entry repeating another's numbers is rejected.
    _, repeated = upsert_aggregates(
        ctx, metrics, unit="_row::VARCHAR || '/' || coalesce(dim_source_id, '')"
    )
    ctx.aggregate_entries(entries - repeated, repeated)
    # Chats in the same file as a report are unusual; load them too rather than drop them.
    if ctx.count(f"SELECT count(*) FROM {records} WHERE kind IN ('chat', 'thread')"):
        _load_chats(ctx, records)
