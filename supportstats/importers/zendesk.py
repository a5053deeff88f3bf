"""Zendesk Support: incremental ticket export, ticket metrics, CSAT, audits, users, groups.

One module reads every JSON shape a Zendesk Support export arrives in, and one file may mix
them (an Airbyte/Faros sync log holds tickets, ticket_metrics, satisfaction_ratings, users and
groups side by side):

* API pages: ``{"tickets": [...], "metric_sets": [...]}`` (incremental ticket export with
  ``include=metric_sets``; several pages may be concatenated as JSON Lines), ``ticket_metrics``,
  ``satisfaction_ratings``, ``audits``, ``comments``, ``users``, ``groups``, ``tags`` pages;
* Airbyte RECORD lines (``{"stream", "data"}``) and Faros-wrapped ones, any stream prefix;
* bare records (a JSON array or JSON Lines of tickets, ratings, audits, ...).

Mapping (``sql/staging/zendesk__*.sql``): tickets -> ``conversation`` with the metric set's
minutes as seconds in ``src_*`` and ``metric_set.solved_at`` as a ``resolve`` event; audits and
comments -> ``message`` (public/internal, author role from requester/agents) and
``conversation_event`` (status, assignee, group, priority, other field changes); satisfaction
ratings -> ``rating`` (good/bad; offered = an offer, not a response); users -> ``agent`` /
``contact``; groups -> ``team`` and ``queue``; the tags list -> ``source_aggregate``.

Counting: ``rows_read`` counts the records of the file's main entity, the first present of
tickets, audits, comments, ratings, metric sets, users, groups, tags; the other records are
loaded alongside (their rejects are kept too).
"""

from __future__ import annotations

import re

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import REJECT_COLUMNS, ImportContext
from supportstats.importers._read import FileProbe

SOURCE = "zendesk"
DESCRIPTION = (
    "Zendesk Support JSON: incremental ticket export (metric_sets), ticket metrics, "
    "satisfaction ratings, ticket audits/comments, users, groups (raw API or Airbyte/Faros)"
)

# Main entity of a file: the first kind present; (import_batch entity, staged table, target).
MAIN_ORDER = ("ticket", "audit", "comment", "rating", "metric_set", "user", "group", "tag")
ENTITY_NAME = {
    "ticket": "conversation",
    "audit": "ticket_audit",
    "comment": "message",
    "rating": "rating",
    "metric_set": "ticket_metric",
    "user": "user",
    "group": "team",
    "tag": "source_aggregate",
}

_PAGE_KEY = re.compile(
    r'"(tickets|ticket_metrics|metric_sets|satisfaction_ratings|audits)"\s*:\s*\['
)
_API_URL = re.compile(
    r"/api/v2/(tickets|ticket_metrics|satisfaction_ratings|ticket_audits|users|groups)/\d+\.json"
)
_STREAM = re.compile(
    r'"stream"\s*:\s*"[^"]*?(tickets|ticket_metrics|satisfaction_ratings|ticket_audits|'
    r'ticket_comments)"'
)
_CHAT = re.compile(r'"chat\.(msg|memberjoin|memberleave)"|"agent_timeline"|"agent_names"\s*:')


def sniff(probe: FileProbe) -> float:
    """Confidence that ``probe`` is a Zendesk Support export (JSON only)."""
    if probe.file_kind not in ("json", "jsonl"):
        return 0.0
    text = probe.text
    if _CHAT.search(text):
        return 0.05  # Zendesk Chat: its own importer
    if _PAGE_KEY.search(text) or _STREAM.search(text):
        return 0.9
    if _API_URL.search(text) and ("zendesk" in text):
        return 0.85
    if '"reply_time_in_minutes"' in text or (
        '"requester_id"' in text and '"via"' in text and '"status"' in text
    ):
        return 0.7
    return 0.0


def other_source_hint(probe: FileProbe, this: str) -> str:
    """'it looks like a X export; use --source X' when another importer claims the file."""
    from supportstats.importers import sources

    scored = sorted(
        ((m.sniff(probe), name) for name, m in sources().items() if name != this), reverse=True
    )
    if scored and scored[0][0] >= 0.5:
        name = scored[0][1]
        return f"it looks like a {name} export: import it with --source {name}"
    return "export tickets, ticket metrics, satisfaction ratings or audits as JSON from Zendesk"


