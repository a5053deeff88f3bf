"""Concurrency per agent: time-weighted mean, max, share of time at >= k chats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from supportstats.metrics import stored_segments
from supportstats.metrics._groups import TIME_GROUPS, Scope, dims, local_time
from supportstats.metrics._query import Query
from supportstats.metrics._sql import cached_table, create_temp, relation, render
from supportstats.metrics.sweep import per_agent, sweep

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


def _segment_key(q: Query) -> dict[str, Any]:
    """What the segments depend on besides the data."""
    params = agent_params(q)
    return {
        "begin": q.options.concurrency_start,
        "cap": q.options.chat_capacity,
        "start": params["start"],
        "end": params["end"],
        "as_of": params["as_of"],
    }


@dataclass(frozen=True)
class Stretches:
    """The live stretches as numpy arrays (see :mod:`.sweep`) and the agent keys their
    agent indexes point into."""

    agent: np.ndarray
    start_us: np.ndarray
    end_us: np.ndarray
    is_chat: np.ndarray
    keys: pa.Array


def live_stretches(q: Query) -> Stretches:
    """The live stretches of the period (``views/live_stretch``), read once per query."""
    if "stretches" not in q._memo:
        sql = render(
            "views/live_stretch",
            asg=q.assignment_source(),
            begin=BEGIN[q.options.concurrency_start],
        )
        data = relation(q.conn, sql, agent_params(q)).to_arrow_table()
        agents = pc.dictionary_encode(data.column("agent_key").combine_chunks())
        q._memo["stretches"] = Stretches(
            agents.indices.to_numpy(zero_copy_only=False),
            data.column("s_us").to_numpy(),
            data.column("e_us").to_numpy(),
            data.column("is_chat").to_numpy(),
            agents.dictionary,
        )
    return q._memo["stretches"]


def _from_arrow(q: Query, name: str, data: pa.Table, sql_name: str, **fragments: str) -> None:
    """Temp table ``name`` of ``sql/<sql_name>.sql`` reading ``data`` as ``{{sweep}}``."""
    view = f"{name}_sweep"
    q.conn.register(view, data)
    try:
        create_temp(q.conn, name, render(sql_name, sweep=view, **fragments), agent_params(q))
    finally:
        q.conn.unregister(view)


def _swept_by_engine(q: Query, name: str, sql_name: str, kind: str) -> bool:
    """Temp table ``name`` of ``sql/<sql_name>.sql`` over the sweep done per agent by the
    connection itself, when it offers one (``sweep_per_agent``: the Spark engine, on its
    executors, with the same numpy functions); False when it does not."""
    per_agent_sweep = getattr(q.conn, "sweep_per_agent", None)
    if per_agent_sweep is None:
        return False
    sql = render(
        "views/live_stretch", asg=q.assignment_source(), begin=BEGIN[q.options.concurrency_start]
    )
    view = f"{name}_sweep"
    per_agent_sweep(view, sql, agent_params(q), kind, q.options.concurrency_k)
    try:
        create_temp(q.conn, name, render(sql_name, sweep=view), agent_params(q))
    finally:
        q.conn.unregister(view)
    return True


def stored_segments_apply(q: Query) -> bool:
    """Whether the stored pieces (``fact_segment``) give this query's segments: stored facts,
    engagements counted from assignment (the stored definition), and no open stretch (which
    ends "now" and is never stored) reaching into the period."""
    if "stored_seg" not in q._memo:
        q._memo["stored_seg"] = (
            q.stored()
            and q.options.concurrency_start == "assignment"
            and not q.conn.execute(
                "select exists (select 1 from fact_assignment where is_live "
                "and ended_at is null and started_at < $end)",
                {"end": agent_params(q)["end"]},
            ).fetchall()[0][0]
        )
    return q._memo["stored_seg"]


# the stored pieces clipped to the period, as engagement_segment.sql gives them
_STORED = f"""(
    select agent_key, greatest(s, $start) as s, least(e, $end) as e, c,
        chats / $chat_capacity + (c - chats) as load
    from {stored_segments.TABLE}
    where s < $end and e > $start
)"""


def segment_source(q: Query) -> str:
    """FROM-clause text of the period's engagement segments (``views/engagement_segment``):
    the stored pieces clipped to the period, or a temp table swept from the period's live
    stretches (:mod:`.sweep`)."""
    if stored_segments_apply(q):
        return _STORED
    return f'"{segments(q)}"'


def segments(q: Query) -> str:
    """Temp table of engagement segments (``sql/views/engagement_segment.sql``) for the period:
    the live stretches (``views/live_stretch``) swept in numpy (:mod:`.sweep`)."""
    if "seg" in q._memo:
        return q._memo["seg"]

    def build(name: str) -> None:
        if _swept_by_engine(q, name, "views/engagement_segment", "segments"):
            return
        st = live_stretches(q)
        found = sweep(st.agent, st.start_us, st.end_us, st.is_chat)
        data = pa.table(
            {
                "agent_key": pa.DictionaryArray.from_arrays(found.agent, st.keys),
                "s": pa.array(found.start_us, pa.timestamp("us", tz="UTC")),
                "e": pa.array(found.end_us, pa.timestamp("us", tz="UTC")),
                "c": found.c,
                "chats": found.chats,
            }
        )
        _from_arrow(q, name, data, "views/engagement_segment")

    q._memo["seg"] = cached_table(q.conn, "seg", _segment_key(q), build, q.fingerprint())
    return q._memo["seg"]


_STORED_TOTALS = f"""
select agent_key,
    sum(epoch(e) - epoch(s)) as busy_s,
    sum(c * (epoch(e) - epoch(s))) as cd_s,
    max(c) as max_c,
    coalesce(sum(epoch(e) - epoch(s)) filter (where c >= $concurrency_k), 0) as busy_ge_k_s
