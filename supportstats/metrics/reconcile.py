"""Our numbers next to the vendor's own (``src_*`` columns), with the difference."""

from __future__ import annotations

import pandas as pd

from supportstats.metrics._groups import Scope, dims, where
from supportstats.metrics._query import Query
from supportstats.metrics._sql import frame, render
from supportstats.metrics.missed import MISSED
from supportstats.metrics.table import add_names


def compare_source(q: Query) -> pd.DataFrame:
    """Per metric (and group): conversations with both values, our and their mean and median,
    the mean difference and the share that agree within 1 s.

    Compared: first response (business-hours source value under ``clock=business``),
    resolution (full or first, following ``resolution_end``), reopens, public agent replies,
    missed, chat duration. Conversations without a vendor value are left out.
    """
    business = q.options.clock == "business"
    scope = Scope(event_time="f.created_at", agent="f.assignee_agent_key")
    src_res = {
        (False, "last"): "c.src_full_resolution_s",
        (True, "last"): "c.src_full_resolution_bh_s",
        (False, "first"): "c.src_first_resolution_s",
        (True, "first"): "null::double",
    }[(business, q.options.resolution_end)]
    sql = render(
        "metrics/compare_source",
        facts=q.facts(),
        src_frt="c.src_first_response_bh_s" if business else "c.src_first_response_s",
        src_res=src_res,
        missed=MISSED[q.options.missed_rule],
        dims=dims(q.by, scope, q.options),
        where=where(scope, q.options),
    )
    out = add_names(q.conn, frame(q.conn, sql, q.params()))
    out.attrs["options"] = q.options.as_dict()
    return out
