"""The agent report: one row per agent (DESIGN.md §1, docs/metrics.md#agent-report)."""

from __future__ import annotations

import duckdb
import pandas as pd

from supportstats.metrics import Filters, MetricOptions, Period, metrics_table, query
from supportstats.metrics._sql import frame, render
from supportstats.metrics.facts import missed_offer_stretches

FAMILIES = [
    "volume",
    "missed",
    "first_response",
    "handle_time",
    "engagements",
    "resolution",
    "csat",
    "concurrency",
    "utilisation",
]
COLUMNS = [
    "agent_key",
    "agent",
    "team",
    "conversations",
    "answered",
    "engagements",
    "chats_served",
    "first_response_count",
    "first_response_median_s",
    "first_response_p90_s",
    "handle_time_mean_s",
    "resolved",
    "resolution_median_s",
    "resolution_p90_s",
    "csat_score",
    "csat_responses",
    "csat_ci_low",
    "csat_ci_high",
    "concurrency_mean",
    "concurrency_max",
    "occupancy",
    "utilisation",
    "utilisation_source",
    "missed",
    "missed_offers",
]


def agent_report(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """One row per agent: conversations, FRT median/p90, resolution median, CSAT with its
    Wilson interval, concurrency, occupancy, utilisation and missed contacts.

    Each number is credited as its metric says (FRT to the responder, resolution to the last
    assignee, CSAT to the agent at rating time); ``conversations`` are those currently assigned
    to the agent, and a row with no agent holds the unassigned ones, so the column adds up to
    all conversations in the period. ``engagements`` are the agent's stretches of
    conversations and ``chats_served`` those in which the agent wrote (a transferred chat
    counts for each agent who wrote in it). ``missed`` are missed contacts assigned to the agent;
    ``missed_offers`` chats offered to the agent and never taken. Options used are in
    ``frame.attrs["options"]``.

    Example: ``agent_report(conn, period=Period.from_dates("2024-03-01", "2024-03-31"))``.
    """
    q = query(conn, options, period, filters, by=["agent"])
    table = metrics_table(q, families=FAMILIES).rename(columns={"contacts": "conversations"})
    # the agent_missed conditions on the cached table of untaken offers (same rows counted)
    untaken = missed_offer_stretches(conn, q.assignments(), q.fingerprint())
    offers = frame(conn, render("metrics/agent_missed", asg=untaken), q.params())
    table = table.merge(offers, on="agent_key", how="left")
    table["missed_offers"] = table["missed_offers"].fillna(0).astype("int64")
    teams = frame(
        conn,
        """
        select a.agent_key, coalesce(any_value(t.name order by a.valid_from desc nulls last),
                                     any_value(a.team_key)) as team
        from agent_team a left join team t using (team_key)
        group by a.agent_key
        """,
    )
    table = table.merge(teams, on="agent_key", how="left")
    out = table[[c for c in COLUMNS if c in table]].copy()
    out.attrs["options"] = q.options.as_dict()
    out.attrs["period"] = q.period.describe()
    return out
