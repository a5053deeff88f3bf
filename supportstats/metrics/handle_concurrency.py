"""Handle time by concurrency: what a chat costs in handling time when its agent runs others.

Each ended live stretch with a handle time (acceptance to end, as ``handle_time`` measures it)
is placed on its agent's concurrency step function c(t) (the sweep of :mod:`.sweep`, the same
engagements ``concurrency`` counts, itself included):

* ``concurrency_at_start``: c at the moment the agent took the chat (the start of the handled
  span): how many chats the agent had open then, this one included;
* ``concurrency_mean``: the time-weighted mean of c over the handled span.

:func:`handle_time_by_concurrency` groups the stretches by level (``concurrency_at_start`` by
default: it is fixed when the chat is picked up, whereas a long chat sees more chats come and
go, so its mean level partly follows from its length) and gives the handle time per level and
its ratio to the handle time at one chat: the handle-time cost of concurrency that the chat
staffing model (``planning.chat``) takes as its handle time per level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from supportstats.metrics._groups import Scope, columns
from supportstats.metrics._query import Query
from supportstats.metrics.concurrency import live_stretches
from supportstats.metrics.sweep import sweep

LEVELS = ("start", "mean")
STRETCH_COLUMNS = (
    "stretch_agent_key",
    "conversation_key",
    "ended_at",
    "handle_s",
    "concurrency_at_start",
    "concurrency_mean",
)
LEVEL_COLUMNS = (
    "concurrency",
    "stretches",
    "share",
    "handle_time_mean_s",
    "handle_time_median_s",
    "handle_time_p90_s",
    "cost",
)


def _integral(s: np.ndarray, e: np.ndarray, cum: np.ndarray, w: np.ndarray, t: np.ndarray):
    """∫ w over the segments [s, e) up to each time ``t`` (segments sorted and disjoint;
    ``cum[i]`` is the integral over the first i segments)."""
    i = np.searchsorted(s, t, side="right") - 1
    j = np.maximum(i, 0)
    inside = np.clip(np.minimum(t, e[j]) - s[j], 0, None).astype(float)
    return np.where(i >= 0, cum[j] + w[j] * inside, 0.0)


def stretch_concurrency(q: Query) -> pd.DataFrame:
    """One row per ended live stretch with a handle time in ``q``'s period (by its end) and
    filters: the group columns of ``q.by``, then ``stretch_agent_key`` (the stretch's agent, whose
    c(t) it is placed on; ``agent_key`` is the credited agent of ``by=["agent"]``),
    ``conversation_key``, ``ended_at``, ``handle_s``, ``concurrency_at_start`` and
    ``concurrency_mean`` (see the module doc; NaN where the handled span lies outside the
    period's engagements, e.g. before its start)."""
    scope = Scope(event_time="f.ended_at", agent=q.credited("f.agent_key"))
    rows = q.run("metrics/stretch_concurrency", scope, hs=q.stretches()).df()
    n = len(rows)
    at_start = np.full(n, np.nan)
    mean = np.full(n, np.nan)
    if n:
        st = live_stretches(q)
        seg = sweep(st.agent, st.start_us, st.end_us, st.is_chat)
        index = {k: i for i, k in enumerate(st.keys.to_pylist())}
        agent = rows["stretch_agent_key"].map(index).fillna(-1).to_numpy(np.int64)
        end_us = rows["e_us"].to_numpy(np.int64)
        start_us = end_us - np.round(rows["handle_s"].to_numpy(float) * 1e6).astype(np.int64)
        # segments come ordered by agent, then time: each agent is one run
        bounds = np.flatnonzero(np.diff(seg.agent, prepend=-1, append=-2))
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            mine = np.flatnonzero(agent == seg.agent[lo])
            if not mine.size:
                continue
            s, e = seg.start_us[lo:hi], seg.end_us[lo:hi]
            c = seg.c[lo:hi].astype(float)
            width = (e - s).astype(float)
            one = np.ones_like(c)
            cum_c = np.concatenate([[0.0], np.cumsum(c * width)])
            cum_t = np.concatenate([[0.0], np.cumsum(width)])
            a, b = start_us[mine], end_us[mine]
            area = _integral(s, e, cum_c, c, b) - _integral(s, e, cum_c, c, a)
            covered = _integral(s, e, cum_t, one, b) - _integral(s, e, cum_t, one, a)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean[mine] = np.where(covered > 0, area / covered, np.nan)
            i = np.searchsorted(s, a, side="right") - 1
            j = np.maximum(i, 0)
            at_start[mine] = np.where((i >= 0) & (a < e[j]), c[j], np.nan)
    rows["concurrency_at_start"] = at_start
    rows["concurrency_mean"] = mean
    out = rows[[*columns(q.by), *STRETCH_COLUMNS]]
    out.attrs["options"] = q.options.as_dict()
    out.attrs["period"] = q.period.describe()
    return out


def handle_time_by_concurrency(q: Query, level: str = "start") -> pd.DataFrame:
    """Handle time per concurrency level (and per group of ``q.by``): one row per level with
    ``concurrency`` (``concurrency_at_start``, or with ``level="mean"`` the time-weighted mean
    rounded half up), ``stretches``, ``share`` (of the group's stretches),
    ``handle_time_mean_s``, ``handle_time_median_s``, ``handle_time_p90_s`` and ``cost``: the
    mean handle time over the mean at one chat (1.3: a chat handled alongside others took 30 %
    longer; NaN when the group has no stretch at one chat).

    Stretches count one by one (a transferred chat is one row per agent), unlike
    ``handle_time``, which sums a conversation's stretches.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    rows = stretch_concurrency(q)
    groups = list(columns(q.by))
    value = rows["concurrency_at_start"] if level == "start" else rows["concurrency_mean"]
    rows = rows.assign(concurrency=np.floor(value + 0.5)).dropna(subset=["concurrency"])
    rows["concurrency"] = rows["concurrency"].astype(np.int64)
    keys = [*groups, "concurrency"]
    if rows.empty:
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in [*groups, *LEVEL_COLUMNS]})
    else:
        handle = rows.groupby(keys)["handle_s"]
        out = pd.DataFrame(
            {
                "stretches": handle.size(),
                "handle_time_mean_s": handle.mean(),
                "handle_time_median_s": handle.median(),
                "handle_time_p90_s": handle.quantile(0.9),
            }
        ).reset_index()
        total = (
            out.groupby(groups)["stretches"].transform("sum") if groups else out["stretches"].sum()
        )
        out["share"] = out["stretches"] / total
        at_one = out["handle_time_mean_s"].where(out["concurrency"] == 1)
        base = at_one.groupby([out[g] for g in groups]).transform("max") if groups else at_one.max()
        out["cost"] = out["handle_time_mean_s"] / base
        out = out[[*groups, *LEVEL_COLUMNS]]
    out.attrs["options"] = {**q.options.as_dict(), "concurrency_level": level}
    out.attrs["period"] = q.period.describe()
    return out
