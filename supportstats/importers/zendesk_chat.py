"""Zendesk Chat (Zopim): chats with history, engagements, agent timeline, Chat Analytics CSV.

Shapes read (one file may mix the JSON ones; Airbyte/Faros RECORD lines are unwrapped):

* chats: the REST chat object (``GET /chats/{id}``), bulk ``{"docs": [...]}`` or
  ``{"docs": {"<id>": {...}}}``, the incremental export ``{"chats": [...]}`` (with
  ``engagements``), an Airbyte ``chats`` stream, or bare chat objects;
* the agent timeline (``{"agent_timeline": [...]}``, Airbyte ``agent_timeline``) and agents;
* the Chat Analytics "Agent activity" CSV (aggregate only).

Mapping (``sql/staging/zendesk_chat__*.sql``; chats in ``__chats.sql``, their history once
they are written in ``__history.sql``): chat -> ``conversation`` (kind ``chat`` or
``offline_message``; ``src_first_response_s`` = ``response_time.first``, ``src_missed``,
``src_duration_s``); history ``chat.msg`` -> ``message`` (agent vs visitor by ``nick``, or by
``name`` against ``agent_names`` when the export has no nick); member join/leave ->
``engagement`` and ``agent_join``/``agent_leave`` events (the export's ``engagements`` win
when present); other history items -> events; missed chats -> an ``abandon`` event; rating and
comment -> ``rating``; agent timeline -> ``agent_status_interval``; agents -> ``agent``; the
analytics CSV -> ``source_aggregate``.

Counting: ``rows_read`` counts chats (else timeline intervals, else agents, else CSV rows).
"""

from __future__ import annotations

import re

from supportstats.errors import InputFileError
from supportstats.importers._aggregate import upsert_aggregates
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers.zendesk import other_source_hint

SOURCE = "zendesk_chat"
DESCRIPTION = (
    "Zendesk Chat (Zopim): chats with history and engagements, agent timeline, agents "
    "(raw API or Airbyte/Faros), Chat Analytics agent-activity CSV"
)

MAIN_ORDER = ("chat", "timeline", "agent")
ENTITY_NAME = {"chat": "conversation", "timeline": "agent_status_interval", "agent": "agent"}

# Columns of the Chat Analytics CSV that describe the row rather than count something.
CSV_DIMENSIONS = (
    "First Name",
    "Last Name",
    "Email",
    "Enabled",
    "Start Time (UTC+0)",
    "End Time (UTC+0)",
)
_CSV_MARKERS = {"Start Time (UTC+0)", "Assigned Chats", "Accepted Chats", "Missed Chats"}

_CHAT = re.compile(
    r'"(type|event)"\s*:\s*"chat\.(msg|memberjoin|memberleave|rating|comment)"'
    r'|"agent_names"\s*:|"response_time"\s*:\s*\{'
)
_STREAM = re.compile(r'"stream"\s*:\s*"[^"]*?(chats|agent_timeline)"')
_TIMELINE = re.compile(r'"agent_id"\s*:.*"engagement_count"\s*:', re.S)


def sniff(probe: FileProbe) -> float:
    """Confidence that ``probe`` is a Zendesk Chat export."""
    if probe.file_kind == "csv":
        return 0.9 if len(_CSV_MARKERS & set(probe.header)) >= 2 else 0.0
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    if _CHAT.search(text) or _STREAM.search(text):
        return 0.95
    if _TIMELINE.search(text[:20000]) or '"agent_timeline"' in text:
        return 0.9
    return 0.0


def load(ctx: ImportContext) -> None:
    """Load one Zendesk Chat file: JSON records by kind, or the analytics CSV."""
    # A million records must not take the machine's memory: past the budget DuckDB
    # spills temp tables to disk (the setting in force before is restored).
    with ctx.memory_budget():
        _load(ctx)


