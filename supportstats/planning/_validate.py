"""Input checks shared by the planning functions: every message names the row and the column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supportstats.errors import SupportStatsError

FloatArray = np.ndarray


class PlanningInputError(SupportStatsError):
    """A planning input (volume, handle time, target, ...) cannot be used."""


# Above this load a single interval would take seconds to solve; no real queue is that big.
MAX_TRAFFIC_ERLANGS = 1_000_000.0


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def numeric_column(frame: pd.DataFrame, column: str, default: float | None) -> FloatArray:
    """A column as float64 (``default`` where the column is absent), rejecting non-numbers."""
    if column not in frame.columns:
        if default is None:
            raise PlanningInputError(
                f"missing column {column}",
                hint="the input needs columns volume, interval_s, aht_s, sl_target, "
                "sl_threshold_s (see docs/staffing.md)",
            )
        return np.full(len(frame), default, dtype=float)
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(values) & raw.notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise PlanningInputError(
            f"row {row + 1}, column {column}: {raw.iloc[row]!r} is not a number",
            hint=f"{column} must be a number (seconds for *_s columns, a fraction for targets)",
        )
    if default is not None:
        values = np.where(np.isnan(values), default, values)
    return values


def fail_first(
    values: FloatArray,
    ok: FloatArray,
    column: str,
    problem: str,
    hint: str,
    rows: np.ndarray | None = None,
) -> None:
    """Raise for the first row where ``ok`` is False: ``row 3, column aht_s: -5 is negative``.

    Rows are numbered from 1 in input order; ``rows`` maps positions of ``values`` to rows.
    """
    bad = ~np.asarray(ok, dtype=bool)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        row = pos if rows is None else int(rows[pos])
        value = float(values[pos])
        shown = "" if np.isnan(value) else _fmt(value) + " "
        raise PlanningInputError(f"row {row + 1}, column {column}: {shown}{problem}", hint=hint)


def check(
    values: FloatArray,
    column: str,
    hint: str,
    *,
    positive: bool = False,
    below_one: bool = False,
    at_most_one: bool = False,
    whole: bool = False,
    where: FloatArray | None = None,
) -> None:
    """Reject missing, negative, infinite and out-of-range values, first offending row first.

    ``where`` limits the checks to some rows (e.g. handle time only matters with volume > 0).
    """
    rows = np.arange(values.size) if where is None else np.flatnonzero(where)
    v = values[rows]
    tests = [(~np.isnan(v), "is missing"), (v >= 0, "is negative"), (np.isfinite(v), "is infinite")]
    if positive:
        tests.append((v > 0, "is zero"))
    if below_one:
        tests.append((v < 1, "is not below 1"))
    if at_most_one:
        tests.append((v <= 1, "is above 1"))
    if whole:
        tests.append((v == np.floor(v), "is not a whole number"))
    with np.errstate(invalid="ignore"):
        for ok, problem in tests:
            fail_first(v, ok, column, problem, hint, rows)


def naive_utc(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC (the warehouse hands out TIMESTAMPTZ), so they join and floor
    alike whether they came from DuckDB or from a CSV without a time zone."""
    out = pd.to_datetime(values)
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out
