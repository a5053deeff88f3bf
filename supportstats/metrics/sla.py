"""SLA attainment per metric x priority, calendar or business hours (docs/metrics.md#sla)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope, dims, where
from supportstats.metrics._query import Query
from supportstats.metrics._sql import relation, render, used_params
from supportstats.metrics.concurrency import as_of

METRICS = ("first_response", "resolution", "wait")
_DEFAULT_WAIT = 120.0


def targets_sql(q: Query) -> tuple[str, dict[str, float | None]]:
    """SQL of (metric, priority, target_s): options override ``sla_target`` rows per metric.

    ``sla_wait_s`` keeps its default (120 s, DESIGN §1) only where ``sla_target`` has no wait
    target; any other value overrides.
    """
    o = q.options
    given = {
        "first_response": o.sla_first_response_s,
        "resolution": o.sla_resolution_s,
        "wait": o.sla_wait_s,
    }
    table_metrics = {
        r[0] for r in q.conn.execute("select distinct metric from sla_target").fetchall()
    }
    overrides = {
        m: v
        for m, v in given.items()
        if v is not None and not (m == "wait" and v == _DEFAULT_WAIT and m in table_metrics)
    }
    params = {f"sla_{m}": overrides.get(m) for m in METRICS}
    sql = f"""
        select metric, priority, target_s from sla_target
        where not list_contains($sla_overridden::varchar[], metric)
        union all
        select * from (
            {
        " union all ".join(
            f"select '{m}' as metric, null::varchar as priority, $sla_{m}::double as target_s"
            for m in METRICS
        )
    }
        ) where target_s is not null
    """
    params["sla_overridden"] = list(overrides) or [""]  # type: ignore[assignment]
    return sql, params


def sla(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group, metric and priority: ``target_s``, ``met``, ``breached``, ``pending``,
    ``attainment`` (met / (met + breached), in [0, 1]).

    Values use the option ``clock`` (business hours from schedules and holidays); resolution
    pauses in ``pause_statuses`` (calendar clock). Open conversations past their target count
    as breached (calendar clock) or pending (business clock).
    """
    targets, tparams = targets_sql(q)
    scope = Scope(event_time="f.clock_start", agent="f.credited")
    calendar = q.options.clock == "calendar"
    sql = render(
        "metrics/sla",
        facts=q.facts(),
        status_interval=render("views/status_interval"),
        targets=targets,
        agent_frt=q.credited("f.responder_agent_key"),
        agent_res=q.credited("f.resolver_agent_key"),
        agent_wait=q.credited("coalesce(f.answering_agent_key, f.assignee_agent_key)"),
        pause_sql="coalesce(p.paused_s, 0)" if calendar else "0",
        calendar="true" if calendar else "false",
        dims=dims(q.by, scope, q.options),
        where=where(scope, q.options),
    )
    params = {
        **q.params(),
        **tparams,
        "pause": list(q.options.pause_statuses) or [""],
        "as_of": as_of(q),
    }
    return relation(q.conn, sql, used_params(sql, params))
