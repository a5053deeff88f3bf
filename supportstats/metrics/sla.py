"""SLA attainment per metric x priority, calendar or business hours (docs/metrics.md#sla).

Targets come from ``sla_target`` (and the ``sla_*_s`` options). A vendor's policies (rows of
``sla_policy`` with a ``filter``, as the Zendesk importer writes them) apply to the
conversations of their source the way the vendor applies them: the first policy by position
whose conditions match (``sql/views/sla_policy_match.sql``), its target for the metric and
the conversation's priority, in the target's own clock (business hours or calendar).
"""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd

from supportstats.errors import OptionError
from supportstats.metrics._groups import Scope, dims, where
from supportstats.metrics._query import Query
from supportstats.metrics._sql import cached_table, create_temp, relation, render, used_params
from supportstats.metrics.concurrency import as_of

METRICS = ("first_response", "next_reply", "resolution", "wait")
# Metrics measured here; vendor targets of other metrics (Zendesk requester_wait_time,
# agent_work_time, periodic/pausable update time) are stored, not measured.
_OPTION = {"first_response": "sla_first_response_s", "next_reply": "sla_next_reply_s",
           "resolution": "sla_resolution_s", "wait": "sla_wait_s"}  # fmt: skip
_DEFAULT_WAIT = 120.0
# No business values (no target needs them, or no schedule: no value, never zero).
_NO_FACTS = (
    "(select null::varchar as conversation_key, null::double as frt_s, "
    "null::double as resolution_s, null::double as wait_s, null::double as abandon_wait_s "
    "limit 0)"
)
# No customer waits (no next-reply target anywhere: the waits are not worth computing).
_NO_NEXT_REPLY = (
    "(select null::varchar as conversation_key, null::integer as wait_no, "
    "null::double as reply_s, null::timestamptz as waiting_since, "
    "null::timestamptz as replied_at, null::varchar as responder_agent_key limit 0)"
)
_NO_WAITS = (
    "(select null::varchar as conversation_key, null::integer as wait_no, "
    "null::double as reply_s limit 0)"
)


def targets_sql(q: Query) -> tuple[str, dict[str, float | None]]:
    """SQL of (metric, priority, target_s, policy_key, business_hours, pause_statuses, vendor,
    override): options override ``sla_target`` rows per metric.

    ``sla_wait_s`` keeps its default (120 s, DESIGN §1) only where ``sla_target`` has no wait
    target; any other value overrides.
    """
    o = q.options
    given = {m: getattr(o, name) for m, name in _OPTION.items()}
    table_metrics = _shape(q)["metrics"]
    overrides = {
        m: v
        for m, v in given.items()
        if v is not None and not (m == "wait" and v == _DEFAULT_WAIT and m in table_metrics)
    }
    params = {f"sla_{m}": overrides.get(m) for m in _OPTION}
    options = " union all ".join(
        f"select '{m}' as metric, $sla_{m}::double as target_s" for m in _OPTION
    )
    sql = f"""
        select t.metric, t.priority, t.target_s, t.policy_key, t.business_hours,
            t.pause_statuses, p.filter is not null as vendor, false as override
        from sla_target t
        left join sla_policy p using (policy_key)
        where not list_contains($sla_overridden::varchar[], t.metric)
        union all
        select metric, null::varchar, target_s, null::varchar, null::boolean,
            null::varchar[], false, true
        from ({options}) where target_s is not null
    """
    params["sla_overridden"] = list(overrides) or [""]  # type: ignore[assignment]
    return sql, params


def policy_match(q: Query) -> str:
    """Temp table of each vendor-governed conversation's SLA policy
    (``sql/views/sla_policy_match.sql``), built once per warehouse state."""

    def build(name: str) -> None:
        create_temp(q.conn, name, render("views/sla_policy_match"))

    return cached_table(q.conn, "slapm", {}, build, q.fingerprint())


