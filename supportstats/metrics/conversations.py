"""One row per conversation with its metrics: the export users ask vendors for most."""

from __future__ import annotations

import pandas as pd

from supportstats.metrics._groups import Scope, where
from supportstats.metrics._query import Query
from supportstats.metrics._sql import frame, render
from supportstats.metrics.missed import MISSED
from supportstats.metrics.table import add_names


def conversations(q: Query) -> pd.DataFrame:
    """``source_system``, ``conversation_id`` and FRT, wait, resolution, reopens, CSAT, agent.

    Filters and the period apply (creation time); ``--by conversation`` in the CLI.
    """
    scope = Scope(event_time="f.created_at", agent="f.assignee_agent_key")
    sql = render(
        "metrics/conversation",
        facts=q.facts(),
        ratings=q.ratings(),
        missed=MISSED[q.options.missed_rule],
        where=where(scope, q.options),
    )
    out = add_names(q.conn, frame(q.conn, sql, q.params()))
    out.attrs["options"] = q.options.as_dict()
    return out
