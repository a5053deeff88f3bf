"""A staffing plan from start to end, the one way every caller makes one: the CLI
(``supportstats plan``), the demo, the dashboard's staffing page and the notebooks.

history -> :func:`forecast_from_contacts` (contacts and handle time per interval) ->
:func:`staffing_for_forecast` (agents per interval for :class:`StaffingTargets`) ->
:func:`plan_summary` (agent-hours, busiest interval, peak agents) and :func:`sl_curve` (service
level against agents for one interval). :func:`plan_from_history` runs the first two on a
warehouse connection. Defaults: :mod:`supportstats.planning.targets` and docs/staffing.md.

Times are naive UTC, as the forecast's. A plan has a ``queue`` column (the queue forecast, ""
for all); a forecast frame that brings its own ``queue`` column keeps it, so plans of several
queues can be made from one frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from supportstats.errors import SupportStatsError
from supportstats.planning.forecast import (
    Accuracy,
    check_interval,
    forecast,
    interval_history,
    recent_contacts,
)
from supportstats.planning.history import contact_history
from supportstats.planning.staffing import OUTPUT_COLUMNS, staff
from supportstats.planning.targets import (
    CHAT_PRESET,
    DAY_HORIZON,
    DEFAULT_HORIZON,
    DEFAULT_INTERVAL,
    DEFAULT_WEEKS,
    StaffingTargets,
)

__all__ = [
    "CHAT_PRESET",
    "DAY_HORIZON",
    "DEFAULT_HORIZON",
    "DEFAULT_INTERVAL",
    "DEFAULT_WEEKS",
    "ForecastResult",
    "PlanResult",
    "PlanSummary",
    "StaffingTargets",
    "forecast_from_contacts",
    "plan_from_contacts",
    "plan_from_history",
    "plan_summary",
    "queue_targets",
    "sl_curve",
    "staffing_for_forecast",
]

Span = str | pd.Timedelta
NO_HOLDOUT = "history too short for a holdout (needs more than 2 weeks)"


@dataclass(frozen=True)
class ForecastResult:
    """A forecast (``interval_start, volume, aht_s`` per interval), its holdout accuracy
    (None when the history is too short) and a note on contacts left out (or None)."""

    forecast: pd.DataFrame
    accuracy: Accuracy | None
    note: str | None
    interval: pd.Timedelta

    def accuracy_line(self) -> str:
        """``holdout from ...: WAPE 12.3 % (seasonal naive 15.0 %), ...`` or why there is
        none."""
        return self.accuracy.line() if self.accuracy is not None else NO_HOLDOUT


@dataclass(frozen=True)
class PlanResult:
    """:func:`plan_from_history`'s answer: the forecast, the plan (one row per interval,
    :func:`staffing_for_forecast`), the holdout accuracy and the note on contacts left out."""

    forecast: pd.DataFrame
    plan: pd.DataFrame
    accuracy: Accuracy | None
    note: str | None
    targets: StaffingTargets


def forecast_from_contacts(
    contacts: pd.DataFrame,
    *,
    horizon: Span = DEFAULT_HORIZON,
    interval: Span = DEFAULT_INTERVAL,
    weeks: int = DEFAULT_WEEKS,
    queue: str | None = None,
    now: pd.Timestamp | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ForecastResult:
    """Forecast ``horizon`` ahead of the history from one row per contact
    (:func:`~supportstats.planning.history.contact_history`).

    Contacts dated in the future are left out (the note says how many; ``on_note`` hears it
    at once, before a "no contacts" error), those older than ``weeks`` weeks and the holdout
    are not read. No contact left raises ``SupportStatsError`` naming ``queue``.
    """
    step = check_interval(_timedelta(interval))
    usable, note = recent_contacts(contacts, weeks=weeks, now=now)
    if note and on_note is not None:
        on_note(note)
    if usable.empty:
        raise SupportStatsError(
            "no contacts in the warehouse" + (f" for queue {queue}" if queue else ""),
            "import some history first, or check --queue",
        )
    history = interval_history(usable, step)
    ahead = _timedelta(horizon)
    predicted, accuracy = forecast(history, horizon=ahead, interval=step, weeks=weeks)
    return ForecastResult(predicted, accuracy, note, step)


def staffing_for_forecast(
    predicted: pd.DataFrame,
    targets: StaffingTargets | None = None,
    *,
    interval: Span = DEFAULT_INTERVAL,
    queue: str | None = None,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
) -> pd.DataFrame:
    """Agents per interval for a forecast: ``staff`` on its rows with ``targets``' columns.

    ``predicted`` has ``volume`` and ``aht_s`` per interval (``interval_start`` and other
    columns pass through). ``volume_factor`` and ``aht_factor`` scale them (what-if). The plan's
    columns: those of ``predicted``, ``queue`` (``queue`` or "" unless ``predicted`` has one),
    ``interval_s``, :meth:`StaffingTargets.columns`, then the staffing columns of
    ``OUTPUT_COLUMNS`` (``agents_raw``, ``agents_scheduled``, ``service_level``, ``asa_s``,
    ``occupancy``, ...; docs/staffing.md).

    >>> plan = staffing_for_forecast(pd.DataFrame({"volume": [100], "aht_s": [180.0]}),
    ...                              StaffingTargets(shrinkage=0.3))
    >>> plan[["agents_raw", "agents_scheduled"]].iloc[0].tolist()
    [14, 20]
    """
    targets = StaffingTargets() if targets is None else targets
    for name, factor in (("volume_factor", volume_factor), ("aht_factor", aht_factor)):
        if not (isinstance(factor, int | float) and math.isfinite(factor) and factor > 0):
            raise SupportStatsError(
                f"{name} {factor!r} is not a positive number", "1 keeps the forecast, 2 doubles it"
            )
    frame = predicted.copy()
    if volume_factor != 1:
        frame["volume"] = frame["volume"] * volume_factor
    if aht_factor != 1:
        frame["aht_s"] = frame["aht_s"] * aht_factor
    if "queue" not in frame.columns:
        frame["queue"] = queue or ""
    frame = frame.assign(interval_s=_timedelta(interval).total_seconds(), **targets.columns())
    return staff(frame, sl_definition=targets.sl_definition)


def plan_from_contacts(
    contacts: pd.DataFrame,
    targets: StaffingTargets | None = None,
    *,
    horizon: Span = DEFAULT_HORIZON,
    interval: Span = DEFAULT_INTERVAL,
    weeks: int = DEFAULT_WEEKS,
    queue: str | None = None,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
    now: pd.Timestamp | None = None,
) -> PlanResult:
    """:func:`forecast_from_contacts`, then :func:`staffing_for_forecast`."""
    targets = StaffingTargets() if targets is None else targets
    targets.check(_timedelta(interval).total_seconds())
    result = forecast_from_contacts(
        contacts, horizon=horizon, interval=interval, weeks=weeks, queue=queue, now=now
    )
    plan = staffing_for_forecast(
        result.forecast, targets, interval=result.interval, queue=queue,
        volume_factor=volume_factor, aht_factor=aht_factor,
    )  # fmt: skip
    return PlanResult(result.forecast, plan, result.accuracy, result.note, targets)


def plan_from_history(
    conn: Any,
    targets: StaffingTargets | None = None,
    *,
    horizon: Span = DEFAULT_HORIZON,
    interval: Span = DEFAULT_INTERVAL,
    queue: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
    now: pd.Timestamp | None = None,
) -> PlanResult:
    """A plan from a warehouse connection: the contacts of ``queue`` (all queues: None), a
    forecast ``horizon`` ahead in intervals of ``interval``, agents per interval for
    ``targets`` (default :class:`StaffingTargets`\\ ()).

    ``supportstats plan`` is this with the options as targets; the demo and the dashboard
    use ``StaffingTargets.chat()`` and a day ahead (:data:`DAY_HORIZON`).
    """
    contacts = contact_history(conn, queue)
    return plan_from_contacts(
        contacts, targets, horizon=horizon, interval=interval, weeks=weeks, queue=queue,
        volume_factor=volume_factor, aht_factor=aht_factor, now=now,
    )  # fmt: skip


def queue_targets(conn: Any, queue: str | None, **changes: Any) -> StaffingTargets:
    """The preset of ``queue`` (a queue key) by its channel in the warehouse's queue table
    (:meth:`StaffingTargets.for_channel`: chat, voice or tickets); all queues, an unknown
    queue or one without a channel: the chat preset. ``changes`` go on top."""
    channel = None
    if queue is not None:
        row = conn.execute("SELECT channel FROM queue WHERE queue_key = ?", [queue]).fetchone()
        channel = row[0] if row else None
    return StaffingTargets.for_channel(channel, **changes)


def sl_curve(
    row: pd.Series,
    targets: StaffingTargets | None = None,
    *,
    agents: Iterable[int] | None = None,
    extra: int = 4,
) -> pd.DataFrame:
    """Service level, occupancy, ASA and abandonment of one plan interval for each number of
    agents: ``agents`` (default 1 to ``agents_raw + extra``), one row each.

    ``row`` is a row of a plan (its inputs are reused as they are); ``targets`` gives only the
    service level definition (default: offered).
    """
    counts = list(range(1, int(row["agents_raw"]) + extra + 1) if agents is None else agents)
    inputs = row.drop([c for c in (*OUTPUT_COLUMNS, "agents") if c in row.index])
    frame = pd.DataFrame([inputs] * len(counts)).reset_index(drop=True)
    frame = frame.infer_objects()
    frame["agents"] = counts
    definition = (targets or StaffingTargets()).sl_definition
    return staff(frame, sl_definition=definition)


@dataclass(frozen=True)
class PlanSummary:
    """The headline figures of a plan (several queues: summed per interval).

    ``busiest_start`` is the interval with the most contacts forecast (the first of equals),
    ``peak_start`` the first with the most agents scheduled: with chat concurrency many
    intervals need the same few agents, so the two differ.
    """

    intervals: int
    contacts: float
    agent_hours_scheduled: float
    agent_hours_raw: float
    peak_agents_scheduled: int
    peak_agents_raw: int
    peak_start: pd.Timestamp | None
    busiest_start: pd.Timestamp | None
    busiest_volume: float
    busiest_row: pd.Series | None  # the plan row of the busiest interval (one queue)


def plan_summary(plan: pd.DataFrame) -> PlanSummary:
    """Agent-hours (agents x ``interval_s``), the busiest interval (most contacts forecast)
    and the peak agents of a plan from :func:`staffing_for_forecast`."""
    if plan.empty:
        return PlanSummary(0, 0.0, 0.0, 0.0, 0, 0, None, None, 0.0, None)
    hours = plan["interval_s"].astype(float) / 3600.0
    timed = "interval_start" in plan.columns
    key = plan["interval_start"] if timed else pd.Series(range(len(plan)))
    per = (
        pd.DataFrame(
            {
                "start": key.to_numpy(),
                "volume": plan["volume"].to_numpy(float),
                "scheduled": plan["agents_scheduled"].to_numpy(),
                "raw": plan["agents_raw"].to_numpy(),
            }
        )
        .groupby("start", sort=False)
        .sum()
    )
    busiest = per["volume"].idxmax()
    peak = per["scheduled"].idxmax()
    rows = plan[key.to_numpy() == busiest]
    return PlanSummary(
        intervals=len(per),
        contacts=float(per["volume"].sum()),
        agent_hours_scheduled=float((plan["agents_scheduled"] * hours).sum()),
        agent_hours_raw=float((plan["agents_raw"] * hours).sum()),
        peak_agents_scheduled=int(per["scheduled"].max()),
        peak_agents_raw=int(per["raw"].max()),
        peak_start=pd.Timestamp(peak) if timed else None,
        busiest_start=pd.Timestamp(busiest) if timed else None,
        busiest_volume=float(per.loc[busiest, "volume"]),
        busiest_row=rows.loc[rows["volume"].idxmax()] if len(rows) else None,
    )


def _timedelta(value: Span) -> pd.Timedelta:
    """``30min``, ``14d``, ``24h`` or a Timedelta (pandas 3 no longer takes ``14D``'s
    lower-case ``d`` in every spelling: ``14d`` is read as days here)."""
    if isinstance(value, pd.Timedelta):
        return value
    text = str(value).strip()
    if text.lower().endswith("d") and text[:-1].replace(".", "", 1).isdigit():
        return pd.Timedelta(days=float(text[:-1]))
    return pd.Timedelta(text)