def notes(q: Query) -> list[str]:
    """Warnings about vendor policies that could not be applied: conversations left without
    a policy because an earlier policy's conditions cannot be evaluated (never guessed), and
    business-hours targets with no schedule to measure them (pending, never zero)."""
    out = []
    if _business_needed(q) and not _has_schedule(q) and q.options.clock != "business":
        out.append(
            "some SLA targets are in business hours but the warehouse has no schedule: "
            "they stay pending; import the business-hours schedules (Zendesk: "
            "GET /api/v2/business_hours/schedules)"
        )
    if not _has_vendor_policies(q):
        return out
    rows = q.conn.execute(
        f"""
        select coalesce(p.name, m.undetermined_key), count(*),
            list_sort(list_distinct(flatten(list(m.unknown_conditions))))
        from "{policy_match(q)}" m
        left join sla_policy p on p.policy_key = m.undetermined_key
        where m.undetermined_key is not null
        group by all order by 1
        """
    ).fetchall()
    return out + [
        f"SLA policy {name!r} was not applied to {n} conversation(s): its "
        + ("condition " if len(conds) == 1 else "conditions ")
        + ", ".join(f"'{c.strip()}'" for c in conds)
        + " cannot be evaluated from the export, and the policy comes before any that matches "
        "them; they have no SLA target"
        for name, n, conds in rows
    ]


def _shape(q: Query) -> dict:
    """What the SLA tables hold, read in one round trip and once per query: the metrics
    ``sla_target`` has targets for, whether any target is in business hours, whether there
    is a schedule and whether any vendor policy has conditions."""
    if "sla_shape" not in q._memo:
        metrics, business, schedule, vendor = q.conn.execute(
            """
            select (select coalesce(list(distinct metric), []) from sla_target),
                exists (select 1 from sla_target where business_hours),
                exists (select 1 from schedule),
                exists (select 1 from sla_policy where filter is not null)
            """
        ).fetchone()
        q._memo["sla_shape"] = {
            "metrics": set(metrics),
            "business": bool(business),
            "schedule": bool(schedule),
            "vendor": bool(vendor),
        }
    return q._memo["sla_shape"]


def _has_vendor_policies(q: Query) -> bool:
    return _shape(q)["vendor"]


def _business_needed(q: Query) -> bool:
    """Whether any target is measured in business hours (its own flag, or the clock)."""
    return q.options.clock == "business" or _shape(q)["business"]


def _next_reply_targeted(q: Query) -> bool:
    """Whether any next-reply target exists (the option, or an ``sla_target`` row)."""
    return q.options.sla_next_reply_s is not None or "next_reply" in _shape(q)["metrics"]


def _has_schedule(q: Query) -> bool:
    return _shape(q)["schedule"]


def _waits_in_business_time(q: Query, waits: str) -> str:
    """Temp table (conversation_key, wait_no, reply_s) of the customer waits in business
    seconds: the facts' conversion run on one row per wait."""
    from supportstats.metrics.facts import _to_business_time

    def build(name: str) -> None:
        tmp = name + "_pts"
        create_temp(
            q.conn,
            tmp,
            f"""
            select w.conversation_key || '#' || w.wait_no as conversation_key, c.queue_key,
                w.waiting_since as frt_start_at, w.replied_at as first_reply_at,
                null::timestamptz as resolution_start_at, null::timestamptz as resolved_at,
                null::timestamptz as queued_at, null::timestamptz as answered_at,
                null::timestamptz as left_at, w.reply_s as frt_s, null::double as resolution_s,
                null::double as wait_s, null::double as abandon_wait_s
            from "{waits}" w join conversation c using (conversation_key)
            where w.wait_no >= 1
            """,
        )
        options = dataclasses.replace(q.options, clock="business")
        _to_business_time(q.conn, tmp, options)
        create_temp(
            q.conn,
            name,
            f"""select split_part(conversation_key, '#', 1) as conversation_key,
                try_cast(split_part(conversation_key, '#', 2) as integer) as wait_no,
                frt_s as reply_s from "{tmp}" """,
        )
        q.conn.execute(f'drop table temp."{tmp}"')

    return cached_table(q.conn, "waitsbh", {"waits": waits, "s": q.options.schedule}, build,
                        q.fingerprint())  # fmt: skip