def _load(ctx: ImportContext) -> None:
    if ctx.probe.file_kind == "csv":
        _load_analytics_csv(ctx)
        return
    if ctx.probe.file_kind not in ("json", "jsonl"):
        raise InputFileError(
            f"{ctx.probe.path}: a Zendesk Chat export is JSON or the analytics CSV",
            other_source_hint(ctx.probe, SOURCE),
        )
    # The file is read once, straight into one row per record (no copy of the whole file).
    ctx.stream_json("stg_raw")
    ctx.define_macros("zendesk_chat__macros")
    ctx.stage("zendesk_chat__int_items", label="splitting records")
    ctx.stage("zendesk_chat__int_item_offsets", label="splitting records")
    # read once per kind by the models after it: a view, no copy
    records = ctx.stage("zendesk_chat__int_records", view=True)
    counts = dict(
        ctx.conn.execute(f"SELECT kind, count(*) FROM {records} GROUP BY kind").fetchall()
    )
    main = next((k for k in MAIN_ORDER if counts.get(k)), None)
    if main is None:
        raise InputFileError(
            f"{ctx.probe.path}: no Zendesk Chat chats, agent timeline or agents found",
            other_source_hint(ctx.probe, SOURCE),
        )
    ctx.entity = ENTITY_NAME[main]
    ctx.records_read(int(counts[main]))

    statuses = ctx.stage("zendesk_chat__agent_status")
    agents = ctx.stage("zendesk_chat__agent")
    ctx.upsert("agent", agents, main=main == "agent", id_label="agent id")
    ctx.upsert("agent_status_interval", statuses, main=main == "timeline", id_label="interval")
    ctx.stage("zendesk_chat__int_other_records")
    if counts.get("chat"):
        chats = ctx.stage("zendesk_chat__conversation", label="typing chats")
        # the chats' records are in their raw now, the other kinds staged: the file goes
        ctx.release("zendesk_chat__int_items")
        ctx.upsert("conversation", chats, main=True, id_label="chat id")
        label = "typing chat history"
        for helper in ("int_chats", "int_history", "int_given_engagements"):
            ctx.stage(f"zendesk_chat__{helper}", label=label)
        # what the later models need of the chats is in those (the writer has them written)
        ctx.release("zendesk_chat__conversation")
        ctx.stage("zendesk_chat__int_moments", label=label)
        ctx.upsert("message", ctx.stage("zendesk_chat__message", label=label), main=False)
        ctx.upsert("conversation_event", ctx.stage("zendesk_chat__event", label=label), main=False)
        engagements = ctx.stage("zendesk_chat__engagement", label=label)
        ctx.upsert("engagement", engagements, main=False, id_label="engagement id")
        ctx.upsert("rating", ctx.stage("zendesk_chat__rating", label=label), main=False)
        # Agents known only from chats get the display name the chats carry (new keys only:
        # a write upsert does not do).
        ctx.stage("zendesk_chat__int_agent_names")
        ctx.run_sql("load/zendesk_chat__agent_names.sql")
    # Skipped by rule (a connector file holds every stream it synced), kept raw, not counted.
    # (into import_reject with each record's stream as its entity: a write the writer's
    # set_aside, one entity per call, does not do)
    ctx.run_sql("load/zendesk_chat__unknown_streams.sql")


def _load_analytics_csv(ctx: ImportContext) -> None:
    """Chat Analytics agent-activity CSV -> source_aggregate (one row per number)."""
    header = ctx.probe.header
    if "Start Time (UTC+0)" not in header:
        raise InputFileError(
            f"{ctx.probe.path}: missing column Start Time (UTC+0) of the Chat Analytics CSV",
            other_source_hint(ctx.probe, SOURCE),
        )
    ctx.entity = "source_aggregate"
    ctx.stage_csv("stg_raw")
    rows = ctx.stage("zendesk_chat__int_analytics_rows", label="typing rows")
    ctx.set_aside(rows, "source_aggregate")
    repeated = 0
    if any(h not in CSV_DIMENSIONS for h in header):  # numbers to keep
        # A newer file of the same agents and period replaces these numbers.
        _, repeated = upsert_aggregates(ctx, ctx.stage("zendesk_chat__analytics"))
    good = ctx.count(f"SELECT count(*) FROM {rows} WHERE _reject_reason IS NULL")
    ctx.aggregate_entries(good - repeated, repeated)
