"""A staffing plan from start to end, the one way every caller makes one: the CLI
(``supportstats plan``), the demo, the dashboard's staffing page and the notebooks.

history -> :func:`forecast_from_contacts` (contacts and handle time per interval) ->
:func:`staffing_for_forecast` (agents per interval for :class:`StaffingTargets`) ->
:func:`plan_summary` (agent-hours, busiest interval, peak agents) and :func:`sl_curve` (service
level against agents for one interval). :func:`plan_from_history` runs the first two on a
warehouse connection. Defaults: :mod:`supportstats.planning.targets` and docs/staffing.md.

Every queue: :func:`forecast_queues` forecasts each queue of the history on one grid (a
``queue`` and a ``channel`` column), :func:`targets_for_queues` gives each queue its channel's
preset, and :func:`staffing_for_forecast` staffs each queue by its model (Erlang C/A, or the
backlog model of :mod:`supportstats.planning.backlog` for e-mail and tickets), then applies
the roster rules of :mod:`supportstats.planning.requirement` (opening hours, minimum,
smoothing, team leads). :func:`plan_every_queue` runs it all on one row per contact.

Times are naive UTC, or naive wall-clock times of ``timezone`` with a ``utc_offset`` column
(docs/staffing.md, "Every queue"). A plan has a ``queue`` column (the queue forecast, "" for
all); a forecast frame that brings its own ``queue`` column keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from supportstats.errors import SupportStatsError
from supportstats.planning.backlog import backlog_staffing, warmup_period
from supportstats.planning.forecast import (
    Accuracy,
    check_interval,
    check_timezone,
    forecast,
    interval_history,
    local_times,
    recent_contacts,
)
from supportstats.planning.history import contact_history
from supportstats.planning.requirement import (
    RosterRules,
    open_mask,
    rosterable,
    smoothing_window,
    team_leads,
)
from supportstats.planning.staffing import OUTPUT_COLUMNS, ceil_exact, staff
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
    "RosterRules",
    "StaffingTargets",
    "floor_agents",
    "forecast_from_contacts",
    "forecast_queues",
    "plan_every_queue",
    "targets_for_queues",
    "team_leads",
    "plan_from_contacts",
    "plan_from_history",
    "plan_summary",
    "queue_summary",
    "queue_targets",
    "sl_curve",
    "staffing_for_forecast",
]

Span = str | pd.Timedelta
Targets = StaffingTargets | Mapping[str, StaffingTargets]
NO_HOLDOUT = "history too short for a holdout (needs more than 2 weeks)"
#: Columns a plan adds after ``OUTPUT_COLUMNS`` (docs/staffing.md, "Every queue").
PLAN_COLUMNS = ("backlog_s", "agents_unsmoothed", "open", "team_leads")


@dataclass(frozen=True)
class ForecastResult:
    """A forecast (``interval_start, volume, aht_s`` per interval), its holdout accuracy
    (None when the history is too short) and a note on contacts left out (or None)."""

    forecast: pd.DataFrame
    accuracy: Accuracy | None
    note: str | None
    interval: pd.Timedelta
    by_queue: dict[str, Accuracy | None] = field(default_factory=dict)
    timezone: str | None = None

    def accuracy_line(self) -> str:
        """``holdout from ...: WAPE 12.3 % (seasonal naive 15.0 %), ...`` or why there is
        none; one ``queue: ...`` part per queue when there are several."""
        if len(self.by_queue) > 1:
            return "; ".join(
                f"{queue}: {acc.line() if acc is not None else NO_HOLDOUT}"
                for queue, acc in self.by_queue.items()
            )
        return self.accuracy.line() if self.accuracy is not None else NO_HOLDOUT


@dataclass(frozen=True)
class PlanResult:
    """:func:`plan_from_history`'s answer: the forecast, the plan (one row per interval,
    :func:`staffing_for_forecast`), the holdout accuracy and the note on contacts left out."""

    forecast: pd.DataFrame
    plan: pd.DataFrame
    accuracy: Accuracy | None
    note: str | None
    targets: Targets


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
    (:func:`~supportstats.planning.history.contact_history`), every contact pooled into one
    queue (``queue`` names it in errors): :func:`forecast_queues` without the ``queue`` and
    ``channel`` columns.

    Contacts dated in the future are left out (the note says how many; ``on_note`` hears it
    at once, before a "no contacts" error), those older than ``weeks`` weeks and the holdout
    are not read. No contact left raises ``SupportStatsError`` naming ``queue``.
    """
    pooled = contacts.assign(queue_key=queue or "")
    result = forecast_queues(
        pooled, queues=[queue] if queue else None, horizon=horizon, interval=interval,
        weeks=weeks, now=now, on_note=on_note,
    )  # fmt: skip
    frame = result.forecast.drop(columns=["queue", "channel"])
    return ForecastResult(frame, result.accuracy, result.note, result.interval)


