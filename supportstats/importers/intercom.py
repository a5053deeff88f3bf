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

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe

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
    ctx.stage_json("stg_raw")
    if ctx.count("SELECT count(*) FROM stg_raw WHERE (record ->> 'type') = 'conversation.list'"):
        unwrap_pages(ctx, "$.conversations")
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_ic AS SELECT _row, _line, record, _stream, CASE "
        "WHEN _stream = 'conversations' OR (_stream IS NULL AND (record ->> 'type') = "
        "'conversation') THEN 'conversation' WHEN _stream = 'conversation_parts' OR (_stream IS "
        "NULL AND (record ->> 'type') = 'conversation_part') THEN 'part' ELSE 'other' END AS kind "
        "FROM stg_raw",
        label="classifying records",
    )
    ctx.rows_read = ctx.count("SELECT count(*) FROM stg_ic")
    known = ctx.count("SELECT count(*) FROM stg_ic WHERE kind <> 'other'")
    if ctx.rows_read and not known:
        refuse_other_source(ctx, "Intercom conversations or conversation parts")
    ctx.entity = "conversation"
    ctx.run_sql("staging/intercom__conversation.sql", label="typing conversations")
    upsert_counted(ctx, "conversation", "stg_conversation", "conversation id")
    ctx.run_sql("staging/intercom__parts.sql", label="typing conversation parts")
    reject_repeated_keys(ctx, "stg_message", "message_key", "part id")
    reject_repeated_keys(ctx, "stg_event", "event_key", "part id")
    upsert_counted(ctx, "message", "stg_message", "part id")
    upsert_counted(ctx, "conversation_event", "stg_event", "part id")
    ctx.upsert("rating", "stg_rating", main=False)
    reject_other_records(ctx, "stg_ic", "Intercom conversations and conversation_parts")


# --------------------------------------------------------------------------- shared helpers
# (each vendor module carries its own copy: the importer modules stay independent of each other)


def upsert_counted(ctx: ImportContext, target: str, staged: str, id_label: str) -> None:
    """Upsert ``staged`` and count its ``_counted`` rows (top-level records) as loaded/rejected.

    A table may mix top-level records (counted in ``rows_read``) with rows derived from them
    (embedded parts): only the former feed the batch's loaded / rejected counts.
    """
    ctx.upsert(target, staged, main=False, id_label=id_label)
    ctx.rows_loaded += ctx.count(
        f"SELECT count(*) FROM {staged} WHERE _counted AND _reject_reason IS NULL"
    )
    ctx.rows_rejected += ctx.count(
        f"SELECT count(*) FROM {staged} WHERE _counted AND _reject_reason IS NOT NULL"
    )


def reject_other_records(ctx: ImportContext, classified: str, wanted: str) -> None:
    """Records of streams this importer does not store go to the rejects, raw text kept."""
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_other AS SELECT _row, _line, "
        "'stream' AS _reject_column, 'record ' || coalesce('of stream ''' || _stream || '''', "
        "'of unknown shape') || ' is not imported (this importer reads ' || $wanted || "
        "'); kept here unchanged' AS _reject_reason, record AS _raw "
        f"FROM {classified} WHERE kind = 'other'",
        {"wanted": wanted},
    )
    ctx.rows_rejected += ctx.reject_rows("stg_other", "other")


def refuse_other_source(ctx: ImportContext, wanted: str) -> None:
    """Raise a one-line error naming the source the file looks like instead."""
    from supportstats.importers import sources

    scores = sorted(
        ((m.sniff(ctx.probe), name) for name, m in sources().items() if name != SOURCE),
        reverse=True,
    )
    guess = scores[0][1] if scores and scores[0][0] >= 0.5 else None
    looks = f"; it looks like a {guess} export" if guess else ""
    raise InputFileError(
        f"{ctx.probe.path}: no {wanted} found{looks}",
        f"import it with --source {guess}" if guess else "check that this is the right file",
    )


def reject_repeated_keys(ctx: ImportContext, staged: str, key: str, what: str) -> None:
    """Reject the second and later rows sharing ``key`` among rows derived from one record.

    The pipeline's duplicate check tells rows apart by ``_row``, which child rows unnested from
    one record share; without this both copies would be inserted under one key.
    """
    ctx.execute(
        f"UPDATE {staged} SET _reject_column = 'id', _reject_reason = 'duplicate {what} ' || "
        f"split_part(d.k, ':', -1) || ' in the same record; the first was kept' FROM (SELECT "
        f"rowid AS rid, {key} AS k, row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS n "
        f"FROM {staged} WHERE _reject_reason IS NULL) d WHERE {staged}.rowid = d.rid AND d.n > 1"
    )


def unwrap_pages(ctx: ImportContext, path: str) -> None:
    """Replace ``stg_raw`` by the items of the ``path`` array in each staged document.

    Does what ``ctx.stage_json(records=path)`` means to do; that call currently fails on
    DuckDB 2.0 (``range()`` of an unsigned length), so the unnesting is done here.
    """
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_raw AS SELECT row_number() OVER (ORDER BY _doc, i) "
        "AS _row, NULL::BIGINT AS _line, item AS record, NULL::VARCHAR AS _stream FROM ("
        "SELECT _row AS _doc, unnest(json_extract(record, $p || '[*]')) AS item, "
        "unnest(range(CAST(json_array_length(record, $p) AS BIGINT))) AS i FROM stg_raw "
        "WHERE json_type(record, $p) = 'ARRAY')",
        {"p": path},
        label="unwrapping pages",
    )
