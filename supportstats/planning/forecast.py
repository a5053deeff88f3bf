"""Contacts and handle time per interval from history: a seasonal profile with a trend.

The model is deliberately plain, because schedulers must be able to explain it: for every
(day of week, time of day) slot, the mean volume of the last ``weeks`` weeks, scaled by the
trend of weekly totals (a least-squares line over the same weeks, as a ratio of its last value),
and the contact-weighted mean handle time of that slot. Its accuracy on a held-out final stretch
is reported next to the seasonal-naive baseline (same slot one week earlier), as WAPE and MAPE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from supportstats.errors import OptionError
from supportstats.planning._validate import PlanningInputError, naive_utc
from supportstats.timezones import check_timezone as _check_timezone

WEEK = pd.Timedelta(days=7)

# Bounds (docs/staffing.md, "Limits"): every array here is sized by a span of time divided by
# the interval, so each of the three is capped.
MIN_INTERVAL = pd.Timedelta(minutes=5)
MAX_INTERVAL = pd.Timedelta(days=1)
MAX_HORIZON = pd.Timedelta(days=366)
MAX_WEEKS = 260  # weeks of history in the profile (five years)
# Intervals of history one forecast may lay out: 262 weeks (the longest profile and the
# holdout) of 5-minute intervals.
MAX_HISTORY_INTERVALS = 600_000
# A contact created this long after the present is a bad date, not history.
FUTURE_SLACK = pd.Timedelta(days=1)


def check_interval(interval: str | pd.Timedelta, option: str = "interval") -> pd.Timedelta:
    """The interval as a Timedelta: from 5 minutes to a day, dividing a day evenly."""
    freq = pd.Timedelta(interval)
    if not MIN_INTERVAL <= freq <= MAX_INTERVAL:
        raise PlanningInputError(
            f"{option} {_span(freq)} is outside 5min to 1d",
            hint="plan in intervals of 5min to 1d, e.g. 15min, 30min or 1h",
        )
    if pd.Timedelta(days=1) % freq != pd.Timedelta(0):
        raise PlanningInputError(
            f"{option} {_span(freq)} does not divide a day", hint="use 15min, 30min or 1h"
        )
    return freq


def check_horizon(horizon: str | pd.Timedelta, option: str = "horizon") -> pd.Timedelta:
    """The horizon as a Timedelta, at most 366 days (a profile of recent weeks says nothing
    about next year's)."""
    ahead = pd.Timedelta(horizon)
    if ahead > MAX_HORIZON:
        raise PlanningInputError(
            f"{option} {_span(ahead)} is longer than 366 days",
            hint="forecast at most a year ahead, e.g. 14d, 8w or 90d",
        )
    return ahead


def check_timezone(timezone: str | None, option: str = "timezone") -> str | None:
    """An IANA timezone name (None passes), checked by the package's one timezone check
    (:func:`supportstats.timezones.check_timezone`), refused as a planning input."""
    try:
        return _check_timezone(timezone, option)
    except OptionError as exc:
        raise PlanningInputError(exc.message, hint=exc.hint) from None


def check_weeks(weeks: int, option: str = "weeks") -> int:
    """Weeks of history in the profile: 1 to 260."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlanningInputError(
            f"{option} {weeks} is outside 1 to {MAX_WEEKS}",
            hint="the profile averages recent weeks: 8 is the default, 52 a year",
        )
    return weeks


def _span(delta: pd.Timedelta) -> str:
    """A duration as a person writes it: 30min, 1d, 1000d, 10s."""
    seconds = delta.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:g}s"


def recent_contacts(
    contacts: pd.DataFrame, *, weeks: int | None = 8, now: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, str | None]:
    """The contacts a forecast of ``weeks`` weeks uses, and a note on contacts left out.

    Contacts created more than a day after ``now`` (default: the present) cannot be history:
    a mistyped date (year 9999) would otherwise make the forecast start in that year and lay
    out every interval in between. They are left out and named in the note. Contacts older
    than the ``weeks`` weeks plus the 7-day holdout (and a day) before the latest one are
    dropped silently: the forecast never reads them, and an ancient date (year 1) would only
    stretch the history. ``weeks=None`` keeps them (the backtest reads every interval).
    """
    if contacts.empty or "created_at" not in contacts.columns:
        return contacts, None
    created = naive_utc(contacts["created_at"])
    limit = (pd.Timestamp.now(tz="UTC").tz_localize(None) if now is None else now) + FUTURE_SLACK
    future = created > limit
    note = None
    if future.any():
        count = int(future.sum())
        note = (
            f"left out {count:,} contact{'s' if count != 1 else ''} dated after "
            f"{limit:%Y-%m-%d} (latest {created[future].max():%Y-%m-%d %H:%M}): "
            "not history; fix created_at in the source and import it again"
        )
    kept = created[~future]
    if kept.empty or weeks is None:
        return contacts[~future], note
    start = kept.max() - (check_weeks(weeks) + 1) * WEEK - pd.Timedelta(days=1)
    return contacts[~future & (created >= start)], note


@dataclass(frozen=True)
class Accuracy:
    """Holdout accuracy of the forecast and of the seasonal-naive baseline (fractions)."""

    holdout_start: pd.Timestamp
    holdout_intervals: int
    wape: float
    mape: float
    baseline_wape: float
    baseline_mape: float

    def line(self) -> str:
        """One line for a terminal: ``holdout 7 days: WAPE 12.3 % (naive 15.0 %) ...``."""
        return (
            f"holdout from {self.holdout_start:%Y-%m-%d %H:%M} "
            f"({self.holdout_intervals} intervals):"
            f" WAPE {self.wape:.1%} (seasonal naive {self.baseline_wape:.1%}),"
            f" MAPE {self.mape:.1%} (seasonal naive {self.baseline_mape:.1%})"
        )


def interval_history(
    contacts: pd.DataFrame, interval: str | pd.Timedelta = "30min"
) -> pd.DataFrame:
    """Volume and mean handle time per interval from one row per contact.

    ``contacts`` has ``created_at`` (timestamp) and ``handle_s`` (seconds, NaN for contacts not
    handled). Returns ``interval_start, volume, aht_s`` for every interval between the first
    and last contact, empty intervals included with volume 0 (a quiet night is data).
    """
    for column in ("created_at", "handle_s"):
        if column not in contacts.columns:
            raise PlanningInputError(
                f"contact history has no column {column}",
                hint="pass one row per contact with created_at and handle_s",
            )
    freq = check_interval(interval)
    if contacts.empty:
        empty = {"volume": pd.Series(dtype=float), "aht_s": pd.Series(dtype=float)}
        return pd.DataFrame({"interval_start": pd.Series(dtype="datetime64[ns]"), **empty})
    start = naive_utc(contacts["created_at"]).dt.floor(freq)
    first, last = start.min(), start.max()
    if (last - first) // freq + 1 > MAX_HISTORY_INTERVALS:
        raise PlanningInputError(
            f"the contact history runs from {first:%Y-%m-%d} to {last:%Y-%m-%d}: "
            f"{(last - first) // freq + 1:,} intervals of {_span(freq)}, "
            f"more than {MAX_HISTORY_INTERVALS:,}",
            hint="pass only the recent contacts (recent_contacts() keeps what a forecast "
            "reads), or a longer interval",
        )
    frame = pd.DataFrame({"interval_start": start, "handle_s": contacts["handle_s"].astype(float)})
    grouped = frame.groupby("interval_start")
    out = pd.DataFrame(
        {"volume": grouped.size().astype(float), "aht_s": grouped["handle_s"].mean()}
    )
    grid = pd.date_range(start.min(), start.max(), freq=freq, name="interval_start")
    out = out.reindex(grid)
    out["volume"] = out["volume"].fillna(0.0)
    return out.reset_index()


def local_times(index: pd.DatetimeIndex, timezone: str | None) -> pd.DatetimeIndex:
    """Naive UTC times as naive wall-clock times of ``timezone`` (None: unchanged). Around a
    DST change two UTC times can give the same wall-clock time (the repeated hour)."""
    if timezone is None:
        return index
    return index.tz_localize("UTC").tz_convert(timezone).tz_localize(None)


def _slot(index: pd.DatetimeIndex, freq: pd.Timedelta, timezone: str | None = None) -> np.ndarray:
    """Slot of the week: day of week x intervals per day + interval of the day, by the
    wall clock of ``timezone`` (None: UTC)."""
    index = local_times(pd.DatetimeIndex(index), timezone)
    per_day = int(pd.Timedelta(days=1) / freq)
    since_midnight = (index - index.normalize()) // freq
    return np.asarray(index.day_of_week * per_day + since_midnight, dtype=np.int64)


def _fit_predict(
    history: pd.DataFrame,
    future: pd.DatetimeIndex,
    freq: pd.Timedelta,
    weeks: int,
    timezone: str | None = None,
) -> pd.DataFrame:
    end = history["interval_start"].max() + freq
    # Whole weeks only, counted back from the end, so every slot is seen equally often.
    span = min(weeks, int((end - history["interval_start"].min()) // WEEK))
    recent = history[history["interval_start"] >= end - span * WEEK] if span else history
    index = pd.DatetimeIndex(recent["interval_start"])
    slots = _slot(index, freq, timezone)
    per_week = 7 * int(pd.Timedelta(days=1) / freq)
    volume = recent["volume"].to_numpy(float)
    profile = np.bincount(slots, weights=volume, minlength=per_week)
    seen = np.bincount(slots, minlength=per_week)
    profile = np.divide(profile, seen, out=np.zeros(per_week), where=seen > 0)
    # Handle time per slot, weighted by contacts; slots never seen take the overall mean.
    handled = recent["aht_s"].notna().to_numpy() & (volume > 0)
    work = np.bincount(
        slots[handled],
        weights=(recent["aht_s"].to_numpy(float) * volume)[handled],
        minlength=per_week,
    )
    counted = np.bincount(slots[handled], weights=volume[handled], minlength=per_week)
    overall = work.sum() / counted.sum() if counted.sum() > 0 else np.nan
    aht = np.divide(work, counted, out=np.full(per_week, overall), where=counted > 0)
    # Trend: a least-squares line through the weekly totals (3 weeks or more), as growth per
    # day relative to the mean week, which is the level the profile stands for.
    growth = 0.0
    if span >= 3:
        age = ((end - freq - index) // WEEK).to_numpy()  # 0 = the last week
        totals = np.bincount(age, weights=volume, minlength=span)[::-1]
        slope, _ = np.polyfit(np.arange(span), totals, 1)
        growth = slope / totals.mean() / 7 if totals.mean() > 0 else 0.0
    days_ahead = ((future - (end - span * WEEK / 2)) / pd.Timedelta(days=1)).to_numpy(float)
    factor = np.clip(1.0 + growth * days_ahead, 0.0, None)
    fslots = _slot(future, freq, timezone)
    return pd.DataFrame(
        {"interval_start": future, "volume": profile[fslots] * factor, "aht_s": aht[fslots]}
    )


def _errors(actual: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    total = actual.sum()
    wape = float(np.abs(actual - predicted).sum() / total) if total > 0 else float("nan")
    busy = actual > 0
    mape = (
        float(np.mean(np.abs(actual[busy] - predicted[busy]) / actual[busy]))
        if busy.any()
        else float("nan")
    )
    return wape, mape


def forecast(
    history: pd.DataFrame,
    *,
    horizon: str | pd.Timedelta = "14D",
    interval: str | pd.Timedelta = "30min",
    weeks: int = 8,
    holdout: str | pd.Timedelta = "7D",
    timezone: str | None = None,
) -> tuple[pd.DataFrame, Accuracy | None]:
    """Forecast ``interval_start, volume, aht_s`` for ``horizon`` after the history ends.

    ``history`` is the output of :func:`interval_history` (one row per interval, naive UTC).
    The profile's slots (day of week, time of day) are read on the wall clock of ``timezone``
    (None: UTC), so a queue busy from 09:00 local stays busy from 09:00 local across a DST
    change; times in and out stay naive UTC. Accuracy is
    measured by refitting on all but the last ``holdout`` and comparing with it; it is None
    when the history is shorter than the holdout plus one week (nothing honest to report).
    """
    freq = check_interval(interval)
    ahead = check_horizon(horizon)
    check_weeks(weeks)
    if history.empty:
        raise PlanningInputError(
            "no contacts in the history", hint="import contacts first, or widen --queue"
        )
    history = history.sort_values("interval_start").reset_index(drop=True)
    last = history["interval_start"].max()
    future = pd.date_range(last + freq, last + ahead, freq=freq, name="interval_start")
    result = _fit_predict(history, future, freq, weeks, timezone)

    accuracy = None
    cut = last + freq - pd.Timedelta(holdout)
    train = history[history["interval_start"] < cut]
    test = history[history["interval_start"] >= cut]
    if not test.empty and train["interval_start"].min() <= cut - WEEK:
        predicted = _fit_predict(
            train, pd.DatetimeIndex(test["interval_start"]), freq, weeks, timezone
        )
        # seasonal naive: the same slot one week earlier (from actuals, so it never drifts)
        by_time = history.set_index("interval_start")["volume"]
        naive = by_time.reindex(test["interval_start"] - WEEK).to_numpy(float)
        actual = test["volume"].to_numpy(float)
        wape, mape = _errors(actual, predicted["volume"].to_numpy())
        base_wape, base_mape = _errors(actual, np.nan_to_num(naive))
        accuracy = Accuracy(pd.Timestamp(cut), len(test), wape, mape, base_wape, base_mape)
    return result, accuracy
