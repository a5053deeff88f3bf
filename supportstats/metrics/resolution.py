"""Resolution time, resolution rate, one-touch and reopen rate (docs/metrics.md#resolution)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query


def resolution(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``resolved``, ``resolution_{count,mean_s,median_s,p90_s}``, ``one_touch``,
    ``resolved_ever``, ``reopened``, ``reopens``.

    Resolution time runs from creation (option ``resolution_start``) to the last resolve
    (option ``resolution_end``); rates are formed when families are merged:
    ``resolution_rate = resolved / contacts``, ``one_touch_rate = one_touch / resolved``,
    ``reopen_rate = reopened / resolved_ever``. Credited to the last assignee before the
    resolve; with ``cohort=event`` counted in the period of the resolve.
    """
    scope = Scope(event_time="f.resolved_at", agent=q.credited("f.resolver_agent_key"))
    return q.run("metrics/resolution", scope)
