"""First response time and next-reply time (docs/metrics.md#first-response)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query
from supportstats.metrics._sql import cached_table, create_temp, render
from supportstats.metrics.facts import _bool


def first_response(q: Query) -> duckdb.DuckDBPyRelation:
    """FRT per group: ``first_response_{count,mean_s,median_s,p90_s}``.

    Per conversation, ``frt_start_at`` (option ``frt_start``) to the first public,
    non-automated agent reply (bots with ``bot_replies=include``), in the option ``clock``.
    Credited to the responder. Conversations without a reply yet are not counted.
    """
    scope = Scope(event_time="f.first_reply_at", agent=q.credited("f.responder_agent_key"))
    return q.run("metrics/first_response", scope)


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
