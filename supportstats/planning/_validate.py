"""Input checks shared by the planning functions: every message names the row and the column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supportstats.errors import SupportStatsError

FloatArray = np.ndarray


class PlanningInputError(SupportStatsError):
    """A planning input (volume, handle time, target, ...) cannot be used (exit code 2, like
    any other bad input or option)."""

    exit_code = 2


# Bounds on one interval (docs/staffing.md, "Limits"). The work of the Erlang recursions grows
# with the number of servers and that of the Erlang A queue tail with the contacts arriving
# within one mean patience, so each is capped well above any real queue: a value past them is
# a typo or a unit mistake, and would otherwise take minutes or gigabytes.
#: Offered load of one interval, Erlangs (100,000 agents busy at once).
MAX_TRAFFIC_ERLANGS = 100_000.0
#: Agents of one interval, given or needed for the occupancy cap (chat: agents x concurrency
#: slots). A solved count may pass it by a few hundred: it is A plus a margin.
MAX_AGENTS = 100_000
#: Chats (or other contacts) one agent handles at once.
MAX_CONCURRENCY = 100
#: Lowest occupancy cap: below it most agents would sit idle by design.
MIN_OCCUPANCY_CAP = 0.3
#: Erlang A: contacts arriving within one mean patience (volume / interval_s x patience_s).
MAX_PATIENCE_ARRIVALS = 100_000.0


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
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
    at_least: float | None = None,
    at_most: float | None = None,
    where: FloatArray | None = None,
) -> None:
    """Reject missing, negative, infinite and out-of-range values, first offending row first.

    ``at_least`` and ``at_most`` are inclusive bounds; ``where`` limits the checks to some rows
    (e.g. handle time only matters with volume > 0).
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
    if at_least is not None:
        tests.append((v >= at_least, f"is below {_fmt(float(at_least))}"))
    if at_most is not None:
        tests.append((v <= at_most, f"is above {at_most:,.10g}"))
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


def check_times(frame: pd.DataFrame, column: str) -> None:
    """Reject a text column of interval times that are not ISO 8601 date-times (``Monday 9ish``,
    ``2026-02-30 10:00``), naming the first bad row; an absent column is fine."""
    if column not in frame.columns:
        return
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return
    parsed = pd.to_datetime(raw.astype("string"), format="ISO8601", errors="coerce", utc=True)
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = raw.iloc[row]
        shown = (
            "is empty"
            if pd.isna(value) or not str(value).strip()
            else (f"{value!r} is not a date and time")
        )
        raise PlanningInputError(
            f"row {row + 1}, column {column}: {shown}",
            hint=f"write {column} as an ISO 8601 date and time, e.g. 2026-02-03 09:30 "
            "(a real calendar day; an offset such as +01:00 may follow)",
        )


class TargetsError(PlanningInputError):
    """A :class:`~supportstats.planning.targets.StaffingTargets` value that cannot be used:
    ``field`` names it (None when no single field is to blame), and the message starts with
    it: ``sl_target: 1.5 is not below 1``."""

    def __init__(self, field: str | None, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field


# ``UTC+01:00`` (as ``plan --timezone`` writes it), ``+01:00``, ``-0530``, ``UTC-5``.
_UTC_OFFSET = r"^\s*(?:UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$"


def utc_offset_minutes(frame: pd.DataFrame) -> np.ndarray | None:
    """The ``utc_offset`` column (``UTC+01:00``: what ``plan --timezone`` writes next to each
    local ``interval_start``, telling the hours of a DST change apart) in minutes east of
    UTC, NaN where empty; None without the column. A value that is not an offset is a
    ``PlanningInputError`` naming its row."""
    if "utc_offset" not in frame.columns:
        return None
    given = frame["utc_offset"].astype("string")
    parts = given.str.extract(_UTC_OFFSET)
    bad = (given.notna() & parts[0].isna()).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise PlanningInputError(
            f"row {row + 1}, column utc_offset: {given.iloc[row]!r} is not an offset",
            hint="write it as plan --timezone does, e.g. UTC+01:00 or UTC-05:00",
        )
    sign = parts[0].map({"+": 1.0, "-": -1.0}).astype(float)
    minutes = sign * (parts[1].astype(float) * 60 + parts[2].astype(float).fillna(0.0))
    return minutes.to_numpy(dtype=float)
