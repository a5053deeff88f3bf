"""Volume, wait in queue, chat duration, handle time and engagements (docs/metrics.md#volume)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query
from supportstats.metrics._sql import frame
from supportstats.metrics.resolution import DEFLECTABLE

WAIT_VALUE = {
    "exclude": "f.wait_s",
    "include": "coalesce(f.wait_s, case when f.is_abandoned then f.abandon_wait_s end)",
}


def volume(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``contacts``, ``chats``, ``offline_messages``, ``agent_initiated``, ``goals``,
    ``deflectable`` (customer contacts whose messages are known: the deflection denominator).

    Contacts are counted by creation time in the reporting timezone; per agent they go to the
    current assignee (unassigned contacts form their own group, so the groups add up).
    ``chat_conversion_rate = goals / chats`` and ``deflection_rate = deflected / deflectable``
    are formed when families merge.
    """
    scope = Scope(event_time="f.created_at", agent="f.assignee_agent_key")
    return q.run("metrics/volume", scope, deflectable=DEFLECTABLE)


def wait(q: Query) -> duckdb.DuckDBPyRelation:
    """Queue wait per group: ``wait_{count,mean_s,median_s,p90_s,max_s}``.

    Queue enter to acceptance or first agent message, answered contacts only unless
    ``wait_abandoned=include``. Credited to the agent who answered.
    """
    scope = Scope(
        event_time="coalesce(f.answered_at, f.left_at, f.queued_at)",
        agent=q.credited("f.answering_agent_key"),
    )
    return q.run("metrics/wait", scope, value=WAIT_VALUE[q.options.wait_abandoned])


def duration(q: Query) -> duckdb.DuckDBPyRelation:
    """Chat and call duration per group: ``duration_{count,mean_s,median_s,p90_s}``."""
    scope = Scope(event_time="f.ended_at", agent=q.credited("f.assignee_agent_key"))
    return q.run("metrics/duration", scope)


def handle_time(q: Query) -> duckdb.DuckDBPyRelation:
    """Handle time per group: ``handle_time_{count,mean_s,median_s,p90_s}``.

    Each agent stretch counts from acceptance to its end; by agent, each agent's own stretches.
    """
    scope = Scope(event_time="f.ended_at", agent=q.credited("f.agent_key"))
    # a stretch alone in its (group, conversation) is its own per-conversation sum
    by_own_agent = "agent" in q.by and q.options.attribution == "credited"
    single = "f.n_pair = 1" if by_own_agent else "f.n_conv = 1"
    return q.run("metrics/handle_time", scope, hs=q.stretches(), single=single)


def engagements(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``engagements`` and ``chats_served``.

    An engagement is one agent's stretch of a conversation (an engagement row, else an
    assignee event's stretch); it is served when the agent sent a public, non-automated
    message in it. A transferred chat is one engagement (and one chat served) for each agent
    who wrote in it. Credited to the stretch's agent, dated by its start.
    """
    scope = Scope(event_time="f.started_at", agent=q.credited("f.agent_key"))
    return q.run("metrics/engagements", scope, hs=q.stretches())


def visitors(q: Query) -> float | None:
    """Website visitors in the period from aggregate exports (``source_aggregate``), or None.

    Visitor-to-chat conversion needs traffic, which only aggregate reports carry
    (e.g. LiveChat or Zendesk Chat analytics CSVs with a 'visitors' metric).
    """
    df = frame(
        q.conn,
        """
        select sum(value) as v from source_aggregate
        where metric in ('visitors', 'visits', 'unique_visitors')
          and period_start >= $start and period_end <= $end
        """,
        q.params(),
    )
    value = df["v"].iloc[0]
    return None if value is None or value != value else float(value)