def load(ctx: ImportContext) -> None:
    """Stage the file, split it into records by kind, and load each kind."""
    # A million records must not take the machine's memory: past the budget DuckDB
    # spills temp tables to disk (the setting in force before is restored).
    with ctx.memory_budget():
        _load(ctx)


def _load(ctx: ImportContext) -> None:
    # The file is read once, straight into one row per record (no copy of the whole file).
    ctx.stream_json("stg_raw")
    ctx.staged_from_stream("staging/zendesk__items.sql", label="splitting records")
    counts = dict(
        ctx.conn.execute("SELECT kind, count(*) FROM stg_zd_item GROUP BY kind").fetchall()
    )
    main = next((k for k in MAIN_ORDER if counts.get(k)), None)
    if main is None:
        raise InputFileError(
            f"{ctx.probe.path}: no Zendesk Support tickets, metrics, ratings, audits, "
            "comments, users or groups found",
            other_source_hint(ctx.probe, SOURCE),
        )
    ctx.entity = ENTITY_NAME[main]
    ctx.rows_read = int(counts[main])

    ctx.run_sql("staging/zendesk__people.sql")
    ctx.upsert("agent", "stg_zd_agent", main=main == "user", id_label="user id")
    ctx.upsert("contact", "stg_zd_contact", main=main == "user", id_label="user id")
    ctx.upsert("team", "stg_zd_team", main=main == "group", id_label="group id")
    ctx.upsert("queue", "stg_zd_queue", main=False, id_label="group id")
    ctx.upsert("source_aggregate", "stg_zd_tag", main=main == "tag")

    ctx.run_sql("staging/zendesk__tickets.sql", label="typing tickets")
    ctx.upsert("conversation", "stg_zd_conversation", main=main == "ticket", id_label="ticket id")
    ctx.upsert(
        "conversation",
        "stg_zd_metric_conversation",
        main=main == "metric_set",
        id_label="ticket_id",
    )
    ctx.upsert("conversation_event", "stg_zd_ticket_event", main=False)
    # The tickets are written: what later steps need of them is small (keys, the rating).
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_zd_conversation AS SELECT * EXCLUDE (raw, _raw, "
        "custom_attributes, tags, subject) FROM stg_zd_conversation"
    )

    if counts.get("rating") or counts.get("ticket"):
        ctx.run_sql("staging/zendesk__ratings.sql", label="typing ratings")
        ctx.upsert("rating", "stg_zd_rating", main=main == "rating", id_label="rating id")

    if counts.get("audit") or counts.get("comment"):
        ctx.run_sql("staging/zendesk__audits.sql", label="typing audits")
        if main == "audit":
            # An audit is loaded when its events are; the rows it yields are counted apart.
            ctx.rows_rejected += ctx.reject_rows("stg_zd_audit", "ticket_audit")
            ctx.rows_loaded += ctx.count(
                "SELECT count(*) FROM stg_zd_audit WHERE _reject_reason IS NULL"
            )
        ctx.upsert("message", "stg_zd_message", main=main == "comment", id_label="comment id")
        ctx.upsert("conversation_event", "stg_zd_event", main=False, id_label="event id")
        ctx.upsert("conversation", "stg_zd_audit_conversation", main=False)

    _keep_unknown(ctx)


def _keep_unknown(ctx: ImportContext) -> None:
    """Records of connector streams with no canonical table (e.g. ticket_fields) are skipped
    by rule and kept in import_reject, raw; records of no known shape are kept as rejects.
    Neither is counted: rows_read counts the file's main records."""
    ctx.execute(
        f"INSERT INTO import_reject ({REJECT_COLUMNS}) SELECT $b, substr(kind, 7), _row, "
        "_line, NULL, record::VARCHAR, CASE WHEN kind = 'other:unknown' "
        "THEN 'not a Zendesk Support record this importer knows; kept here, not loaded' "
        "ELSE 'Zendesk ' || substr(kind, 7) || ' records have no canonical table; kept "
        "here, not loaded (a connector file holds every stream it synced)' END, "
        "kind <> 'other:unknown' FROM stg_zd_item WHERE kind LIKE 'other:%'",
        {"b": ctx.batch_id},
    )