def _status_sql(q: Query) -> tuple[str, dict]:
    """SQL of every SLA item judged (``sql/metrics/sla_status.sql``) and its parameters."""
    from supportstats.metrics.response import wait_intervals

    targets, tparams = targets_sql(q)
    business = q.options.clock == "business"
    facts = q.facts()
    waits = wait_intervals(q) if _next_reply_targeted(q) else None
    other = dataclasses.replace(q.options, clock="calendar" if business else "business")
    other_q = dataclasses.replace(q, options=other, _memo={})
    facts_cal = other_q.facts() if business else facts
    facts_bh, waits_bh = _NO_FACTS, _NO_WAITS
    if _business_needed(q) and _has_schedule(q):
        facts_bh = f'"{facts if business else other_q.facts()}"'
        if waits is not None:
            waits_bh = f'"{_waits_in_business_time(q, waits)}"'
    match = policy_match(q) if _has_vendor_policies(q) else _empty_match(q)
    # With cohort=created the period selects items by their conversation's creation: read
    # only those conversations' facts (a week of a year: 1.3 s -> ~0.1 s per SLA table).
    facts_rows = f'"{facts}"'
    if q.options.cohort == "created":
        facts_rows = f'(select * from "{facts}" where created_at >= $start and created_at < $end)'
    sql = render(
        "metrics/sla_status",
        facts_rows=facts_rows,
        facts_cal=facts_cal,
        facts_bh=facts_bh,
        waits=f'"{waits}"' if waits else _NO_NEXT_REPLY,
        waits_bh=waits_bh,
        policy_match=match,
        status_interval=render("views/status_interval"),
        targets=targets,
        agent_frt=q.credited("f.responder_agent_key"),
        agent_res=q.credited("f.resolver_agent_key"),
        agent_wait=q.credited("coalesce(f.answering_agent_key, f.assignee_agent_key)"),
        agent_next=q.credited("w.responder_agent_key"),
        business="true" if business else "false",
    )
    params = {
        **q.params(),
        **tparams,
        "pause": list(q.options.pause_statuses) or [""],
        "as_of": as_of(q),
    }
    return sql, params


# The columns SLA rows are grouped and filtered by: the start of the item's clock, its agent.
_SCOPE = Scope(event_time="f.clock_start", agent="f.credited")


def sla(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group, metric, priority and vendor policy: ``target_s``, ``business_hours``,
    ``met``, ``breached``, ``pending``, ``attainment`` (met / (met + breached), in [0, 1]).

    Metrics: first_response, next_reply (each later customer wait), resolution, wait. Values
    use the target's clock (vendor targets say business hours or calendar), else the option
    ``clock``; resolution pauses in the target's ``pause_statuses``, else the option's
    (calendar clock). Open items past their target count as breached (calendar clock) or
    pending (business clock).
    """
    status, params = _status_sql(q)
    sql = render(
        "metrics/sla",
        status=status,
        dims=dims(q.by, _SCOPE, q.options),
        where=where(_SCOPE, q.options),
    )
    return relation(q.conn, sql, used_params(sql, params))


STATUSES = ("met", "breached", "pending")


def sla_conversations(q: Query, status: str | None = None) -> pd.DataFrame:
    """The items :func:`sla` counts, one row per conversation and metric (per customer wait
    for ``next_reply``): ``target_s``, ``value_s`` (in the item's clock), ``over_s`` (value
    minus target; for an open breached item, the time past its target so far), ``sla_status``
    and the agent credited, with agent, team and queue names. Only the items of ``status``
    (met, breached or pending) when given: ``breached`` lists the breaches.

    ``supportstats metrics --sla --by conversation`` (``--sla-status breached``).
    """
    from supportstats.metrics._sql import to_frame
    from supportstats.metrics.table import add_names

    if status is not None and status not in STATUSES:
        raise OptionError(
            f"SLA status {status!r} is not one of {', '.join(STATUSES)}",
            "e.g. --sla-status breached",
        )
    inner, params = _status_sql(q)
    sql = render("metrics/sla_conversations", status=inner, where=where(_SCOPE, q.options))
    params["sla_status"] = status
    out = to_frame(relation(q.conn, sql, used_params(sql, params)))
    out = add_names(q.conn, out)
    out.attrs["options"] = q.options.as_dict()
    return out


def _empty_match(q: Query) -> str:
    def build(name: str) -> None:
        create_temp(
            q.conn,
            name,
            "select null::varchar as conversation_key, null::varchar as policy_key, "
            "null::varchar as undetermined_key, null::varchar[] as unknown_conditions limit 0",
        )

    return cached_table(q.conn, "slapm0", {}, build)
