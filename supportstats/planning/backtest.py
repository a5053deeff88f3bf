"""Backtest: the service level the model predicts from the agents on duty, against the observed.

For each past interval: offered contacts, their handle time and the agents actually on duty go
into the queueing model (Erlang A when a patience is given, else Erlang C) in reverse mode; the
predicted service level is compared with the share of offered contacts answered within the
threshold. This is the check that the plan's numbers mean something on this operation's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from supportstats.planning._validate import (
    MAX_AGENTS,
    MAX_CONCURRENCY,
    MAX_PATIENCE_ARRIVALS,
    MAX_TRAFFIC_ERLANGS,
    PlanningInputError,
    naive_utc,
)
from supportstats.planning.staffing import staff
from supportstats.planning.targets import StaffingTargets

# (agent, interval) rows the agents on duty may be laid out in: 40 million is about a gigabyte.
MAX_SPAN_ROWS = 40_000_000
Window = tuple[pd.Timestamp, pd.Timestamp]


@dataclass(frozen=True)
class BacktestSummary:
    """Overall figures of a backtest (service levels as fractions, volume-weighted)."""

    intervals: int
    contacts: float
    observed_sl: float
    predicted_sl: float
    mean_abs_error: float
    weighted_abs_error: float
    # Intervals left out because their handle time or agents are past the planner's bounds
    # (a handling that never ended, an agent count in the millions): bad data, not a queue.
    left_out: int = 0
    # Median wait (s) of answered contacts in intervals where the model predicts 99 % or more
    # (it sees no queue there): a delay before answering that the queueing model does not
    # have, such as chat agents' pick-up time. NaN when no such interval had an answer.
    answer_delay_s: float = float("nan")

    def model_line(self) -> str:
        """One line for a plan or a page: ``On this history (480 intervals) Erlang predicted
        98.4 % answered in time, 67.7 % were: the model is 30.7 points optimistic ...``."""
        gap = (self.predicted_sl - self.observed_sl) * 100
        side = "optimistic" if gap > 0 else "pessimistic"
        text = (
            f"On this history ({self.intervals:,} intervals, {self.contacts:,.0f} contacts) "
            f"the model predicted {self.predicted_sl:.1%} answered in time and "
            f"{self.observed_sl:.1%} were: {abs(gap):.1f} points {side} overall, "
            f"{self.mean_abs_error * 100:.1f} points mean absolute error per interval"
        )
        if np.isfinite(self.answer_delay_s) and self.answer_delay_s > 0:
            text += (
                f"; where it saw no queue, answered contacts still waited a median "
                f"{self.answer_delay_s:.0f} s (an answer delay it does not model)"
            )
        return text

    def line(self) -> str:
        """One line for a terminal."""
        text = (
            f"{self.intervals} intervals, {self.contacts:,.0f} contacts: observed SL "
            f"{self.observed_sl:.1%}, predicted {self.predicted_sl:.1%}; mean absolute error "
            f"{self.mean_abs_error:.1%} per interval "
            f"({self.weighted_abs_error:.1%} volume-weighted)"
        )
        if self.left_out:
            text += (
                f"; left out {self.left_out} interval{'s' if self.left_out != 1 else ''} "
                f"past the planner's bounds ({MAX_TRAFFIC_ERLANGS:,.0f} Erlangs, "
                f"{MAX_AGENTS:,} agents): check their handle times"
            )
        return text


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PlanningInputError(
            f"{what} has no column {', '.join(missing)}", hint=f"{what} needs {', '.join(columns)}"
        )


def observed_intervals(
    contacts: pd.DataFrame, interval: str | pd.Timedelta, sl_threshold_s: float
) -> pd.DataFrame:
    """Observed figures per interval from one row per offered contact.

    ``contacts`` has ``arrived_at`` (entered the queue), ``wait_s`` (seconds in queue until
    answered or abandoned), ``answered`` (bool) and ``handle_s`` (seconds, answered contacts).
    Returns ``interval_start, volume, answered, abandoned, answered_within, observed_sl, aht_s``
    where ``observed_sl`` = answered within ``sl_threshold_s`` / offered (the ``offered``
    definition) and ``aht_s`` is the mean handle time of the interval's answered contacts.
    """
    _require(contacts, ("arrived_at", "wait_s", "answered", "handle_s"), "contact history")
    freq = pd.Timedelta(interval)
    answered = contacts["answered"].astype(bool)
    frame = pd.DataFrame({
        "interval_start": naive_utc(contacts["arrived_at"]).dt.floor(freq),
        "answered": answered,
        "abandoned": ~answered,
        "answered_within": answered & (contacts["wait_s"].astype(float) <= sl_threshold_s),
        "handle_s": contacts["handle_s"].astype(float).where(answered),
    })  # fmt: skip
    g = frame.groupby("interval_start")
    out = pd.DataFrame({
        "volume": g.size().astype(float),
        "answered": g["answered"].sum(),
        "abandoned": g["abandoned"].sum(),
        "answered_within": g["answered_within"].sum(),
        "aht_s": g["handle_s"].mean(),
    })  # fmt: skip
    out["observed_sl"] = out["answered_within"] / out["volume"]
    return out.reset_index()


def estimate_patience_s(contacts: pd.DataFrame) -> float:
    """Mean patience (s): all time spent waiting, abandoners included, per abandonment.

    The maximum-likelihood estimate for exponential patience with censoring by service
    (CCmath's estimator): each waiting second is exposure, each abandonment an event.
    """
    _require(contacts, ("wait_s", "answered"), "contact history")
    abandoned = int((~contacts["answered"].astype(bool)).sum())
    if abandoned == 0:
        return float("inf")
    return float(contacts["wait_s"].astype(float).clip(lower=0).sum() / abandoned)


def _spans_by_interval(
    keys: pd.Series,
    start: pd.Series,
    end: pd.Series,
    freq: pd.Timedelta,
    window: Window | None = None,
) -> pd.DataFrame:
    """One row per (key, interval) a span [start, end) touches, with the seconds it covers.

    With ``window`` (start, end) the spans are first cut to it: a span that runs for years
    (a status never closed, an end dated 9999) lays out only the intervals the window has.
    More than ``MAX_SPAN_ROWS`` rows in all raise PlanningInputError.
    """
    start = naive_utc(start)
    end = naive_utc(end).fillna(start)
    end = end.where(end >= start, start)
    if window is not None:
        lo, hi = window
        inside = (end >= lo) & (start < hi)
        keys, start, end = keys[inside], start[inside].clip(lower=lo), end[inside].clip(upper=hi)
    first = start.dt.floor(freq)
    count = ((end - first) // freq).astype(np.int64) + 1
    if count.sum() > MAX_SPAN_ROWS:
        longest = int(count.to_numpy().argmax())
        raise PlanningInputError(
            f"agent time spans cover {int(count.sum()):,} agent-intervals, more than "
            f"{MAX_SPAN_ROWS:,} (the longest runs from {start.iloc[longest]:%Y-%m-%d} to "
            f"{end.iloc[longest]:%Y-%m-%d})",
            hint="check engagement and agent status end times, or use a longer --interval",
        )
    rep = np.repeat(np.arange(len(start)), count.to_numpy())
    offset = np.arange(rep.size) - np.repeat(
        np.cumsum(count.to_numpy()) - count.to_numpy(), count.to_numpy()
    )
    slot = first.to_numpy()[rep] + offset * freq.to_timedelta64()
    lo = np.maximum(slot, start.to_numpy()[rep])
    hi = np.minimum(slot + freq.to_timedelta64(), end.to_numpy()[rep])
    seconds = (hi - lo) / np.timedelta64(1, "s")
    return pd.DataFrame({"key": keys.to_numpy()[rep], "interval_start": slot, "seconds": seconds})


def agents_from_engagements(
    engagements: pd.DataFrame, interval: str | pd.Timedelta, window: Window | None = None
) -> pd.Series:
    """Agents on duty per interval, estimated as distinct agents handling a contact in it.

    For sources without status data (call logs). Neither bound: agents logged in but idle for
    a whole interval are missed, and an agent who took a single contact counts in full.
    ``window`` (start, end) limits the result to those intervals.
    """
    _require(engagements, ("agent_key", "started_at", "ended_at"), "engagements")
    freq = pd.Timedelta(interval)
    spans = _spans_by_interval(
        engagements["agent_key"], engagements["started_at"], engagements["ended_at"], freq, window
    )
    return spans.groupby("interval_start")["key"].nunique().rename("agents").astype(float)


def agents_from_status(
    status: pd.DataFrame,
    interval: str | pd.Timedelta,
    on_duty: tuple[str, ...] = ("available", "occupied"),
    window: Window | None = None,
    agents: Iterable[str] | None = None,
) -> pd.Series:
    """Agents on duty per interval: time-weighted count of agents in an on-duty status.

    An agent available for half of a 30-minute interval counts 0.5; the result is rounded
    down to whole agents, since the queueing model takes whole servers. ``window`` (start,
    end) limits the result to those intervals. ``agents`` (agent keys) keeps only those: the
    agents who serve the queue being backtested (an e-mail agent on duty answers no chat).
    """
    _require(status, ("agent_key", "started_at", "ended_at", "status_class"), "agent status")
    freq = pd.Timedelta(interval)
    duty = status[status["status_class"].isin(on_duty)]
    if agents is not None:
        duty = duty[duty["agent_key"].isin(set(agents))]
    spans = _spans_by_interval(
        duty["agent_key"], duty["started_at"], duty["ended_at"], freq, window
    )
    seconds = spans.groupby("interval_start")["seconds"].sum()
    return np.floor(seconds / freq.total_seconds() + 1e-9).rename("agents")


def backtest(
    observed: pd.DataFrame,
    agents: pd.Series,
    *,
    interval: str | pd.Timedelta,
    sl_threshold_s: float,
    patience_s: float | None = None,
    sl_definition: str = "offered",
    concurrency: int = 1,
) -> tuple[pd.DataFrame, BacktestSummary]:
    """Predicted against observed service level per interval.

    ``observed`` comes from :func:`observed_intervals`; ``agents`` is indexed by interval start
    (from :func:`agents_from_status` or :func:`agents_from_engagements`). Intervals without
    contacts or without agents are left out (nothing to predict, or no one to predict for).
    ``concurrency`` > 1 evaluates chat as agents x concurrency slots.
    Returns the rows with ``agents, predicted_sl, error`` (predicted - observed) added, and
    the summary. Where the patience is so long that more than ``MAX_PATIENCE_ARRIVALS``
    contacts arrive within one (an estimate from a history with few abandons), the interval
    is evaluated with Erlang C, the limit of Erlang A as patience grows. Intervals whose load
    (from their handle times) or agents are past the planner's bounds are left out and
    counted in ``summary.left_out``.
    """
    freq = pd.Timedelta(interval)
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise PlanningInputError(
            f"concurrency {concurrency} is outside 1 to {MAX_CONCURRENCY}",
            hint="contacts one agent handles at once: 1 for calls, 2 or 3 for chat",
        )
    rows = observed.merge(
        agents.rename("agents"), left_on="interval_start", right_index=True, how="inner"
    )
    # an interval whose handled contacts took 0 s has no handle time to model, like none
    rows = rows[(rows["volume"] > 0) & (rows["agents"] > 0) & (rows["aht_s"] > 0)].copy()
    load = rows["volume"] * rows["aht_s"] / freq.total_seconds()
    within = (load <= MAX_TRAFFIC_ERLANGS) & (rows["agents"] * concurrency <= MAX_AGENTS)
    left_out = int((~within).sum())
    rows = rows[within]
    if rows.empty:
        raise PlanningInputError(
            "no interval has both contacts and agents on duty",
            hint="check that engagements or agent status cover the same period as the contacts",
        )
    model_in = pd.DataFrame({
        "volume": rows["volume"].to_numpy(), "interval_s": freq.total_seconds(),
        "aht_s": rows["aht_s"].to_numpy(), "sl_target": np.nan, "sl_threshold_s": sl_threshold_s,
        "agents": rows["agents"].to_numpy(), "concurrency": concurrency,
        "patience_s": np.nan if patience_s is None or not np.isfinite(patience_s) else patience_s,
    })  # fmt: skip
    arrivals = model_in["volume"] / freq.total_seconds() * model_in["patience_s"]
    model_in.loc[arrivals > MAX_PATIENCE_ARRIVALS, "patience_s"] = np.nan
    figures = staff(model_in, sl_definition=sl_definition)
    rows["predicted_sl"] = figures["service_level"].to_numpy()
    rows["error"] = rows["predicted_sl"] - rows["observed_sl"]
    return rows.reset_index(drop=True), summarise(rows, left_out)


def summarise(rows: pd.DataFrame, left_out: int = 0, answer_delay_s: float = np.nan):
    """The :class:`BacktestSummary` of backtest rows (one queue's or several queues')."""
    weights = rows["volume"].to_numpy()
    return BacktestSummary(
        intervals=len(rows),
        contacts=float(weights.sum()),
        observed_sl=float(np.average(rows["observed_sl"], weights=weights)),
        predicted_sl=float(np.average(rows["predicted_sl"], weights=weights)),
        mean_abs_error=float(rows["error"].abs().mean()),
        weighted_abs_error=float(np.average(rows["error"].abs(), weights=weights)),
        left_out=left_out,
        answer_delay_s=float(answer_delay_s),
    )


def working_concurrency(engagements: pd.DataFrame, share: float = 0.05) -> int:
    """Contacts an agent works at once, as the engagements show it: for each agent, the most
    simultaneous engagements held for at least ``share`` of the agent's busy time; the median
    over agents. 1 for calls (a stray overlap of two calls does not count), 2 or 3 for chat.
    """
    _require(engagements, ("agent_key", "started_at", "ended_at"), "engagements")
    if engagements.empty:
        return 1
    start = naive_utc(engagements["started_at"])
    end = naive_utc(engagements["ended_at"]).fillna(start)
    events = pd.DataFrame(
        {
            "agent": np.concatenate([engagements["agent_key"].to_numpy()] * 2),
            "at": np.concatenate([start.to_numpy(), end.to_numpy()]),
            "step": np.repeat([1, -1], len(engagements)),
        }
    ).sort_values(["agent", "at", "step"])  # an end before a start at the same instant
    events["open"] = events.groupby("agent")["step"].cumsum()
    following = events.groupby("agent")["at"].shift(-1)
    events["seconds"] = (following - events["at"]).dt.total_seconds().fillna(0.0)
    busy = events[events["open"] > 0]
    # seconds each agent spent with exactly k open, then with k or more
    held = busy.pivot_table(index="agent", columns="open", values="seconds", aggfunc="sum")
    at_least = held.fillna(0.0).iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
    enough = at_least.ge(share * at_least.iloc[:, 0], axis=0)
    peaks = enough.to_numpy() * at_least.columns.to_numpy()[None, :]
    return max(1, int(np.median(peaks.max(axis=1))))


def _answer_delay_s(contacts: pd.DataFrame, rows: pd.DataFrame, freq: pd.Timedelta) -> float:
    """Median wait of answered contacts in intervals predicted at 99 % or more."""
    calm = rows.loc[rows["predicted_sl"] >= 0.99, ["queue_key", "interval_start"]]
    calm = calm.assign(queue_key=calm["queue_key"].fillna(""))
    if calm.empty:
        return float("nan")
    answered = contacts[contacts["answered"].astype(bool)]
    keyed = pd.DataFrame({
        "queue_key": answered["queue_key"].fillna("").to_numpy(),
        "interval_start": naive_utc(answered["arrived_at"]).dt.floor(freq).to_numpy(),
        "wait_s": answered["wait_s"].astype(float).to_numpy(),
    })  # fmt: skip
    waits = keyed.merge(calm, on=["queue_key", "interval_start"])["wait_s"]
    return float(waits.median()) if len(waits) else float("nan")


def warehouse_backtest(
    conn: Any,
    queue: str | None = None,
    *,
    interval: str | pd.Timedelta = "30min",
    sl_threshold_s: float = 20.0,
    patience_s: float | None = None,
    estimate_patience: bool = False,
    concurrency: int = 1,
    sl_definition: str = "offered",
    on_note: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, BacktestSummary]:
    """The backtest of the warehouse's history (``queue``: one queue; None: every queue
    pooled as one, as a multi-skilled team serves them; run a queue at a time for teams that
    do not share agents).

    Offered contacts of the queue; as agents on duty, the agents in an on-duty status who
    handled those contacts (engagements), or where none of them has status data, the agents
    handling the contacts in each interval. Queues without engagements (e-mail, messaging:
    ``handle_basis`` ``agent_replies``) are not Erlang queues and are left out. ``on_note``
    hears what was left out, the patience estimated (``estimate_patience``), and agents who
    work more contacts at once than ``concurrency``. Returns the rows of :func:`backtest`
    with ``queue_key``, and their summary.
    """
    from supportstats.planning.forecast import recent_contacts
    from supportstats.planning.history import contact_history, engagement_history, status_history

    note = on_note or (lambda _text: None)
    freq = pd.Timedelta(interval)
    contacts, future = recent_contacts(contact_history(conn, queue), weeks=None)
    if future:
        note(future)
    if "handle_basis" in contacts.columns:
        replies = contacts["handle_basis"].eq("agent_replies")
        for name in sorted(contacts.loc[replies, "queue_key"].dropna().unique()):
            note(f"queue {name} left out: no engagements, not a queue an Erlang model describes")
        contacts = contacts[~replies]
    if contacts.empty:
        where = f" for queue {queue}" if queue else ""
        raise PlanningInputError(
            f"no contacts to backtest in the warehouse{where}",
            hint="import a history with engagements (calls or chats), or check --queue",
        )
    engagements = engagement_history(conn, queue)
    observed = observed_intervals(contacts, freq, sl_threshold_s)
    window = (observed["interval_start"].min(), observed["interval_start"].max() + freq)
    # Only the agents who handle these contacts are on duty for them: an e-mail agent
    # logged in answers no chat.
    staffed = set(engagements["agent_key"])
    status = status_history(conn)
    if status["agent_key"].isin(staffed).any():
        agents = agents_from_status(status, freq, window=window, agents=staffed)
    else:
        agents = agents_from_engagements(engagements, freq, window)
    if estimate_patience:
        patience_s = estimate_patience_s(contacts)
        note(f"estimated mean patience: {patience_s:,.0f} s")
    held = working_concurrency(engagements)
    if held > concurrency:
        note(
            f"agents here work {held} contacts at once for part of their busy time, evaluated "
            f"as {concurrency}: set the concurrency (chats per agent) to {held} or more"
        )
    rows, summary = backtest(
        observed, agents, interval=freq, sl_threshold_s=sl_threshold_s,
        patience_s=patience_s, sl_definition=sl_definition, concurrency=concurrency,
    )  # fmt: skip
    rows = rows.assign(queue_key=queue)
    delay = _answer_delay_s(contacts.assign(queue_key=queue), rows, freq)
    return rows, summarise(rows, summary.left_out, delay)


def model_check(
    conn: Any,
    queue: str | None = None,
    *,
    targets: StaffingTargets | None = None,
    interval: str | pd.Timedelta = "30min",
) -> BacktestSummary | None:
    """How well the plan's queueing model described this operation's own history.

    Replays every past interval with the agents on duty then, through the model ``targets``
    describe (threshold, patience, concurrency, service-level definition; default
    ``StaffingTargets()``), and compares with the service level observed. None when the
    history has nothing to compare (no contacts with agents on duty). Show
    ``summary.model_line()`` next to a plan.
    """
    targets = targets or StaffingTargets()
    try:
        _, summary = warehouse_backtest(
            conn, queue, interval=interval, sl_threshold_s=targets.sl_threshold_s,
            patience_s=targets.patience_s, concurrency=targets.concurrency,
            sl_definition=targets.sl_definition,
        )  # fmt: skip
    except PlanningInputError:
        return None
    return summary