def forecast_queues(
    contacts: pd.DataFrame,
    *,
    queues: Sequence[str] | None = None,
    horizon: Span = DEFAULT_HORIZON,
    interval: Span = DEFAULT_INTERVAL,
    weeks: int = DEFAULT_WEEKS,
    timezone: str | None = None,
    now: pd.Timestamp | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ForecastResult:
    """Forecast every queue of ``contacts`` (or only ``queues``) on one grid: the intervals
    after the latest contact of any queue, so one plan holds them all.

    ``contacts`` is :func:`~supportstats.planning.history.contact_history` (``queue_key``,
    ``channel``, ``created_at``, ``handle_s``). Each queue is forecast from its own history
    (:func:`~supportstats.planning.forecast.forecast`, slots on the wall clock of
    ``timezone``). The frame: ``interval_start`` (naive UTC, or naive wall-clock time of
    ``timezone`` followed by ``utc_offset`` such as ``UTC+01:00``), ``queue``, ``channel``,
    ``volume``, ``aht_s``; one block of rows per queue. ``by_queue`` holds each queue's
    holdout accuracy. A queue asked for without contacts raises ``SupportStatsError``.
    """
    step = check_interval(_timedelta(interval))
    check_timezone(timezone)
    usable, note = recent_contacts(contacts, weeks=weeks, now=now)
    if note and on_note is not None:
        on_note(note)
    keys = usable["queue_key"].fillna("") if "queue_key" in usable.columns else None
    wanted = list(dict.fromkeys(queues)) if queues else None
    if keys is None:
        usable, keys = usable.assign(queue_key=""), pd.Series("", index=usable.index)
    present = set(keys)
    missing = [q for q in wanted or [] if q not in present]
    if missing or usable.empty:
        named = f" for queue {', '.join(missing)}" if missing else ""
        raise SupportStatsError(
            f"no contacts in the warehouse{named}",
            "import some history first, or check --queue (supportstats queues lists them)",
        )
    names = wanted or sorted(present)
    created = usable["created_at"]
    last = pd.Timestamp(
        created.max().tz_convert("UTC").tz_localize(None)
        if getattr(created.dtype, "tz", None) is not None
        else created.max()
    ).floor(step)
    frames, accuracies = [], {}
    for name in names:
        rows = usable[keys == name]
        history = interval_history(rows, step)
        grid = pd.date_range(history["interval_start"].min(), last, freq=step)
        history = history.set_index("interval_start").reindex(grid).rename_axis("interval_start")
        history["volume"] = history["volume"].fillna(0.0)
        predicted, accuracy = forecast(
            history.reset_index(), horizon=_timedelta(horizon), interval=step, weeks=weeks,
            timezone=timezone,
        )  # fmt: skip
        channel = rows["channel"].dropna() if "channel" in rows.columns else pd.Series()
        predicted.insert(1, "queue", name)
        predicted.insert(2, "channel", channel.iloc[0] if len(channel) else None)
        frames.append(predicted)
        accuracies[name] = accuracy
    frame = localise(pd.concat(frames, ignore_index=True), timezone)
    single = accuracies[names[0]] if len(names) == 1 else None
    return ForecastResult(frame, single, note, step, accuracies, timezone)


def localise(frame: pd.DataFrame, timezone: str | None) -> pd.DataFrame:
    """``interval_start`` (naive UTC) as the naive wall-clock time of ``timezone``, with a
    ``utc_offset`` column after it (``UTC+01:00``) that tells the repeated hour of a DST change
    apart. None: unchanged."""
    if timezone is None:
        return frame
    utc = pd.DatetimeIndex(frame["interval_start"])
    aware = utc.tz_localize("UTC").tz_convert(timezone)
    offset = aware.strftime("%z")
    out = frame.copy()
    out["interval_start"] = local_times(utc, timezone)
    position = out.columns.get_loc("interval_start") + 1
    # "UTC+01:00": a bare "+01:00" would be quoted in CSV as a possible spreadsheet formula
    out.insert(position, "utc_offset", [f"UTC{o[:3]}:{o[3:]}" for o in offset])
    return out


def targets_for_queues(predicted: pd.DataFrame, **changes: Any) -> dict[str, StaffingTargets]:
    """Each queue's preset by its channel (:meth:`StaffingTargets.for_channel`, the
    ``channel`` column of :func:`forecast_queues`; none: the chat preset), ``changes`` on
    top: the targets :func:`staffing_for_forecast` takes for a plan of every queue."""
    queues = predicted["queue"] if "queue" in predicted.columns else pd.Series([""])
    channels = (
        predicted["channel"] if "channel" in predicted.columns else pd.Series(None, queues.index)
    )
    first = pd.DataFrame({"queue": queues, "channel": channels}).drop_duplicates("queue")
    return {
        str(row.queue): StaffingTargets.for_channel(
            None if pd.isna(row.channel) else str(row.channel), **changes
        )
        for row in first.itertuples()
    }


def staffing_for_forecast(
    predicted: pd.DataFrame,
    targets: Targets | None = None,
    *,
    interval: Span = DEFAULT_INTERVAL,
    queue: str | None = None,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
    rules: RosterRules | None = None,
) -> pd.DataFrame:
    r"""Agents per interval for a forecast, queue by queue, then the roster rules.

    ``predicted`` has ``volume`` and ``aht_s`` per interval (``interval_start``, ``queue``
    and other columns pass through). ``targets``: one :class:`StaffingTargets` for every
    queue, or one per queue (:func:`targets_for_queues`). A queue's targets pick its model:
    Erlang C/A (``staff``) or the backlog model (``backlog_model``, e-mail and tickets:
    :mod:`supportstats.planning.backlog`). ``volume_factor`` and ``aht_factor`` scale the
    forecast (what-if). ``rules`` (default :class:`RosterRules`\ (): always open, no minimum,
    dips up to 1 h filled, a lead per 12 agents) turn the model's agents into
    ``agents_scheduled``.

    Columns: those of ``predicted``, ``queue`` (``queue`` or "" unless ``predicted`` has one),
    ``interval_s``, :meth:`StaffingTargets.columns`, ``OUTPUT_COLUMNS`` (``agents_raw``,
    ``agents_scheduled``, ``service_level``, ...), then ``backlog_s``, ``agents_unsmoothed``,
    ``open``, ``team_leads`` (docs/staffing.md).

    >>> plan = staffing_for_forecast(pd.DataFrame({"volume": [100], "aht_s": [180.0]}),
    ...                              StaffingTargets(shrinkage=0.3))
    >>> plan[["agents_raw", "agents_scheduled", "team_leads"]].iloc[0].tolist()
    [14, 20, 2]
    """
    targets = StaffingTargets() if targets is None else targets
    rules = RosterRules() if rules is None else rules
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
    # an empty cell (a CSV's "" read back as NaN) is the pooled queue "", not a row to drop
    frame["queue"] = frame["queue"].fillna("")
    step = _timedelta(interval)
    frame = frame.assign(interval_s=step.total_seconds())
    if "interval_start" in frame.columns:
        is_open = open_mask(frame["interval_start"], rules.hours())
    else:
        is_open = np.ones(len(frame), dtype=bool)
    frame["open"] = is_open
    window = smoothing_window(rules.smooth_delta(), step)
    frame["_row"] = np.arange(len(frame))
    parts = []
    for name, rows in frame.groupby("queue", sort=False):
        chosen = targets.get(str(name)) if isinstance(targets, Mapping) else targets
        if chosen is None:
            raise SupportStatsError(f"no staffing targets for queue {name}", "pass targets for it")
        rows = rows.assign(**chosen.columns())
        if chosen.backlog_model:
            staffed = _staff_backlog(rows, chosen, step)
        else:
            staffed = _close(staff(rows, sl_definition=chosen.sl_definition))
            staffed["backlog_s"] = np.nan
        staffed["agents_unsmoothed"] = staffed["agents_scheduled"].astype(np.int64)
        work = (staffed["volume"].to_numpy(float) > 0) | (staffed["backlog_s"].fillna(0) > 0)
        staffed["agents_scheduled"] = rosterable(
            staffed["agents_unsmoothed"].to_numpy(), open_=staffed["open"].to_numpy(bool),
            active=np.asarray(work), min_agents=rules.min_agents, window=window,
        )  # fmt: skip
        parts.append(staffed)
    if not parts:  # no rows: the columns of a plan all the same
        one = targets if isinstance(targets, StaffingTargets) else StaffingTargets()
        empty = staff(frame.assign(**one.columns()), sl_definition=one.sl_definition)
        parts = [empty.assign(backlog_s=np.nan, agents_unsmoothed=0)]
    plan = pd.concat(parts).sort_values("_row").drop(columns="_row")
    plan = plan.reindex(columns=[*(c for c in plan.columns if c not in PLAN_COLUMNS),
                                 *PLAN_COLUMNS])  # fmt: skip
    plan["team_leads"] = team_leads(plan["agents_scheduled"].to_numpy(), rules.lead_span)
    return plan


_ERLANG_ONLY = (
    "agents_sl_only", "service_level", "service_level_minus_1", "wait_probability", "asa_s",
    "abandon_probability",
)  # fmt: skip


def _close(plan: pd.DataFrame) -> pd.DataFrame:
    """Erlang rows outside opening hours: no agents (the contacts forecast there are not
    served), ``binding_constraint`` ``closed``, the Erlang figures empty."""
    shut = ~plan["open"].to_numpy(bool)
    if not shut.any():
        return plan
    plan = plan.copy()
    for column in ("agents_raw", "agents_scheduled", "slots"):
        plan.loc[shut, column] = 0
    plan.loc[shut, "occupancy"] = np.nan
    for column in _ERLANG_ONLY:
        plan[column] = plan[column].astype(float)
        plan.loc[shut, column] = np.nan
    plan["binding_constraint"] = plan["binding_constraint"].astype(object)
    plan.loc[shut, "binding_constraint"] = "closed"
    return plan


def _staff_backlog(
    rows: pd.DataFrame, targets: StaffingTargets, step: pd.Timedelta
) -> pd.DataFrame:
    """One queue's rows staffed by the backlog model, in ``staff``'s columns: the Erlang-only
    ones empty (NaN), ``traffic_erlangs`` the workload in agents, ``occupancy`` the work done
    over the agents' time, ``binding_constraint`` ``deadline``, ``nothing_due`` or ``closed``.
    """
    interval_s = step.total_seconds()
    volume = rows["volume"].to_numpy(float)
    aht = np.nan_to_num(rows["aht_s"].to_numpy(float))
    if ((volume < 0) | ~np.isfinite(volume)).any() or (aht < 0).any():
        raise SupportStatsError(
            f"queue {rows['queue'].iloc[0]}: negative or missing volume or handle time",
            "volumes and handle times are 0 or more",
        )
    work = volume * aht
    is_open = rows["open"].to_numpy(bool)
    warm = warmup_period(len(work), interval_s)
    result = backlog_staffing(
        np.concatenate([work[:warm], work]), interval_s, targets.sl_threshold_s,
        max_occupancy=targets.max_occupancy, open_=np.concatenate([is_open[:warm], is_open]),
        warmup=warm,
    )  # fmt: skip
    agents = result.agents
    out = rows.copy()
    out["model"] = "backlog"
    out["traffic_erlangs"] = work / interval_s
    out["agents_sl_only"] = np.nan
    out["agents_raw"] = agents
    out["agents_scheduled"] = ceil_exact(agents / (1.0 - targets.shrinkage))
    out["binding_constraint"] = np.where(
        ~is_open, "closed", np.where(agents > 0, "deadline", "nothing_due")
    )
    for column in ("service_level", "service_level_minus_1", "wait_probability", "asa_s"):
        out[column] = np.nan
    out["occupancy"] = np.divide(
        result.done_s, agents * interval_s, out=np.zeros(len(agents)), where=agents > 0
    )
    out["abandon_probability"] = np.nan
    out["slots"] = agents
    out["backlog_s"] = result.backlog_s
    return out


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
    rules: RosterRules | None = None,
) -> PlanResult:
    """:func:`forecast_from_contacts`, then :func:`staffing_for_forecast` (one queue)."""
    targets = StaffingTargets() if targets is None else targets
    targets.check(_timedelta(interval).total_seconds())
    result = forecast_from_contacts(
        contacts, horizon=horizon, interval=interval, weeks=weeks, queue=queue, now=now
    )
    plan = staffing_for_forecast(
        result.forecast, targets, interval=result.interval, queue=queue,
        volume_factor=volume_factor, aht_factor=aht_factor, rules=rules,
    )  # fmt: skip
    return PlanResult(result.forecast, plan, result.accuracy, result.note, targets)


