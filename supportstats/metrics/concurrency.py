"""Concurrency per agent: time-weighted mean, max, share of time at >= k chats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from supportstats.metrics._groups import TIME_GROUPS, Scope, dims, local_time
from supportstats.metrics._query import Query
from supportstats.metrics._sql import cached_table, create_temp, relation, render

BEGIN = {
    "assignment": "started_at",
    "accept": "coalesce(accepted_at, first_agent_message_at)",
    "first_message": "first_agent_message_at",
}
# groups an agent-level metric can be split by
AGENT_GROUPS = ("agent", "team", *TIME_GROUPS)


def supports(by: tuple[str, ...]) -> bool:
    """Whether agent-level metrics (concurrency, occupancy) can be grouped this way."""
    return all(b in AGENT_GROUPS for b in by)


def as_of(q: Query) -> dt.datetime:
    """Where open engagements and status intervals end: the period end, or now (to the minute)."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    return min(q.period.end, now) if q.period.end else now


def bucket_minutes(q: Query) -> int:
    """Width of the time pieces intervals are cut into: the finest time group, else a day."""
    if "interval" in q.by:
        return q.options.interval_min
    if "hour_of_day" in q.by:
        return 60
    return 1440


def agent_params(q: Query) -> dict[str, Any]:
    """Parameters of the agent-level families."""
    return {
        **q.params(),
        "as_of": as_of(q),
        "chat_capacity": q.options.chat_capacity,
        "concurrency_k": q.options.concurrency_k,
        "bucket_min": bucket_minutes(q),
    }


def segments(q: Query) -> str:
    """Temp table of engagement segments (``sql/views/engagement_segment.sql``) for the period."""
    params = agent_params(q)
    key = {
        "begin": q.options.concurrency_start,
        "cap": q.options.chat_capacity,
        "start": params["start"],
        "end": params["end"],
        "as_of": params["as_of"],
    }
    if "seg" in q._memo:
        return q._memo["seg"]
    asg = q.assignments()

    def build(name: str) -> None:
        sql = render("views/engagement_segment", asg=asg, begin=BEGIN[q.options.concurrency_start])
        create_temp(q.conn, name, sql, params)

    q._memo["seg"] = cached_table(q.conn, "seg", key, build, q.fingerprint())
    return q._memo["seg"]


def segment_days(q: Query) -> str:
    """Temp table of the segments rolled up per agent and local day (``views/segment_day``)."""
    if "segday" in q._memo:
        return q._memo["segday"]
    seg = segments(q)
    key = {"seg": seg, "tz": q.options.timezone, "k": q.options.concurrency_k}

    def build(name: str) -> None:
        day = f"time_bucket(interval 1 day, {local_time('s', q.options)})"
        sql = render("views/segment_day", segments=seg, day=day)
        create_temp(q.conn, name, sql, agent_params(q))

    q._memo["segday"] = cached_table(q.conn, "segday", key, build, q.fingerprint())
    return q._memo["segday"]


def split(q: Query, table_sql: str, always: bool = False) -> str:
    """SQL of ``table_sql`` (columns s, e, ...) cut into buckets when grouped by time."""
    if not always and not any(b in TIME_GROUPS for b in q.by):
        return table_sql
    return render("views/bucket_split", input=f"({table_sql})")


def agent_scope() -> Scope:
    """Agent-level rows: the piece start is the time anchor whatever the cohort."""
    return Scope(event_time="f.s", agent="f.agent_key", created_time="f.s")


def concurrency(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``busy_s``, ``concurrency_mean``, ``concurrency_max``, ``concurrency_share_ge_k``.

    Engagements start at assignment (option ``concurrency_start``) and end when the agent
    leaves or the chat ends; the mean is time-weighted over the time the agent had at least
    one engagement. Only agent, team and time groups apply.
    """
    if not any(b in TIME_GROUPS for b in q.by):
        # the whole period per agent or team: the per-day rollup has every sum needed
        sql = render(
            "metrics/concurrency_days",
            days=segment_days(q),
            dims=dims(q.by, agent_scope(), q.options),
        )
        return relation(q.conn, sql, agent_params(q))
    seg = segments(q)
    sql = render(
        "metrics/concurrency",
        segments=split(q, f'select * from "{seg}"'),
        dims=dims(q.by, agent_scope(), q.options),
    )
    return relation(q.conn, sql, agent_params(q))
