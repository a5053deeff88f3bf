"""Team scorecard against the targets of DESIGN.md §1, with a load-equity view.

Targets (editable): average wait <= 120 s, CSAT >= 85 %, resolution rate >= 90 %, abandonment
down 15 % against the previous period of the same length; first response (median) per channel
kind, as chat and e-mail customers expect different speeds: live channels (chat, voice) within
60 s, tickets (e-mail, messaging, everything else) within 4 h (:func:`first_response_by_channel`)
-- unless the warehouse has SLA targets for first response (vendor SLA policies, a generic SLA
file, or the ``sla_first_response_s`` option): then each channel's target is the one most of
its first responses are held to (:func:`first_response_targets`).
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
        """The default first-response target of a channel (by its :func:`channel_kind`); the
        warehouse's SLA targets come first (:func:`first_response_targets`)."""
        return self.first_response_of_kind(channel_kind(channel))

    def first_response_of_kind(self, kind: str) -> float | None:
        """The default first-response target of a channel kind (``live`` or ``ticket``)."""
        return self.first_response_live_s if kind == "live" else self.first_response_ticket_s


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


# Where a first-response target comes from (``target_from`` of :func:`first_response_targets`).
TARGET_FROM = {
    "option": "the sla_first_response_s option",
    "sla_target": "the warehouse's SLA targets",
    "default": "the default of the channel's kind",
}


def first_response_targets(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    targets: Targets | None = None,
    by: str = "channel",
) -> pd.DataFrame:
    """The first-response target of each channel (``by="channel"``) or channel kind
    (``by="kind"``): the warehouse's SLA target where it has one, else the default of the
    kind (``targets.first_response_live_s`` / ``first_response_ticket_s``).

    SLA targets are the ones ``supportstats metrics --sla`` judges first responses against
    (:func:`supportstats.metrics.sla.sla`): the ``sla_first_response_s`` option when set, else
    the ``sla_target`` rows of metric ``first_response`` (imported vendor SLA policies: the
    matching policy's target for the conversation's priority; a generic SLA file: the
    priority's row before the one with priority NULL). They differ per priority and policy,
    so a channel's target is the one most of its first responses in the period are held to
    -- in effect the target of its most common priority; a tie goes to the stricter target.
    A channel none of whose first responses has an SLA target keeps its kind's default.

    Rows: ``channel`` (``kind`` with ``by="kind"``), ``target_s``, ``target_from``
    (``option``, ``sla_target`` or ``default``, see :data:`TARGET_FROM`),
    ``business_hours`` (the SLA target is measured in business hours; None for a default)
    and ``held`` (first responses held to that target; 0 for a default). By channel: one
    row per channel with SLA-held first responses (any other channel takes
    ``targets.first_response_s(channel)``); by kind: both kinds, live first.
    """
    from supportstats.metrics.sla import sla

    if by not in ("channel", "kind"):
        raise ValueError(f"by must be 'channel' or 'kind', not {by!r}")
    targets = targets or Targets()
    options = options or MetricOptions()
    columns = [by, "target_s", "target_from", "business_hours", "held"]
    held = pd.DataFrame(columns=["channel", "target_s", "business_hours", "held"])
    table_rows = conn.execute(
        "select count(*) from sla_target where metric = 'first_response'"
    ).fetchone()[0]
    if options.sla_first_response_s is not None or table_rows:
        counted = sla(query(conn, options, period, filters, by=["channel"])).df()
        counted = counted[(counted["metric"] == "first_response") & counted["target_s"].notna()]
        held = counted.assign(
            held=counted[["met", "breached", "pending"]].sum(axis=1).astype("int64"),
            channel=counted["channel"].astype(object).where(counted["channel"].notna(), None),
        )[["channel", "target_s", "business_hours", "held"]]
    if by == "kind":
        held = held.assign(kind=[channel_kind(c) for c in held["channel"]])
    source = "option" if options.sla_first_response_s is not None else "sla_target"
    rows = []
    for key, group in held.groupby(by, dropna=False, sort=False):
        per_target = (
            group.groupby(["target_s"], as_index=False)
            .agg(held=("held", "sum"), business_hours=("business_hours", "max"))
            .sort_values(["held", "target_s"], ascending=[False, True])
        )
        best = per_target.iloc[0]
        rows.append(
            {
                by: None if key != key else key,  # noqa: PLR0124 (NaN: no channel)
                "target_s": float(best["target_s"]),
                "target_from": source,
                "business_hours": bool(best["business_hours"]),
                "held": int(best["held"]),
            }
        )
    if by == "kind":
        found = {r["kind"] for r in rows}
        rows += [
            {
                "kind": kind,
                "target_s": targets.first_response_of_kind(kind),
                "target_from": "default",
                "business_hours": None,
                "held": 0,
            }
            for kind in CHANNEL_KINDS
            if kind not in found
        ]
        rows.sort(key=lambda r: list(CHANNEL_KINDS).index(r["kind"]))
    return pd.DataFrame(rows, columns=columns)


def first_response_by_channel(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """First response per channel against its target (:func:`first_response_targets`: the
    warehouse's SLA target, else the default of the channel's kind, ``Targets.first_response_s``):
    one row per channel with ``channel``, ``kind`` (live/ticket), ``contacts``,
    ``first_response_count``, ``first_response_median_s``, ``first_response_p90_s``,
    ``target_s`` (for the median), ``target_from`` (``option``, ``sla_target`` or
    ``default``), ``target_business_hours`` (an SLA target measured in business hours),
    ``comparison`` (``<=``) and ``meets`` (None without a value or target). Live channels
    first, then by contacts. ``supportstats report scorecard --by-channel``.
    """
    targets = targets or Targets()
    period = period or Period()
    table = metrics_table(
        query(conn, options, period, filters, by=["channel"]),
        families=["volume", "first_response"],
    )
    from_sla = {
        row["channel"]: row
        for _, row in first_response_targets(conn, options, period, filters, targets).iterrows()
    }
    rows = []
    for _, cur in table.iterrows():
        channel = cur.get("channel")
        channel = None if channel is None or channel != channel else str(channel)
        value = _num(cur.get("first_response_median_s"))
        sla_row = from_sla.get(channel)
        if sla_row is not None:
            target, source, business = (
                sla_row["target_s"], sla_row["target_from"], sla_row["business_hours"]
            )  # fmt: skip
        else:
            target, source, business = targets.first_response_s(channel), "default", None
        rows.append(
            {
                "channel": channel,
                "kind": channel_kind(channel),
                "contacts": int(cur.get("contacts") or 0),
                "first_response_count": int(_num(cur.get("first_response_count")) or 0),
                "first_response_median_s": value,
                "first_response_p90_s": _num(cur.get("first_response_p90_s")),
                "target_s": target,
                "target_from": source if target is not None else None,
                "target_business_hours": business,
                "comparison": "<=",
                "meets": None if value is None or target is None else value <= target,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "channel", "kind", "contacts", "first_response_count", "first_response_median_s",
            "first_response_p90_s", "target_s", "target_from", "target_business_hours",
            "comparison", "meets",
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