def plan_every_queue(
    contacts: pd.DataFrame,
    targets: Targets | None = None,
    *,
    queues: Sequence[str] | None = None,
    horizon: Span = DEFAULT_HORIZON,
    interval: Span = DEFAULT_INTERVAL,
    weeks: int = DEFAULT_WEEKS,
    timezone: str | None = None,
    rules: RosterRules | None = None,
    changes: Mapping[str, Any] | None = None,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
    now: pd.Timestamp | None = None,
    on_note: Callable[[str], None] | None = None,
) -> PlanResult:
    """A plan of every queue (or of ``queues``) from one row per contact:
    :func:`forecast_queues`, then :func:`staffing_for_forecast` with ``targets`` (default:
    each queue's channel preset, :func:`targets_for_queues`, with ``changes`` on top).
    ``PlanResult.targets`` is the targets per queue."""
    result = forecast_queues(
        contacts, queues=queues, horizon=horizon, interval=interval, weeks=weeks,
        timezone=timezone, now=now, on_note=on_note,
    )  # fmt: skip
    if targets is None:
        targets = targets_for_queues(result.forecast, **dict(changes or {}))
    plan = staffing_for_forecast(
        result.forecast, targets, interval=result.interval, volume_factor=volume_factor,
        aht_factor=aht_factor, rules=rules,
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

    One forecast for the contacts read (``queue`` None pools every queue into one); for a
    plan of each queue at its own preset and model, :func:`plan_every_queue` (what
    ``supportstats plan`` runs).
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
    # A local plan's repeated hour (DST fall-back) has two intervals per wall-clock start:
    # the UTC offset tells them apart, so they are not summed into one.
    offset = plan["utc_offset"] if "utc_offset" in plan.columns else pd.Series("", plan.index)
    per = (
        pd.DataFrame(
            {
                "start": key.to_numpy(),
                "offset": offset.to_numpy(),
                "volume": plan["volume"].to_numpy(float),
                "scheduled": plan["agents_scheduled"].to_numpy(),
                "raw": plan["agents_raw"].to_numpy(),
            }
        )
        .groupby(["start", "offset"], sort=False)
        .sum()
    )
    busiest = per["volume"].idxmax()
    peak = per["scheduled"].idxmax()
    rows = plan[(key.to_numpy() == busiest[0]) & (offset.to_numpy() == busiest[1])]
    # by position: a plan concatenated from several repeats index labels
    busiest_row = rows.iloc[int(np.argmax(rows["volume"].to_numpy(float)))]
    return PlanSummary(
        intervals=len(per),
        contacts=float(per["volume"].sum()),
        agent_hours_scheduled=float((plan["agents_scheduled"] * hours).sum()),
        agent_hours_raw=float((plan["agents_raw"] * hours).sum()),
        peak_agents_scheduled=int(per["scheduled"].max()),
        peak_agents_raw=int(per["raw"].max()),
        peak_start=pd.Timestamp(peak[0]) if timed else None,
        busiest_start=pd.Timestamp(busiest[0]) if timed else None,
        busiest_volume=float(per.loc[busiest, "volume"]),
        busiest_row=busiest_row,
    )


def floor_agents(plan: pd.DataFrame) -> pd.Series:
    """Agents scheduled on the floor per interval: every queue's summed, one value per real
    interval (the repeated hour of a DST fall-back twice, told apart by ``utc_offset``), in
    the plan's order. The team leads of the floor are :func:`team_leads` of it."""
    keys = ["interval_start", *(["utc_offset"] if "utc_offset" in plan.columns else [])]
    return plan.groupby(keys, sort=False)["agents_scheduled"].sum()


def queue_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """One row per queue of a plan: ``queue, channel, model, contacts,
    agent_hours_scheduled, peak_agents_scheduled, team_leads_at_peak`` (:func:`plan_summary`
    of each queue; the demo and the dashboard's staffing page show it)."""
    rows = []
    for queue, part in plan.groupby("queue", sort=False):
        summary = plan_summary(part)
        peak = part.iloc[int(np.argmax(part["agents_scheduled"].to_numpy()))]
        rows.append(
            {
                "queue": queue,
                "channel": part["channel"].iloc[0] if "channel" in part.columns else None,
                "model": part["model"].iloc[0],
                "contacts": summary.contacts,
                "agent_hours_scheduled": summary.agent_hours_scheduled,
                "peak_agents_scheduled": summary.peak_agents_scheduled,
                "team_leads_at_peak": int(peak["team_leads"]) if "team_leads" in part else 0,
            }
        )
    return pd.DataFrame(rows)


def _timedelta(value: Span) -> pd.Timedelta:
    """``30min``, ``14d``, ``24h`` or a Timedelta (pandas 3 no longer takes ``14D``'s
    lower-case ``d`` in every spelling: ``14d`` is read as days here)."""
    if isinstance(value, pd.Timedelta):
        return value
    text = str(value).strip()
    if text.lower().endswith("d") and text[:-1].replace(".", "", 1).isdigit():
        return pd.Timedelta(days=float(text[:-1]))
    return pd.Timedelta(text)
