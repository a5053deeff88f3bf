"""The metrics table: every family merged into one row per group (``supportstats metrics``).

Families credit different agents (FRT to the responder, resolution to the last assignee, CSAT
to the agent at rating), so each is grouped on its own and the results are joined on the group
columns. Rates that need two families (resolution_rate = resolved / contacts) are formed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from supportstats.metrics._groups import columns
from supportstats.metrics._query import Query
from supportstats.metrics._sql import to_frame
from supportstats.metrics.concurrency import concurrency, supports
from supportstats.metrics.csat import csat
from supportstats.metrics.missed import missed
from supportstats.metrics.resolution import resolution
from supportstats.metrics.response import first_response, next_reply
from supportstats.metrics.utilisation import utilisation
from supportstats.metrics.volume import (
    duration,
    engagements,
    handle_time,
    visitors,
    volume,
    wait,
)

Family = Callable[[Query], duckdb.DuckDBPyRelation]

FAMILIES: dict[str, Family] = {
    "volume": volume,
    "missed": missed,
    "first_response": first_response,
    "next_reply": next_reply,
    "wait": wait,
    "duration": duration,
    "handle_time": handle_time,
    "engagements": engagements,
    "resolution": resolution,
    "csat": csat,
    "concurrency": concurrency,
    "utilisation": utilisation,
}
AGENT_LEVEL = ("concurrency", "utilisation")

# The stable output contract, in order (group columns come first).
COLUMNS = [
    "contacts", "chats", "agent_initiated", "offline_messages",
    "queued", "answered", "abandoned", "short_abandoned", "abandon_rate", "missed",
    "engagements", "chats_served",
    "first_response_count", "first_response_mean_s", "first_response_median_s",
    "first_response_p90_s",
    "next_reply_count", "next_reply_mean_s", "next_reply_median_s", "next_reply_p90_s",
    "wait_count", "wait_mean_s", "wait_median_s", "wait_p90_s", "wait_max_s",
    "duration_count", "duration_mean_s", "duration_median_s", "duration_p90_s",
    "handle_time_count", "handle_time_mean_s", "handle_time_median_s", "handle_time_p90_s",
    "resolved", "resolution_rate", "resolution_count", "resolution_mean_s",
    "resolution_median_s", "resolution_p90_s", "one_touch", "one_touch_rate",
    "reopened", "reopen_rate", "reopens", "deflectable", "deflected", "deflection_rate",
    "csat_score", "csat_responses", "csat_positive", "csat_negative", "csat_mean",
    "csat_offered", "csat_response_rate", "csat_ci_low", "csat_ci_high",
    "goals", "chat_conversion_rate", "visitors", "visitor_chat_conversion",
    "busy_s", "concurrency_mean", "concurrency_max", "concurrency_share_ge_k",
    "staffed_s", "occupancy", "utilisation", "utilisation_source",
]  # fmt: skip
COUNTS = {
    "contacts", "chats", "agent_initiated", "offline_messages", "queued", "answered",
    "abandoned", "short_abandoned", "missed", "first_response_count", "next_reply_count",
    "wait_count", "duration_count", "handle_time_count", "resolved", "resolution_count",
    "one_touch", "reopened", "reopens", "csat_responses", "csat_positive", "csat_negative",
    "csat_offered", "goals", "deflectable", "deflected", "engagements", "chats_served",
}  # fmt: skip


def merge(q: Query, parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Outer-join family results on the group columns (NULL groups match each other)."""
    keys = columns(q.by)
    out: pd.DataFrame | None = None
    for part in parts:
        if out is None:
            out = part
        elif keys:
            out = out.merge(part, on=keys, how="outer")
        else:
            out = pd.concat([out.reset_index(drop=True), part.reset_index(drop=True)], axis=1)
    return out if out is not None else pd.DataFrame(columns=keys)


def metrics_table(q: Query, families: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group with every metric (one row in all without groups).

    ``families`` limits the work (names of :data:`FAMILIES`); agent-level families are left
    out when grouping by something other than agent, team or time. The options used are in
    ``frame.attrs["options"]``.
    """
    wanted = list(families or FAMILIES)
    if not supports(q.by):
        wanted = [f for f in wanted if f not in AGENT_LEVEL]
    parts = [to_frame(FAMILIES[name](q)) for name in wanted]
    table = derive(merge(q, parts), q, families=wanted)
    return finish(table, q)


def derive(table: pd.DataFrame, q: Query, families: Sequence[str]) -> pd.DataFrame:
    """Counts of groups a family never saw become 0; ratios across families are formed."""
    for col in COUNTS & set(table.columns):
        table[col] = table[col].fillna(0).astype("int64")

    def ratio(num: str, den: str) -> pd.Series | None:
        if num in table and den in table:
            d = table[den].astype("float64")
            return (table[num].astype("float64") / d).where(d > 0)
        return None

    for name, num, den in (
        ("abandon_rate", "abandoned", "queued"),
        ("resolution_rate", "resolved", "contacts"),
        ("one_touch_rate", "one_touch", "resolved"),
        ("reopen_rate", "reopened", "resolved_ever"),
        ("chat_conversion_rate", "goals", "chats"),
        # empty where no conversation says whether a person answered (no messages)
        ("deflection_rate", "deflected", "deflectable"),
    ):
        value = ratio(num, den)
        if value is not None:
            table[name] = value
    if not q.by and "volume" in families:
        v = visitors(q)
        table["visitors"] = v
        table["visitor_chat_conversion"] = table["chats"] / v if v else float("nan")
    return table


def finish(table: pd.DataFrame, q: Query) -> pd.DataFrame:
    """Group columns first with names beside keys, contract columns in order, options attached."""
    keys = columns(q.by)
    table = add_names(q.conn, table)
    named = [c for k in keys for c in ((k, k[: -len("_key")]) if k.endswith("_key") else (k,))]
    ordered = [c for c in named if c in table] + [c for c in COLUMNS if c in table]
    table = table[ordered].copy()
    for col in ("day", "week", "month"):
        if col in table:  # dates, not midnight timestamps: CSV and JSON show 2024-03-04
            table[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in table[col]]
    if keys:
        table = table.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    table.attrs["options"] = q.options.as_dict()
    table.attrs["period"] = q.period.describe()
    return table


def add_names(conn: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> pd.DataFrame:
    """Add ``agent``, ``team``, ``queue`` name columns beside their ``*_key`` columns."""
    for entity in ("agent", "team", "queue"):
        key = f"{entity}_key"
        if key not in table or entity in table:
            continue
        names = conn.execute(
            f"select {key}, coalesce(any_value(name), any_value(source_id)) "
            f"from {entity} group by {key}"
        ).fetchall()
        lookup = dict(names)
        table[entity] = [
            None if k is None or k != k else lookup.get(k, str(k).split(":", 1)[-1])
            for k in table[key]
        ]
    return table
