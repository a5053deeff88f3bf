"""Zendesk Support: incremental ticket export, ticket metrics, CSAT, audits, users, groups.

One module reads every JSON shape a Zendesk Support export arrives in, and one file may mix
them (an Airbyte/Faros sync log holds tickets, ticket_metrics, satisfaction_ratings, users and
groups side by side):

* API pages: ``{"tickets": [...], "metric_sets": [...]}`` (incremental ticket export with
  ``include=metric_sets``; several pages may be concatenated as JSON Lines), ``ticket_metrics``,
  ``satisfaction_ratings``, ``audits``, ``comments``, ``users``, ``groups``, ``tags`` pages;
* Airbyte RECORD lines (``{"stream", "data"}``) and Faros-wrapped ones, any stream prefix;
* bare records (a JSON array or JSON Lines of tickets, ratings, audits, ...);
* account settings: ``{"schedules": [...]}`` / ``{"schedule": {...}}`` (business hours),
  ``{"holidays": [...]}`` (one schedule's holidays: the schedule id comes from the records'
  ``schedule_id`` or the file name ``schedules_<id>_holidays.json``), ``{"sla_policies":
  [...]}`` and ``{"organizations": [...]}``, as API bodies, Airbyte records or bare records.

Mapping (``sql/staging/zendesk__*.sql``): tickets -> ``conversation`` with the metric set's
minutes as seconds in ``src_*`` and ``metric_set.solved_at`` as a ``resolve`` event; audits and
comments -> ``message`` (public/internal, author role from requester/agents) and
``conversation_event`` (status, assignee, group, priority, other field changes); satisfaction
ratings -> ``rating`` (good/bad; offered = an offer, not a response); users -> ``agent`` /
``contact``; groups -> ``team`` and ``queue``; the tags list -> ``source_aggregate``;
schedules -> ``schedule`` + ``schedule_interval`` (ActiveSupport zone names as IANA names,
intervals split per local day) with the default schedule (lowest id) as the account's
``schedule_assignment``; holidays -> ``schedule_holiday``; SLA policies -> ``sla_policy``
(position, filter) + ``sla_target`` (per priority, business hours per target); organizations
-> ``organization`` (``sql/staging/zendesk__settings*.sql``).

Counting: ``rows_read`` counts the records of the file's main entity, the first present of
tickets, audits, comments, ratings, metric sets, users, groups, tags, schedules, holidays,
SLA policies, organizations; the other records are loaded alongside (their rejects are kept
too).
"""

from __future__ import annotations

import re

from supportstats.errors import InputFileError
from supportstats.importers._models import staged_table
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe
from supportstats.importers._zones import RAILS_ZONES

SOURCE = "zendesk"
DESCRIPTION = (
    "Zendesk Support JSON: incremental ticket export (metric_sets), ticket metrics, "
    "satisfaction ratings, ticket audits/comments, users, groups, schedules, holidays, SLA "
    "policies, organizations (raw API or Airbyte/Faros)"
)

# Main entity of a file: the first kind present; (import_batch entity, staged table, target).
MAIN_ORDER = (
    "ticket", "audit", "comment", "rating", "metric_set", "user", "group", "tag",
    "schedule", "holiday", "sla_policy", "organization",
)  # fmt: skip
SETTINGS = ("schedule", "holiday", "sla_policy", "organization")
ENTITY_NAME = {
    "ticket": "conversation",
    "audit": "ticket_audit",
    "comment": "message",
    "rating": "rating",
    "metric_set": "ticket_metric",
    "user": "user",
    "group": "team",
    "tag": "source_aggregate",
    "schedule": "schedule",
    "holiday": "schedule_holiday",
    "sla_policy": "sla_policy",
    "organization": "organization",
}

_PAGE_KEY = re.compile(
    r'"(tickets|ticket_metrics|metric_sets|satisfaction_ratings|audits)"\s*:\s*\['
)
_API_URL = re.compile(
    r"/api/v2/(tickets|ticket_metrics|satisfaction_ratings|ticket_audits|users|groups)/\d+\.json"
)
_STREAM = re.compile(
    r'"stream"\s*:\s*"[^"]*?(tickets|ticket_metrics|satisfaction_ratings|ticket_audits|'
    r'ticket_comments|schedules|sla_policies)"'
)
# Account settings: business-hours schedules, holidays, SLA policies, organizations.
_SETTINGS = (
    re.compile(r'"(schedules|schedule)"\s*:\s*[\[{].*?"time_zone"', re.S),
    re.compile(r'"(sla_policies|sla_policy)"\s*:\s*[\[{].*?"policy_metrics"', re.S),
    re.compile(r'"holidays?"\s*:\s*[\[{].*?"start_date"', re.S),
    re.compile(r'"organizations?"\s*:\s*[\[{].*?"domain_names"', re.S),
    re.compile(r'"policy_metrics"\s*:\s*\[.*?"metric"', re.S),
    re.compile(r'"intervals"\s*:\s*\[\s*\{\s*"start_time"', re.S),
)
# The schedule a holidays file belongs to, from its name (schedules_123_holidays.json).
_HOLIDAY_FILE = re.compile(r"schedules?[_\-. ]?(\d+)", re.I)
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
    if any(p.search(text) for p in _SETTINGS):
        return 0.85
    if _API_URL.search(text) and ("zendesk" in text):
        return 0.85
    if '"reply_time_in_minutes"' in text or (
        '"requester_id"' in text and '"via"' in text and '"status"' in text
    ):
        return 0.7
    return 0.0


