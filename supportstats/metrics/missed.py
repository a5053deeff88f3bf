"""Answered, abandoned, short-abandoned and missed contacts (docs/metrics.md#missed)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query

MISSED = {
    # no person answered before the customer left (Zendesk Chat, LiveChat)
    "no_reply": "f.is_missed_no_reply",
    # left the queue before an agent took it (Amazon Connect abandoned)
    "in_queue": "f.is_abandoned",
}
SHORT = "coalesce(f.abandon_wait_s < $short_abandon_s, false)"


def missed(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``queued``, ``answered``, ``abandoned``, ``short_abandoned``, ``missed``.

    Rates are formed when families merge: ``abandon_rate = abandoned / queued``. Credited to
    the answering agent, else the assignee, so per-agent counts add up to the total.
    """
    scope = Scope(
        event_time="coalesce(f.queued_at, f.created_at)",
        agent=q.credited("coalesce(f.answering_agent_key, f.assignee_agent_key)"),
    )
    return q.run("metrics/missed", scope, missed=MISSED[q.options.missed_rule], short=SHORT)
