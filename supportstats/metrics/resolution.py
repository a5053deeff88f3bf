"""Resolution time, resolution rate, one-touch and reopen rate (docs/metrics.md#resolution)."""

from __future__ import annotations

import duckdb

from supportstats.metrics._groups import Scope
from supportstats.metrics._query import Query

# Conversations whose data can say whether a person answered: customer contacts (not started
# by an agent, not offline messages) with at least one message in the warehouse (a message
# row or a first-response shortcut). A source without messages (a call log) has none, and its
# deflection_rate is empty, never 0 % or 100 %.
DEFLECTABLE = (
    "(not f.agent_initiated and coalesce(f.kind, '') <> 'offline_message' and f.messages > 0)"
)
# Deflected (option deflection): deflectable, resolved now, no public human agent message, no
# agent accepted it, not abandoned; with bot_reply also a public bot message.
_NO_PERSON = (
    f"{DEFLECTABLE} and f.is_resolved and f.human_replies = 0 and f.answered_at is null "
    "and not f.is_abandoned"
)
DEFLECTED = {
    "no_human_reply": f"({_NO_PERSON})",
    "bot_reply": f"({_NO_PERSON} and f.bot_replies > 0)",
}


def resolution(q: Query) -> duckdb.DuckDBPyRelation:
    """Per group: ``resolved``, ``resolution_{count,mean_s,median_s,p90_s}``, ``one_touch``,
    ``resolved_ever``, ``reopened``, ``reopens``, ``deflected``.

    Resolution time runs from creation (option ``resolution_start``) to the last resolve
    (option ``resolution_end``); rates are formed when families are merged:
    ``resolution_rate = resolved / contacts``, ``one_touch_rate = one_touch / resolved``,
    ``reopen_rate = reopened / resolved_ever``. Credited to the last assignee before the
    resolve; with ``cohort=event`` counted in the period of the resolve.

    ``deflected`` (option ``deflection``): resolved without a person (:data:`DEFLECTED`);
    ``deflection_rate = deflected / deflectable`` (``deflectable`` comes from ``volume``).
    """
    scope = Scope(event_time="f.resolved_at", agent=q.credited("f.resolver_agent_key"))
    return q.run("metrics/resolution", scope, deflected=DEFLECTED[q.options.deflection])