def holiday_schedule_id(probe: FileProbe) -> str | None:
    """The schedule id a holidays file's name gives (``schedules_<id>_holidays.json``)."""
    name = probe.path.name
    if "holiday" not in name.lower():
        return None
    match = _HOLIDAY_FILE.search(name)
    return match.group(1) if match else None


def file_identity(probe: FileProbe) -> dict[str, str]:
    """What the file's name adds to an import's identity: a holidays file's schedule id (the
    same holidays under two schedules are two imports)."""
    sid = holiday_schedule_id(probe)
    return {"zendesk_schedule_id": sid} if sid else {}


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
    ctx.define_macros("zendesk__macros")
    ctx.stage("zendesk__int_items", label="splitting records")
    ctx.stage("zendesk__int_item_offsets", label="splitting records")
    # read once per kind by the models after it: a view, no copy
    records = ctx.stage("zendesk__int_records", view=True)
    counts = dict(
        ctx.conn.execute(f"SELECT kind, count(*) FROM {records} GROUP BY kind").fetchall()
    )
    main = next((k for k in MAIN_ORDER if counts.get(k)), None)
    if main is None:
        raise InputFileError(
            f"{ctx.probe.path}: no Zendesk Support tickets, metrics, ratings, audits, "
            "comments, users, groups, schedules, holidays, SLA policies or organizations found",
            other_source_hint(ctx.probe, SOURCE),
        )
    ctx.entity = ENTITY_NAME[main]
    ctx.records_read(int(counts[main]))

    ctx.stage("zendesk__int_users")
    people = {name: ctx.stage(f"zendesk__{name}") for name in ("agent", "contact", "team")}
    queues, tags = ctx.stage("zendesk__queue"), ctx.stage("zendesk__tag")
    ctx.upsert("agent", people["agent"], main=main == "user", id_label="user id")
    ctx.upsert("contact", people["contact"], main=main == "user", id_label="user id")
    ctx.upsert("team", people["team"], main=main == "group", id_label="group id")
    ctx.upsert("queue", queues, main=False, id_label="group id")
    ctx.upsert("source_aggregate", tags, main=main == "tag")

    # Not yet one SELECT per model (docs/importers.md, Known gaps): tickets, ratings and
    # audits read helper columns of the staged tickets after their upsert.
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
        ratings = ctx.stage("zendesk__rating", label="typing ratings")
        ctx.upsert("rating", ratings, main=main == "rating", id_label="rating id")

    if counts.get("audit") or counts.get("comment"):
        ctx.run_sql("staging/zendesk__audits.sql", label="typing audits")
        if main == "audit":
            # An audit is loaded when its events are; the rows it yields are counted apart.
            ctx.set_aside("stg_zd_audit", "ticket_audit")
            ctx.count_loaded("stg_zd_audit")
        ctx.upsert("message", "stg_zd_message", main=main == "comment", id_label="comment id")
        ctx.upsert("conversation_event", "stg_zd_event", main=False, id_label="event id")
        ctx.upsert("conversation", "stg_zd_audit_conversation", main=False)

    if any(counts.get(k) for k in SETTINGS):
        _load_settings(ctx, main)
    _keep_unknown(ctx)


def _load_settings(ctx: ImportContext, main: str) -> None:
    """Schedules, holidays, SLA policies and organizations (``zendesk__settings*.sql``)."""
    holiday_sid = holiday_schedule_id(ctx.probe)
    if main == "holiday" and holiday_sid is None:
        named = ctx.count(
            f"SELECT count(*) FROM {staged_table('zendesk__int_records')} WHERE kind = 'holiday' "
            "AND json_type(record, '$.schedule_id') IS NOT NULL"
        )
        if not named:
            raise InputFileError(
                f"{ctx.probe.path}: Zendesk holidays, but no schedule they belong to (the API "
                "body does not say)",
                "name the file after its schedule, as the API path is: "
                "schedules_<schedule id>_holidays.json",
            )
    ctx.stage("zendesk__int_zones", rails=list(RAILS_ZONES), iana=list(RAILS_ZONES.values()))
    ctx.stage("zendesk__int_schedules")
    holidays = ctx.stage("zendesk__int_holidays", zd_schedule_id=holiday_sid)
    ctx.stage("zendesk__int_sla_policies")
    schedules = ctx.stage("zendesk__schedule")
    policies = ctx.stage("zendesk__sla_policy")
    organizations = ctx.stage("zendesk__organization")
    ctx.upsert("schedule", schedules, main=main == "schedule", id_label="schedule id")
    ctx.upsert("sla_policy", policies, main=main == "sla_policy", id_label="SLA policy id")
    ctx.upsert(
        "organization", organizations, main=main == "organization", id_label="organization id"
    )
    ctx.set_aside(holidays, "schedule_holiday", counted=main == "holiday")
    if main == "holiday":
        ctx.entity = "schedule_holiday"
        ctx.count_loaded(holidays)
    ctx.stage("zendesk__int_kept_schedules")
    ctx.stage("zendesk__int_kept_sla_policies")
    # intervals, the default schedule, holidays and SLA targets: tables upsert does not key
    ctx.run_sql("load/zendesk__settings.sql")


def _keep_unknown(ctx: ImportContext) -> None:
    """Records of connector streams with no canonical table (e.g. ticket_fields) are skipped
    by rule and kept in import_reject, raw; records of no known shape are kept as rejects.
    Neither is counted: rows_read counts the file's main records."""
    ctx.run_sql("load/zendesk__unknown_streams.sql")
