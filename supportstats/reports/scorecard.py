"""Team scorecard against the targets of DESIGN.md §1, with a load-equity view.

Targets (editable): average wait <= 120 s, CSAT >= 85 %, resolution rate >= 90 %, abandonment
down 15 % against the previous period of the same length; first response (median) per channel
kind, as chat and e-mail customers expect different speeds: live channels (chat, voice) within
60 s, tickets (e-mail, messaging, everything else) within 4 h (:func:`first_response_by_channel`).
Load equity is the Gini coefficient of conversations per agent (0 = everyone handles the same
number, 1 = one agent handles all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from supportstats.metrics import Filters, MetricOptions, Period, metrics_table, query


@dataclass(frozen=True)
class Targets:
    """Scorecard targets (DESIGN.md §1)."""

    wait_mean_s: float = 120.0
    csat_score: float = 0.85
    resolution_rate: float = 0.90
    abandonment_drop: float = 0.15
    # none by default: the 17 % the articles quote for a help centre is one shop's figure
    deflection_rate: float | None = None
    # first response (median) per channel kind: a chat customer waits at the screen
    first_response_live_s: float | None = 60.0
    first_response_ticket_s: float | None = 4 * 3600.0

    def first_response_s(self, channel: str | None) -> float | None:
        """The first-response target of a channel (by its :func:`channel_kind`)."""
        if channel_kind(channel) == "live":
            return self.first_response_live_s
        return self.first_response_ticket_s


# Channels a customer waits on live (as sql/views/assignment_interval.sql counts chats and
# calls); every other channel (email, messaging, social, api, web) is answered like a ticket.
LIVE_CHANNELS = ("chat", "voice", "phone")
CHANNEL_KINDS = {"live": "Live chat and calls", "ticket": "Tickets and e-mail"}


def channel_kind(channel: str | None) -> str:
    """``live`` for chat and voice, ``ticket`` for every other channel (and none)."""
    return "live" if channel in LIVE_CHANNELS else "ticket"


def channels_of_kind(channels: Sequence[str], kind: str) -> tuple[str, ...]:
    """The channels among ``channels`` that are of ``kind`` (``live`` or ``ticket``)."""
    return tuple(c for c in channels if channel_kind(c) == kind)


def gini(values: pd.Series | np.ndarray | list[float]) -> float:
    """Gini coefficient of non-negative values (mean absolute difference / (2 * mean)).

    Example: ``gini([1, 1, 1, 1]) == 0.0``; ``gini([0, 0, 0, 4]) == 0.75``.
    """
    x = np.sort(np.asarray(values, dtype="float64"))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return float("nan") if n == 0 else 0.0
    # sum_i (2i - n - 1) x_i over sorted x equals half the sum of all pairwise |x_i - x_j|
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * x).sum() / (n * x.sum()))


def previous_period(period: Period) -> Period | None:
    """The period of the same length just before ``period`` (None for open periods)."""
    if period.start is None or period.end is None:
        return None
    return Period(period.start - (period.end - period.start), period.start)


_FAMILIES = ["volume", "missed", "wait", "resolution", "csat", "first_response"]


def scorecard(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    targets: Targets | None = None,
    by_team: bool = False,
) -> pd.DataFrame:
    """One row per metric (per team with ``by_team``): ``value``, ``target``, ``meets``,
    ``previous`` (same-length period before) and ``change``.

    Rows: wait_mean_s, csat_score, resolution_rate, abandon_rate (target: previous x 0.85),
    first_response_median_s, deflection_rate (target ``Targets.deflection_rate``, none by
    default; no value where no conversation's messages are known) and load_gini (no target).
    ``meets`` is NULL when there is no value or no target.
    """
    targets = targets or Targets()
    period = period or Period()
    by = ["team"] if by_team else []
    now = metrics_table(query(conn, options, period, filters, by=by), families=_FAMILIES)
    prev_period = previous_period(period)
    before = (
        metrics_table(query(conn, options, prev_period, filters, by=by), families=_FAMILIES)
        if prev_period
        else None
    )
    ginis = _load_gini(conn, options, period, filters, by_team)
    rows = []
    for _, cur in now.iterrows():
        team_key = cur.get("team_key") if by_team else None
        old = _match(before, team_key, by_team)
        spec = [
            ("wait_mean_s", "<=", targets.wait_mean_s),
            ("csat_score", ">=", targets.csat_score),
            ("resolution_rate", ">=", targets.resolution_rate),
            ("abandon_rate", "<=", None),
            ("first_response_median_s", None, None),
            ("deflection_rate", ">=", targets.deflection_rate),
        ]
        for metric, op, target in spec:
            value = _num(cur.get(metric))
            previous = _num(old.get(metric)) if old is not None else None
            if metric == "abandon_rate" and previous is not None:
                target = previous * (1 - targets.abandonment_drop)
            rows.append(_row(by_team, cur, metric, value, op, target, previous))
        rows.append(_row(by_team, cur, "load_gini", ginis.get(team_key), None, None, None))
    out = pd.DataFrame(rows)
    out.attrs["options"] = (options or MetricOptions()).as_dict()
    out.attrs["period"] = period.describe()
    return out


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _match(before: pd.DataFrame | None, team_key: object, by_team: bool) -> pd.Series | None:
    if before is None or before.empty:
        return None
    if not by_team:
        return before.iloc[0]
    hit = (
        before[before["team_key"].eq(team_key)]
        if team_key is not None
        else before[before["team_key"].isna()]
    )
    return hit.iloc[0] if len(hit) else None


def _row(by_team, cur, metric, value, op, target, previous) -> dict:  # noqa: ANN001
    meets = None
    if value is not None and target is not None and op is not None:
        meets = value <= target if op == "<=" else value >= target
    row = {
        "metric": metric,
        "value": value,
        "target": target,
        "comparison": op,
        "meets": meets,
        "previous": previous,
        "change": None if value is None or previous is None else value - previous,
    }
    if by_team:
        row = {"team_key": cur.get("team_key"), "team": cur.get("team"), **row}
    return row


def _load_gini(conn, options, period, filters, by_team) -> dict:  # noqa: ANN001
    """Gini of conversations per (assigned) agent, overall or per team."""
    by = ["team", "agent"] if by_team else ["agent"]
    per_agent = metrics_table(query(conn, options, period, filters, by=by), families=["volume"])
    per_agent = per_agent[per_agent["agent_key"].notna()]
    if not by_team:
        return {None: gini(per_agent["contacts"]) if len(per_agent) else None}
    return {k: gini(g["contacts"]) for k, g in per_agent.groupby("team_key", dropna=False)}


def first_response_by_channel(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """First response per channel against the target of its kind (``Targets.first_response_s``):
    one row per channel with ``channel``, ``kind`` (live/ticket), ``contacts``,
    ``first_response_count``, ``first_response_median_s``, ``first_response_p90_s``,
    ``target`` (seconds, for the median), ``comparison`` (``<=``) and ``meets`` (None without a
    value or target). Live channels first, then by contacts.
    """
    targets = targets or Targets()
    period = period or Period()
    table = metrics_table(
        query(conn, options, period, filters, by=["channel"]),
        families=["volume", "first_response"],
    )
    rows = []
    for _, cur in table.iterrows():
        channel = cur.get("channel")
        channel = None if channel is None or channel != channel else str(channel)
        value = _num(cur.get("first_response_median_s"))
        target = targets.first_response_s(channel)
        rows.append(
            {
                "channel": channel,
                "kind": channel_kind(channel),
                "contacts": int(cur.get("contacts") or 0),
                "first_response_count": int(_num(cur.get("first_response_count")) or 0),
                "first_response_median_s": value,
                "first_response_p90_s": _num(cur.get("first_response_p90_s")),
                "target": target,
                "comparison": "<=",
                "meets": None if value is None or target is None else value <= target,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "channel", "kind", "contacts", "first_response_count", "first_response_median_s",
            "first_response_p90_s", "target", "comparison", "meets",
        ],
    )  # fmt: skip
    if len(out):
        out = out.sort_values(
            ["kind", "contacts"], ascending=[True, False], key=_live_first
        ).reset_index(drop=True)
    out.attrs["options"] = (options or MetricOptions()).as_dict()
    out.attrs["period"] = period.describe()
    return out


def _live_first(column: pd.Series) -> pd.Series:
    return column.map({"live": 0, "ticket": 1}) if column.name == "kind" else column
