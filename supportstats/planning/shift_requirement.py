"""The requirement of a schedule: agents required per interval on a regular grid of local
wall-clock times, read from a plan or any CSV-like frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone

import numpy as np
import pandas as pd

from supportstats.planning._validate import (
    PlanningInputError,
    check,
    check_times,
    numeric_column,
    utc_offset_minutes,
)
from supportstats.planning.shift_rules import MINUTES_PER_DAY

REQUIRED_COLUMNS = ("agents_required", "agents_scheduled")  # the first one found is used


@dataclass
class Requirement:
    """Agents required on a regular grid of intervals (gaps in the input filled with 0)."""

    interval: int  # minutes
    required: np.ndarray  # float, per interval
    wall: np.ndarray  # minutes after local midnight of each interval's start
    day: np.ndarray  # local calendar day (datetime64[D]) of each interval's start
    labels: list[pd.Timestamp]  # interval_start as the input wrote it (offset kept)
    notes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.required)


def requirement_from_frame(frame: pd.DataFrame, queue: str | None = None) -> Requirement:
    """The requirement of a CSV-like frame: ``interval_start`` plus ``agents_required`` (or a
    plan's ``agents_scheduled``). Several queues (a ``queue`` column) are summed per
    interval_start; ``queue`` keeps one. Rows are numbered from 1 in errors."""
    if "interval_start" not in frame.columns:
        raise PlanningInputError(
            "missing column interval_start",
            "the requirement needs interval_start and agents_required (or a plan's "
            "agents_scheduled)",
        )
    column = next((c for c in REQUIRED_COLUMNS if c in frame.columns), None)
    if column is None:
        raise PlanningInputError(
            "missing column agents_required (or agents_scheduled, as a plan has it)",
            "add agents_required: the agents needed in each interval",
        )
    if queue is not None and "queue" not in frame.columns:
        raise PlanningInputError(
            f"no queue column to pick queue {queue!r} from", "drop --queue for this file"
        )
    # Checked and read on the whole file, before --queue picks rows, so errors name its rows.
    values = numeric_column(frame, column, None)
    check(values, column, "agents must be zero or more")
    check_times(frame, "interval_start")
    absolute, offsets = _instants(_with_utc_offset(frame))
    table = pd.DataFrame({"at": absolute, "offset": offsets, "need": values})
    names = frame["queue"].astype("string") if "queue" in frame.columns else None
    if names is not None:
        table["queue"] = names.fillna("").to_numpy()
    _refuse_repeats(frame, table)
    if queue is not None:
        keep = (names == queue).fillna(False).to_numpy()
        if not keep.any():
            found = ", ".join(sorted({str(q) for q in names.dropna().unique()})[:8])
            raise PlanningInputError(f"no rows for queue {queue!r}", f"queues found: {found}")
        table = table[keep]
    merged = table.groupby("at", sort=True).agg(need=("need", "sum"), offset=("offset", "first"))
    return _on_grid(merged)


def _refuse_repeats(frame: pd.DataFrame, table: pd.DataFrame) -> None:
    """One row per interval (and queue): a repeated one would be summed into the requirement
    unseen, as when two exports of the same plan are concatenated."""
    keys = ["at", "queue"] if "queue" in table.columns else ["at"]
    repeated = table.duplicated(keys).to_numpy()
    if not repeated.any():
        return
    row = int(np.flatnonzero(repeated)[0])
    where = f" for queue {table['queue'].iloc[row]}" if "queue" in table.columns else ""
    raise PlanningInputError(
        f"row {row + 1}, column interval_start: {frame['interval_start'].iloc[row]} "
        f"appears twice{where}",
        "one row per interval (and queue: a plan's queues are summed per interval)",
    )


def _with_utc_offset(frame: pd.DataFrame) -> pd.Series:
    """``interval_start``, with the offset of a ``utc_offset`` column (``UTC+01:00``, as
    ``plan --timezone`` writes it) attached to each naive time. Without it, the hour a DST
    change repeats would be one interval summed twice and the hour it skips a gap of zeros."""
    raw = frame["interval_start"]
    minutes = utc_offset_minutes(frame)
    if minutes is None:
        return raw
    stamps = []
    for row, value in enumerate(raw):
        stamp = value if isinstance(value, pd.Timestamp) else pd.Timestamp(str(value).strip())
        if stamp.tzinfo is None:
            if np.isnan(minutes[row]):
                raise PlanningInputError(
                    f"row {row + 1}, column utc_offset: the offset is empty",
                    "write it as plan --timezone does, e.g. UTC+01:00 or UTC-05:00",
                )
            stamp = stamp.tz_localize(timezone(timedelta(minutes=float(minutes[row]))))
        stamps.append(stamp)
    return pd.Series(stamps, index=raw.index, dtype=object)


def _instants(raw: pd.Series) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Each interval_start as a naive UTC instant and its offset from UTC in minutes (0 for a
    time without offset: then the instant is the wall time)."""
    stamps = [v if isinstance(v, pd.Timestamp) else pd.Timestamp(str(v).strip()) for v in raw]
    aware = [s.tzinfo is not None for s in stamps]
    if any(aware) and not all(aware):
        row = aware.index(not aware[0])
        raise PlanningInputError(
            f"row {row + 1}, column interval_start: mixes times with and without a UTC offset",
            "write every interval_start the same way",
        )
    if not any(aware):
        return pd.DatetimeIndex(stamps), np.zeros(len(stamps), dtype=int)
    offsets = np.array([s.utcoffset().total_seconds() // 60 for s in stamps], dtype=int)
    utc = pd.DatetimeIndex([s.tz_convert("UTC").tz_localize(None) for s in stamps])
    return utc, offsets


def _on_grid(merged: pd.DataFrame) -> Requirement:
    at = merged.index
    if len(at) < 2:
        raise PlanningInputError(
            f"the requirement has {'one interval' if len(at) else 'no intervals'}: the "
            "interval length cannot be told",
            "give at least two intervals (a day of 30-minute intervals, say)",
        )
    gaps = np.diff(at.to_numpy().astype("datetime64[m]").astype(np.int64))  # minutes
    # The most common gap is the grid (the smallest may be the one stray time's).
    values, counts = np.unique(gaps, return_counts=True)
    step = int(values[np.argmax(counts)])
    uneven = np.flatnonzero(gaps % step)
    if len(uneven) or MINUTES_PER_DAY % step:
        bad = int(uneven[0]) + 1 if len(uneven) else 1
        raise PlanningInputError(
            f"interval_start is not a regular grid: {at[bad]} is {int(gaps[bad - 1])} minutes "
            f"after {at[bad - 1]}, where the intervals are {step} minutes long",
            "use one interval length that divides a day (15 or 30 minutes, say)",
        )
    grid = pd.date_range(at[0], at[-1], freq=f"{step}min")
    full = merged.reindex(grid)
    notes = []
    missing = int(full["need"].isna().sum())
    if missing:
        notes.append(f"{missing} intervals missing from the requirement were taken as 0 agents")
    offsets = full["offset"].ffill().astype(int).to_numpy()
    wall = grid + pd.to_timedelta(offsets, unit="min")
    minutes = (wall.hour * 60 + wall.minute).to_numpy()
    labels = [
        t
        if not offsets.any()
        else t.tz_localize("UTC").tz_convert(timezone(timedelta(minutes=int(o))))
        for t, o in zip(grid, offsets, strict=True)
    ]
    return Requirement(
        interval=step,
        required=full["need"].fillna(0.0).to_numpy(dtype=float),
        wall=minutes,
        day=wall.normalize().to_numpy().astype("datetime64[D]"),
        labels=labels,
        notes=notes,
    )
