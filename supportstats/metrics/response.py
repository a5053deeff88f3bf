"""First response time and next-reply time (docs/metrics.md#first-response)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query
from supportstats.metrics._sql import cached_table, create_temp, render
from supportstats.metrics.facts import _bool, _to_business_time


def first_response(q: Query) -> duckdb.DuckDBPyRelation:
    """FRT per group: ``first_response_{count,mean_s,median_s,p90_s}``.

    Per conversation, ``frt_start_at`` (option ``frt_start``) to the first public,
    non-automated agent reply (bots with ``bot_replies=include``), in the option ``clock``.
    Credited to the responder. Conversations without a reply yet are not counted.

    With ``frt_scope=cycle`` the rows are resolution cycles instead (``frt_cycles``): the
    count is the cycles with a reply, the statistics are over their FRTs.
    """
    scope = Scope(event_time="f.first_reply_at", agent=q.credited("f.responder_agent_key"))
    if q.options.frt_scope == "cycle":
        return q.run("metrics/first_response", scope, facts=frt_cycles(q))
    return q.run("metrics/first_response", scope)


def frt_cycles(q: Query) -> str:
    """Temp table of resolution cycles (``sql/views/frt_cycle.sql``), one row per cycle.

    The facts columns of the cycle's conversation, with ``frt_start_at``, ``first_reply_at``,
    ``responder_agent_key`` and ``frt_s`` being the cycle's, plus ``cycle_no`` and
    ``cycle_resolved_at``. ``frt_s`` is in the option ``clock``.
    """
    if "frt_cycles" in q._memo:
        return q._memo["frt_cycles"]
    facts = q.facts()
    bots = _bool(q.options.bot_replies == "include")

    def build(name: str) -> None:
        sql = render(
            "views/frt_cycle",
            facts=facts,
            bot_replies=bots,
            resolution_events=render("views/resolution_event"),
        )
        create_temp(q.conn, name, sql)
        if q.options.clock == "business":
            _cycles_to_business_time(q, name)

    q._memo["frt_cycles"] = cached_table(q.conn, "frtcyc", {"facts": facts}, build, q.fingerprint())
    return q._memo["frt_cycles"]


def _cycles_to_business_time(q: Query, cycles: str) -> None:
    """Business seconds for every cycle's FRT: the facts' conversion, run on one row per cycle
    (keyed ``conversation_key#cycle_no``) and copied back."""
    tmp = cycles + "_bh"
    create_temp(
        q.conn,
        tmp,
        f"""
        select
            conversation_key || '#' || cycle_no as conversation_key,
            queue_key,
            frt_start_at,
            first_reply_at,
            null::timestamptz as resolution_start_at,
            null::timestamptz as resolved_at,
            null::timestamptz as queued_at,
            null::timestamptz as answered_at,
            null::timestamptz as left_at,
            frt_s,
            null::double as resolution_s,
            null::double as wait_s,
            null::double as abandon_wait_s
        from "{cycles}"
        """,
    )
    _to_business_time(q.conn, tmp, q.options)
    q.conn.execute(
        f"""
        update "{cycles}" c set frt_s = b.frt_s
        from "{tmp}" b
        where b.conversation_key = c.conversation_key || '#' || c.cycle_no
        """
    )
    q.conn.execute(f'drop table temp."{tmp}"')


def wait_intervals(q: Query) -> str:
    """Temp table of customer waits (``sql/views/wait_interval.sql``), one row per wait."""
    bots = _bool(q.options.bot_replies == "include")

    def build(name: str) -> None:
        create_temp(q.conn, name, render("views/wait_interval", bot_replies=bots))

    return cached_table(q.conn, "waits", {"bot": bots}, build)


def next_reply(q: Query) -> duckdb.DuckDBPyRelation:
    """Next-reply time per group: ``next_reply_{count,mean_s,median_s,p90_s}`` (calendar s).

    Every later customer message that waits for an answer, to the next qualifying reply
    (Chatwoot ``reply_time``, Zendesk next reply time). The first response is not included.
    Credited to the agent who replied.
    """
    scope = Scope(event_time="w.replied_at", agent=q.credited("w.responder_agent_key"))
    return q.run("metrics/next_reply", scope, waits=wait_intervals(q))
