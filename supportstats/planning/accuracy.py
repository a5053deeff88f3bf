"""Rolling-origin forecast accuracy: many forecast origins, several horizons, three models.

For every origin (a midnight of the history) each model is fitted on the intervals before it
and scored on the last day of each horizon after it: horizon ``1D`` scores the day after the
origin, ``7D`` the seventh day, ``14D`` the fourteenth (a horizon under a day scores all of
it). Models:

* ``profile_trend``: the planner's own forecast (:func:`supportstats.planning.forecast.forecast`,
  slot means of the last ``weeks`` weeks scaled by the weekly trend);
* ``seasonal_naive``: the same slot one week earlier; past the first week after the origin,
  the last observed week repeated (``y[t - 7d * ceil(lead / 7d)]``);
* ``seasonal_ma``: the mean of the same slot over the last ``weeks`` observed weeks, no trend.

Scores, per model and horizon, over all origins:

* ``wape`` = sum |forecast - actual| / sum actual, pooled over every scored interval;
* ``mase`` = the mean over origins of MAE(forecast) / scale(origin), where scale(origin) is the
  in-sample mean absolute error of the one-week seasonal-naive forecast on the whole training
  part (every interval t before the origin with t - 7d also in it: mean |y[t] - y[t - 7d]|).
  Below 1, a model beats what "last week again" achieved on the history it was given;
* ``bias`` = sum (forecast - actual) / sum actual (positive: over-forecast).

Pure pandas/numpy; the baselines are one array gather each, the planner's model is called once
per origin on the weeks it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from supportstats.planning._validate import PlanningInputError
from supportstats.planning.forecast import (
    WEEK,
    _span,
    check_horizon,
    check_interval,
    check_weeks,
    forecast,
)

DAY = pd.Timedelta(days=1)
DEFAULT_HORIZONS = ("1D", "7D", "14D")
DEFAULT_ORIGINS = 28
MODELS = ("profile_trend", "seasonal_naive", "seasonal_ma")
MAX_ORIGINS = 1000
# Training needed before the first origin: two weeks, so the profile and the MASE scale
# (one week of seasonal differences) have at least a week each.
MIN_TRAIN = 2 * WEEK
COLUMNS = (
    "model", "horizon", "origins", "intervals", "actual", "wape", "mase", "bias",
    "first_origin", "last_origin",
)  # fmt: skip

#: A model for :func:`rolling_accuracy`: (volumes of the training intervals, oldest first;
#: start of the first of them; interval; intervals to forecast) -> forecast volumes.
Model = Callable[[np.ndarray, pd.Timestamp, pd.Timedelta, int], np.ndarray]


def regular_volume(history: pd.DataFrame, interval: str | pd.Timedelta) -> pd.Series:
    """Volume per interval on a regular grid of whole days, gaps as 0.

    The grid runs from midnight of the first interval's day to the end of the last one's:
    exports cover whole days, and a quiet first or last evening is data, not a gap.

    ``history`` has ``interval_start`` and ``volume`` (``interval_history`` output, or
    :func:`supportstats.planning.aggregate_history.interval_counts`)."""
    freq = check_interval(interval)
    for column in ("interval_start", "volume"):
        if column not in history.columns:
            raise PlanningInputError(
                f"interval history has no column {column}",
                hint="pass interval_start and volume per interval (interval_history output)",
            )
    if history.empty:
        raise PlanningInputError("no history to evaluate", hint="import contacts first")
    start = pd.DatetimeIndex(history["interval_start"]).floor(freq)
    volume = pd.Series(history["volume"].to_numpy(float), index=start).groupby(level=0).sum()
    grid = pd.date_range(
        volume.index.min().normalize(), volume.index.max().normalize() + DAY - freq, freq=freq
    )
    return volume.reindex(grid, fill_value=0.0).rename_axis("interval_start")


def _profile_trend(weeks: int) -> Model:
    """The planner's forecast as a :data:`Model`."""

    def predict(train: np.ndarray, first: pd.Timestamp, freq: pd.Timedelta, steps: int):
        frame = pd.DataFrame({
            "interval_start": pd.date_range(first, periods=train.size, freq=freq),
            "volume": train, "aht_s": np.nan,
        })  # fmt: skip
        # holdout 0: no holdout refit (this harness is the accuracy check), half the work
        result, _ = forecast(
            frame, horizon=steps * freq, interval=freq, weeks=weeks, holdout=pd.Timedelta(0)
        )
        return result["volume"].to_numpy(float)[:steps]

    return predict


def _parse_horizons(
    horizons: Sequence[str | pd.Timedelta], freq: pd.Timedelta
) -> list[pd.Timedelta]:
    out = []
    for value in horizons:
        ahead = check_horizon(value)
        if ahead < freq or ahead % freq != pd.Timedelta(0):
            raise PlanningInputError(
                f"horizon {_span(ahead)} is not a whole number of {_span(freq)} intervals",
                hint="use whole days, e.g. 1d,7d,14d",
            )
        out.append(ahead)
    if not out:
        raise PlanningInputError("no horizon given", hint="e.g. 1d,7d,14d")
    return out


