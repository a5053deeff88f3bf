"""The concurrency sweep per agent on Spark's executors (``applyInPandas``), with the numpy
functions the DuckDB engine runs on all agents at once (``supportstats.metrics.sweep``): each
agent's stretches are one group, swept alone, which gives the same pieces and sums since an
agent's c(t) depends on their own stretches only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEGMENTS = "agent_key string, s timestamp, e timestamp, c int, chats int"
TOTALS = "agent_key string, busy_s double, cd_s double, max_c int, busy_ge_k_s double"


def sweep_per_agent(
    conn: Any, view: str, sql: str, params: Mapping[str, Any], kind: str, k: int
) -> None:
    """View ``view`` of the sweep of the stretches ``sql`` selects (agent_key, s_us, e_us,
    is_chat): ``kind`` "segments" gives engagement pieces (views/engagement_segment reads
    them), "totals" the per-agent sums with concurrency_k ``k`` (views/segment_total)."""
    stretches = conn.sql(sql, params).spark_frame
    if kind == "segments":
        out = stretches.groupBy("agent_key").applyInPandas(_segments, SEGMENTS)
    elif kind == "totals":
        out = stretches.groupBy("agent_key").applyInPandas(_totals(k), TOTALS)
    else:
        raise ValueError(f"kind must be segments or totals, not {kind!r}")
    conn.create_view(view, out)


def _arrays(rows: Any) -> tuple:
    import numpy as np

    return (
        np.zeros(len(rows), np.int32),
        rows["s_us"].to_numpy(np.int64),
        rows["e_us"].to_numpy(np.int64),
        rows["is_chat"].to_numpy(bool),
    )


def _segments(rows: Any) -> Any:
    import pandas as pd

    from supportstats.metrics.sweep import sweep

    found = sweep(*_arrays(rows))
    return pd.DataFrame(
        {
            "agent_key": rows["agent_key"].iloc[0] if len(rows) else None,
            "s": pd.to_datetime(found.start_us, unit="us", utc=True),
            "e": pd.to_datetime(found.end_us, unit="us", utc=True),
            "c": found.c.astype("int32"),
            "chats": found.chats.astype("int32"),
        }
    )


def _totals(k: int):
    def totals(rows: Any) -> Any:
        import pandas as pd

        from supportstats.metrics.sweep import per_agent

        sums = per_agent(*_arrays(rows), k)
        sums.pop("agent")
        out = pd.DataFrame(sums)
        out.insert(0, "agent_key", rows["agent_key"].iloc[0] if len(rows) else None)
        return out.astype({"busy_s": float, "cd_s": float, "max_c": "int32", "busy_ge_k_s": float})

    return totals