from {_STORED}
group by agent_key
"""


def segment_totals(q: Query) -> str:
    """Temp table of the concurrency sums per agent over the whole period (the columns of
    ``views/segment_day`` that concurrency reads): summed from the stored pieces, or reduced
    from the sweep in numpy. Concurrency not grouped by time needs neither the segment table
    nor the per-day rollup."""
    if "segtotal" in q._memo:
        return q._memo["segtotal"]
    key = {**_segment_key(q), "k": q.options.concurrency_k}

    def build(name: str) -> None:
        if stored_segments_apply(q):
            create_temp(q.conn, name, _STORED_TOTALS, agent_params(q))
            return
        if _swept_by_engine(q, name, "views/segment_total", "totals"):
            return
        st = live_stretches(q)
        totals = per_agent(st.agent, st.start_us, st.end_us, st.is_chat, q.options.concurrency_k)
        data = pa.table(
            {
                "agent_key": pa.DictionaryArray.from_arrays(totals.pop("agent"), st.keys),
                **totals,
            }
        )
        _from_arrow(q, name, data, "views/segment_total")

    q._memo["segtotal"] = cached_table(q.conn, "segtotal", key, build, q.fingerprint())
    return q._memo["segtotal"]


def segment_days(q: Query) -> str:
    """Temp table of the segments rolled up per agent and local day (``views/segment_day``)."""
    if "segday" in q._memo:
        return q._memo["segday"]
    seg = segment_source(q)
    key = {"seg": seg, **_segment_key(q), "tz": q.options.timezone, "k": q.options.concurrency_k}

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
        # the whole period per agent or team: the per-agent sums are all it needs
        sql = render(
            "metrics/concurrency_totals",
            totals=segment_totals(q),
            agent_team=render("views/agent_current_team"),
            dims=dims(q.by, agent_scope(), q.options),
        )
        return relation(q.conn, sql, agent_params(q))
    sql = render(
        "metrics/concurrency",
        segments=split(q, f"select * from {segment_source(q)}"),
        agent_team=render("views/agent_current_team"),
        dims=dims(q.by, agent_scope(), q.options),
    )
    return relation(q.conn, sql, agent_params(q))
