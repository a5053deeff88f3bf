"""Occupancy and utilisation per agent (docs/metrics.md#occupancy-utilisation).

From ``agent_status_interval`` where an agent has status rows (``utilisation_source =
'status'``), else from engagements alone (``'engagements'``: the span from the first to the
last engagement of each day stands in for logged-in time). The column says which.
"""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import TIME_GROUPS, dims, local_time
from supportstats.metrics._query import Query
from supportstats.metrics._sql import relation, render
from supportstats.metrics.concurrency import (
    agent_params,
    agent_scope,
    segment_days,
    segment_source,
    split,
)

DENOMINATOR = {
    "available_occupied": "('available', 'occupied')",
    "logged_in": "('available', 'occupied', 'away', 'break')",
}
_BUCKET = "time_bucket(to_minutes($bucket_min), {local})"
_DAY = "time_bucket(interval 1 day, {local})"
_STATUS = """
select
    agent_key,
    status_class,
    greatest(started_at, $start) as s,
    least(coalesce(ended_at, $as_of), $end) as e
from agent_status_interval
where least(coalesce(ended_at, $as_of), $end) > greatest(started_at, $start)
"""

# agents without status rows: first start to last end of engagement time per bucket
FROM_SEGMENTS = """
    select
        agent_key,
        b_eng as b,
        epoch(max(e)) - epoch(min(s)) as den_s,
        sum(epoch(e) - epoch(s)) as busy_s,
        sum(load * (epoch(e) - epoch(s))) as load_s,
        'engagements' as source
    from seg
    anti join with_status using (agent_key)
    group by all"""
# the same per local day, from the rollup (not grouped by time)
FROM_DAYS = """
    select
        agent_key,
        b_eng as b,
        epoch(last_e) - epoch(first_s) as den_s,
        busy_s,
        load_s,
        'engagements' as source
    from "{days}"
    anti join with_status using (agent_key)"""


def utilisation(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``staffed_s``, ``occupancy``, ``utilisation``, ``utilisation_source``.

    occupancy = time with at least one engagement / denominator time; utilisation = engagement
    load / denominator time, a chat weighing 1/``chat_capacity`` (3 by default) and a call 1.
    The denominator is available + occupied status time (option ``utilisation_denominator``).
    """
    timed = any(b in TIME_GROUPS for b in q.by)
    local = local_time("s", q.options)
    sql = render(
        "metrics/utilisation",
        segments=split(q, f"select * from {segment_source(q)}"),
        status=split(q, _STATUS),
        b=_BUCKET.format(local=local) if timed else "timestamp '2000-01-01'",
        b_eng=(_BUCKET if timed else _DAY).format(local=local),
        den_classes=DENOMINATOR[q.options.utilisation_denominator],
        from_engagements=FROM_SEGMENTS if timed else FROM_DAYS.format(days=segment_days(q)),
        agent_team=render("views/agent_current_team"),
        dims=dims(q.by, agent_scope(), q.options),
    )
    return relation(q.conn, sql, agent_params(q))