def rolling_accuracy(
    history: pd.DataFrame,
    *,
    interval: str | pd.Timedelta = "30min",
    horizons: Sequence[str | pd.Timedelta] = DEFAULT_HORIZONS,
    weeks: int = 8,
    origins: int = DEFAULT_ORIGINS,
    extra_models: Mapping[str, Model] | None = None,
) -> pd.DataFrame:
    """Rolling-origin WAPE, MASE and bias per model and horizon (definitions: module doc).

    ``history`` has ``interval_start`` and ``volume``. Origins are the last ``origins``
    midnights whose horizon fits in the history and that have two weeks of training before
    them; each horizon has its own (a 14-day horizon's last origin is 13 days before a 1-day
    one's). ``extra_models`` adds models by name (see :data:`Model`). Returns one row per
    model and horizon: ``model, horizon, origins, intervals, actual, wape, mase, bias,
    first_origin, last_origin``. A history too short for a horizon raises PlanningInputError.
    """
    freq = check_interval(interval)
    check_weeks(weeks)
    if not 1 <= origins <= MAX_ORIGINS:
        raise PlanningInputError(
            f"origins {origins} is outside 1 to {MAX_ORIGINS}",
            hint="one origin per day: 28 is four weeks of origins",
        )
    aheads = _parse_horizons(horizons, freq)
    series = regular_volume(history, freq)
    y = series.to_numpy(float)
    first = series.index[0]
    season = int(WEEK / freq)
    per_day = int(DAY / freq)
    # Candidate origins: midnights with two weeks of training before them.
    offset = (-(first - first.normalize()) // freq) % per_day
    candidates = np.arange(offset, y.size + 1, per_day)
    candidates = candidates[candidates >= int(MIN_TRAIN / freq)]
    # MASE scale per origin from a running sum of |y[t] - y[t - 1 week]|.
    diffs = np.concatenate([[0.0], np.cumsum(np.abs(y[season:] - y[:-season]))])

    chosen: dict[pd.Timedelta, np.ndarray] = {}
    for ahead in aheads:
        steps = int(ahead / freq)
        fits = candidates[candidates + steps <= y.size]
        if fits.size == 0:
            days = y.size * freq / DAY
            raise PlanningInputError(
                f"horizon {_span(ahead)} is too long for {days:.1f} days of history: an "
                f"origin needs 14 days of training and the horizon after it",
                hint=f"use a shorter --horizons, or a history of at least "
                f"{_span(MIN_TRAIN + ahead)}",
            )
        chosen[ahead] = fits[-origins:]

    models: dict[str, Model] = {"profile_trend": _profile_trend(weeks)}
    for name, model in (extra_models or {}).items():
        if name in MODELS:
            raise ValueError(f"model name {name} is taken by a built-in model")
        models[name] = model
    order = ["profile_trend", *MODELS[1:], *(n for n in models if n != "profile_trend")]
    # Each model-driven forecast runs once per origin, as far as its longest horizon.
    longest: dict[int, int] = {}
    for ahead, positions in chosen.items():
        for pos in positions.tolist():
            longest[pos] = max(longest.get(pos, 0), int(ahead / freq))
    context = (weeks + 1) * season  # the planner reads the last `weeks` weeks
    fitted: dict[str, dict[int, np.ndarray]] = {name: {} for name in models}
    for pos, steps in longest.items():
        lo = max(0, pos - context)
        for name, model in models.items():
            start = first + lo * freq
            predicted = np.asarray(model(y[lo:pos], start, freq, steps), dtype=float)
            fitted[name][pos] = predicted[:steps]

    rows = []
    for ahead, positions in chosen.items():
        steps = int(ahead / freq)
        window = min(steps, per_day)
        lead = np.arange(steps - window, steps)  # 0 = the interval at the origin
        at = positions[:, None] + lead[None, :]
        actual = y[at]
        back = season * (lead // season + 1)  # latest observed same slot
        forecasts = {
            name: np.stack([fitted[name][p][lead] for p in positions.tolist()]) for name in models
        }
        forecasts["seasonal_naive"] = y[at - back]
        forecasts["seasonal_ma"] = _seasonal_mean(y, at - back, season, weeks)
        forecasts = {name: forecasts[name] for name in order}
        scale = diffs[positions - season] / np.maximum(positions - season, 1)
        for name, predicted in forecasts.items():
            rows.append(_score(name, ahead, positions, actual, predicted, scale, first, freq))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _seasonal_mean(y: np.ndarray, latest: np.ndarray, season: int, weeks: int) -> np.ndarray:
    """Mean of y at ``latest``, ``latest - season``, ... (``weeks`` of them, those >= 0)."""
    back = latest[..., None] - season * np.arange(weeks)
    values = np.where(back >= 0, y[np.clip(back, 0, None)], np.nan)
    seen = np.sum(back >= 0, axis=-1)
    return np.nansum(values, axis=-1) / np.maximum(seen, 1)


def _score(
    name: str,
    ahead: pd.Timedelta,
    positions: np.ndarray,
    actual: np.ndarray,
    predicted: np.ndarray,
    scale: np.ndarray,
    first: pd.Timestamp,
    freq: pd.Timedelta,
) -> dict[str, object]:
    error = predicted - actual
    total = actual.sum()
    mae = np.abs(error).mean(axis=1)
    ratio = np.divide(mae, scale, out=np.full(mae.shape, np.nan), where=scale > 0)
    return {
        "model": name,
        "horizon": _span(ahead),
        "origins": int(positions.size),
        "intervals": int(actual.size),
        "actual": float(total),
        "wape": float(np.abs(error).sum() / total) if total > 0 else np.nan,
        "mase": float(np.nanmean(ratio)) if np.isfinite(ratio).any() else np.nan,
        "bias": float(error.sum() / total) if total > 0 else np.nan,
        "first_origin": first + int(positions.min()) * freq,
        "last_origin": first + int(positions.max()) * freq,
    }
