"""Shift scheduling: agents required per interval turned into shifts (set covering, CP-SAT).

Every shift a rule set allows is generated as a *pattern* (a start, a length and a break
position); the intervals a pattern covers are those of the shift minus its break. The integer
programme picks how many agents work each pattern so that every interval is covered at least
as many times as required, at the least working agent-hours (OR-Tools CP-SAT). Coverage is
soft: each interval has a shortfall variable with a penalty larger than any shift's hours, so
the model is never infeasible; intervals no pattern can reach (closed hours, the edge of a
horizon) are reported as uncovered with their agent-hours. The LP relaxation (GLOP) gives the
lower bound the result is measured against.

Times: the requirement's ``interval_start`` are local wall-clock times (an offset such as
``+01:00`` may follow); opening hours, start times and days are read on that clock. A
requirement that spans whole weeks is treated as repeating (a Sunday-night shift runs on into
Monday morning of the same week); any other horizon is cut: shifts start and end inside it.
Definitions: docs/staffing.md, "Shift scheduling".
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta, timezone

import numpy as np
import pandas as pd

from supportstats.planning._validate import (
    PlanningInputError,
    check,
    check_times,
    numeric_column,
)
from supportstats.planning.requirement import team_leads  # the plan's rule, shared
from supportstats.planning.targets import DEFAULT_LEAD_SPAN, LEAD_SPAN_RANGE

DEFAULT_SHIFT = "8h30m"
DEFAULT_BREAK = "30m"
DEFAULT_BREAK_WINDOW = "2h-6h"
DEFAULT_START_STEP = "30m"
DEFAULT_TIME_LIMIT_S = 60.0
MINUTES_PER_DAY = 24 * 60
WEEK_MINUTES = 7 * MINUTES_PER_DAY
REQUIRED_COLUMNS = ("agents_required", "agents_scheduled")  # the first one found is used
STATUSES = ("optimal", "feasible", "partial")


class ShiftRulesError(PlanningInputError):
    """A shift rule that cannot be used; ``field`` names it (``shift``, ``break``,
    ``break_window``, ``start_step``, ``open``, ``lead_span``, ``time_limit``) so a caller
    can say it in its own words (the CLI: ``--break-window``)."""

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field


# --- Parsing durations and clock times -----------------------------------------------------

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|h|minutes?|mins?|m)")


def parse_duration(text: str, field: str = "duration") -> int:
    """Minutes in ``8h30m``, ``8.5h``, ``30m``, ``90min``, ``1h 15m`` or ``0``.

    A bare number other than 0 is refused: ``30`` could mean minutes or hours."""
    value = str(text).strip().lower()
    if value == "0":
        return 0
    parts = list(_DURATION_PART.finditer(value))
    rest = _DURATION_PART.sub("", value).replace(" ", "")
    if not parts or rest:
        raise ShiftRulesError(
            field, f"{text!r} is not a duration", "write hours and minutes, e.g. 8h30m, 30m, 2h"
        )
    minutes = sum(float(p[1]) * (60 if p[2].startswith("h") else 1) for p in parts)
    if not minutes.is_integer():
        raise ShiftRulesError(field, f"{text!r} is not a whole number of minutes", "e.g. 8h30m")
    return int(minutes)


def parse_window(text: str, field: str = "break_window") -> tuple[int, int]:
    """``2h-6h`` as minutes after the shift start: (120, 360)."""
    pieces = str(text).split("-")
    if len(pieces) != 2:
        raise ShiftRulesError(
            field, f"{text!r} is not a window", "write earliest-latest, e.g. 2h-6h"
        )
    low, high = (parse_duration(p, field) for p in pieces)
    if high <= low:
        raise ShiftRulesError(field, f"{text!r} ends before it starts", "e.g. 2h-6h")
    return low, high


def parse_clock(text: str, field: str = "open") -> int:
    """``08:00`` as minutes after midnight (``24:00`` is the end of the day)."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match or int(match[2]) >= 60 or int(match[1]) * 60 + int(match[2]) > MINUTES_PER_DAY:
        raise ShiftRulesError(field, f"{text!r} is not a time of day", "write HH:MM, e.g. 08:00")
    return int(match[1]) * 60 + int(match[2])


def parse_open_hours(text: str | None) -> tuple[int, int] | None:
    """``08:00-20:00`` as (480, 1200); ``22:00-06:00`` crosses midnight; None or
    ``00:00-24:00``: open round the clock (None)."""
    if text is None or not str(text).strip():
        return None
    pieces = str(text).split("-")
    if len(pieces) != 2:
        raise ShiftRulesError("open", f"{text!r} is not opening hours", "e.g. 08:00-20:00")
    start, end = (parse_clock(p) for p in pieces)
    if (start, end) == (0, MINUTES_PER_DAY):
        return None
    if start == end % MINUTES_PER_DAY:
        raise ShiftRulesError(
            "open",
            f"opening hours {text!r} open and close at the same time",
            "write 00:00-24:00 for round the clock",
        )
    return start, end


def format_minutes(minutes: int) -> str:
    """510 -> ``8h30m``, 30 -> ``30m``, 120 -> ``2h``."""
    hours, mins = divmod(int(minutes), 60)
    return (f"{hours}h" if hours else "") + (f"{mins}m" if mins or not hours else "")


def _open_text(open_hours: tuple[int, int]) -> str:
    start, end = open_hours
    return f"{_clock(start)}-{'24:00' if end == MINUTES_PER_DAY else _clock(end)}"


def _clock(minutes: int) -> str:
    hours, mins = divmod(int(minutes) % MINUTES_PER_DAY, 60)
    return f"{hours:02d}:{mins:02d}"


# --- Rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRules:
    """What a shift may look like, in minutes.

    ``break_window`` is where the break must lie, measured from the shift start: (120, 360)
    places a 30-minute break to start anywhere from 2h to 5h30m after the shift starts, every
    ``break_step`` minutes. ``start_step`` and ``break_step`` default to 30 minutes or the
    interval when that is longer. ``open_hours`` (None: round the clock) bounds every minute a
    shift works. ``cyclic`` None: repeat the requirement when it spans whole weeks.
    """

    shift_lengths: tuple[int, ...] = (510,)
    break_minutes: int = 30
    break_window: tuple[int, int] = (120, 360)
    start_step: int | None = None
    break_step: int | None = None
    open_hours: tuple[int, int] | None = None
    cyclic: bool | None = None
    lead_span: int = DEFAULT_LEAD_SPAN

    @classmethod
    def parse(
        cls,
        shift: str | list[str] | tuple[str, ...] = DEFAULT_SHIFT,
        break_: str = DEFAULT_BREAK,
        break_window: str = DEFAULT_BREAK_WINDOW,
        start_step: str | None = None,
        open_hours: str | None = None,
        cyclic: bool | None = None,
        lead_span: int = DEFAULT_LEAD_SPAN,
        break_step: str | None = None,
    ) -> ShiftRules:
        """The rules from text as people write them (``8h30m``, ``2h-6h``, ``08:00-20:00``)."""
        shifts = [shift] if isinstance(shift, str) else list(shift)
        pieces = [p for s in shifts for p in str(s).split(",") if p.strip()]
        return cls(
            shift_lengths=tuple(parse_duration(p, "shift") for p in pieces),
            break_minutes=parse_duration(break_, "break"),
            break_window=parse_window(break_window),
            start_step=None if start_step is None else parse_duration(start_step, "start_step"),
            break_step=None if break_step is None else parse_duration(break_step, "break_step"),
            open_hours=parse_open_hours(open_hours),
            cyclic=cyclic,
            lead_span=lead_span,
        )

    def steps(self, interval: int) -> tuple[int, int]:
        """Start and break steps for an interval length (both default to max(30, interval))."""
        default = max(30, interval)
        return self.start_step or default, self.break_step or default

    def check(self, interval: int) -> None:
        """Refuse rules that cannot make a shift on ``interval``-minute intervals."""
        if not self.shift_lengths:
            raise ShiftRulesError("shift", "no shift length given", "e.g. 8h30m")
        start_step, break_step = self.steps(interval)
        low, high = self.break_window
        unit = format_minutes(interval)
        named = [(f"shift {format_minutes(m)}", "shift", m) for m in self.shift_lengths]
        named += [
            (f"break {format_minutes(self.break_minutes)}", "break", self.break_minutes),
            (f"start step {format_minutes(start_step)}", "start_step", start_step),
        ]
        if self.break_minutes:
            named += [
                (f"break window {format_minutes(low)}-{format_minutes(high)}", "break_window", v)
                for v in (low, high)
            ]
            named.append((f"break step {format_minutes(break_step)}", "break_step", break_step))
        for label, name, minutes in named:
            if minutes % interval:
                raise ShiftRulesError(
                    name,
                    f"{label} is not a whole number of the requirement's {unit} intervals",
                    f"use multiples of {unit}",
                )
        for length in self.shift_lengths:
            if self.break_minutes >= length:
                raise ShiftRulesError(
                    "break",
                    f"break {format_minutes(self.break_minutes)} leaves no work in the "
                    f"{format_minutes(length)} shift",
                    "shorten the break",
                )
            if not 0 < length <= MINUTES_PER_DAY:
                raise ShiftRulesError(
                    "shift", f"shift {format_minutes(length)} is not between 0 and 24h", "e.g. 8h"
                )
            if self.break_minutes and high > length:
                raise ShiftRulesError(
                    "break_window",
                    f"break window {format_minutes(low)}-{format_minutes(high)} is longer than "
                    f"the {format_minutes(length)} shift",
                    "end the window before the shift ends, e.g. 2h-6h for an 8h30m shift",
                )
        if self.break_minutes > high - low:
            raise ShiftRulesError(
                "break",
                f"break {format_minutes(self.break_minutes)} is longer than the break window "
                f"{format_minutes(low)}-{format_minutes(high)}",
                "shorten the break or widen the window",
            )
        if start_step <= 0 or break_step <= 0:
            raise ShiftRulesError("start_step", "steps must be positive", "e.g. 30m")
        low_span, high_span = LEAD_SPAN_RANGE
        if not low_span <= self.lead_span <= high_span:
            raise ShiftRulesError(
                "lead_span",
                f"lead span {self.lead_span} is outside {low_span} to {high_span}",
                f"one team lead per {low_span}-{high_span} agents on shift, e.g. 12",
            )


# --- Requirement ---------------------------------------------------------------------------


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
    if queue is not None:
        if "queue" not in frame.columns:
            raise PlanningInputError(
                f"no queue column to pick queue {queue!r} from", "drop --queue for this file"
            )
        keep = (frame["queue"].astype("string") == queue).fillna(False)
        if not keep.any():
            found = ", ".join(sorted({str(q) for q in frame["queue"].dropna().unique()})[:8])
            raise PlanningInputError(f"no rows for queue {queue!r}", f"queues found: {found}")
        frame = frame[keep.to_numpy()]
    values = numeric_column(frame, column, None)
    check(values, column, "agents must be zero or more")
    check_times(frame, "interval_start")
    absolute, offsets = _instants(_with_utc_offset(frame))
    table = pd.DataFrame({"at": absolute, "offset": offsets, "need": values})
    if table["at"].duplicated().any() and "queue" not in frame.columns:
        row = int(np.flatnonzero(table["at"].duplicated().to_numpy())[0])
        raise PlanningInputError(
            f"row {row + 1}, column interval_start: {frame['interval_start'].iloc[row]} "
            "appears twice",
            "one row per interval (a plan with a queue column is summed per interval)",
        )
    merged = table.groupby("at", sort=True).agg(need=("need", "sum"), offset=("offset", "first"))
    return _on_grid(merged)


_UTC_OFFSET = re.compile(r"\s*(?:UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*")


def _with_utc_offset(frame: pd.DataFrame) -> pd.Series:
    """``interval_start``, with the offset of a ``utc_offset`` column (``UTC+01:00``, as
    ``plan --timezone`` writes it) attached to each naive time. Without it, the hour a DST
    change repeats would be one interval summed twice and the hour it skips a gap of zeros."""
    raw = frame["interval_start"]
    if "utc_offset" not in frame.columns:
        return raw
    stamps = []
    for row, (value, given) in enumerate(zip(raw, frame["utc_offset"], strict=True)):
        stamp = value if isinstance(value, pd.Timestamp) else pd.Timestamp(str(value).strip())
        match = _UTC_OFFSET.fullmatch(str(given))
        if stamp.tzinfo is None and (pd.isna(given) or match is None):
            raise PlanningInputError(
                f"row {row + 1}, column utc_offset: {given!r} is not an offset",
                "write it as plan --timezone does, e.g. UTC+01:00 or UTC-05:00",
            )
        if stamp.tzinfo is None:
            sign = 1 if match[1] == "+" else -1
            minutes = sign * (int(match[2]) * 60 + int(match[3] or 0))
            stamp = stamp.tz_localize(timezone(timedelta(minutes=minutes)))
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


# --- Patterns ------------------------------------------------------------------------------


@dataclass
class Patterns:
    """Every allowed shift: start interval, length and break offset (in intervals, -1 without
    a break), and the intervals each one works (``cover``: pattern index per covered
    interval index, as two aligned arrays)."""

    start: np.ndarray
    length: np.ndarray
    break_at: np.ndarray
    work: np.ndarray  # intervals worked (length minus break)
    cover_pattern: np.ndarray
    cover_interval: np.ndarray

    @property
    def size(self) -> int:
        return len(self.start)


def is_cyclic(req: Requirement, rules: ShiftRules) -> bool:
    """Whether shifts wrap around the horizon's end: asked for, or (None) the requirement
    spans whole weeks."""
    if rules.cyclic is not None:
        return rules.cyclic
    return (req.size * req.interval) % WEEK_MINUTES == 0


def _is_open(minute: np.ndarray, open_hours: tuple[int, int] | None, step: int) -> np.ndarray:
    """Whether each interval starting at ``minute`` lies wholly inside the opening hours."""
    if open_hours is None:
        return np.ones(minute.shape, dtype=bool)
    start, end = open_hours
    if start < end:
        return (minute >= start) & (minute + step <= end)
    return (minute >= start) | (minute + step <= end)  # across midnight


def generate_patterns(req: Requirement, rules: ShiftRules) -> Patterns:
    """All shifts the rules allow on this requirement's grid (see the module docstring)."""
    step = req.interval
    size = req.size
    cyclic = is_cyclic(req, rules)
    start_step, break_step = rules.steps(step)
    # Wall minute of each interval; past the horizon (never used when cyclic) extrapolated.
    longest = max(rules.shift_lengths) // step
    extra = (req.wall[-1] + step * np.arange(1, longest + 1)) % MINUTES_PER_DAY
    wall = np.concatenate([req.wall, extra])
    open_now = _is_open(wall, rules.open_hours, step)
    if cyclic and longest > size:
        raise ShiftRulesError(
            "shift",
            f"a {format_minutes(max(rules.shift_lengths))} shift is longer than the repeating "
            f"requirement ({format_minutes(size * step)})",
            "give a longer requirement, or do not repeat it (--no-cyclic)",
        )
    starts = np.flatnonzero(req.wall % start_step == 0)
    brk = rules.break_minutes // step
    rows: list[tuple[int, int, int]] = []
    for minutes in sorted(set(rules.shift_lengths)):
        n = minutes // step
        offsets = np.arange(n)
        for s in starts:
            idx = s + offsets
            if not cyclic and idx[-1] >= size:
                continue
            if not open_now[idx % size if cyclic else idx].all():
                continue
            if brk == 0:
                rows.append((s, n, -1))
                continue
            low, high = rules.break_window
            for b in range(low, high - rules.break_minutes + 1, break_step):
                rows.append((s, n, b // step))
    if not rows:
        raise _no_pattern(req, rules, cyclic)
    table = np.array(rows, dtype=np.int64)
    start, length, break_at = table.T
    pieces_p, pieces_t = [], []
    for p, (s, n, b) in enumerate(rows):
        worked = np.arange(n)
        if b >= 0:
            worked = worked[(worked < b) | (worked >= b + brk)]
        pieces_t.append((s + worked) % size)
        pieces_p.append(np.full(len(worked), p))
    return Patterns(
        start=start,
        length=length,
        break_at=break_at,
        work=length - np.where(break_at >= 0, brk, 0),
        cover_pattern=np.concatenate(pieces_p),
        cover_interval=np.concatenate(pieces_t),
    )


def _no_pattern(req: Requirement, rules: ShiftRules, cyclic: bool) -> ShiftRulesError:
    shortest = min(rules.shift_lengths)
    if rules.open_hours is not None:
        start, end = rules.open_hours
        span = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        if span < shortest:
            return ShiftRulesError(
                "open",
                f"no shift fits the opening hours {_open_text(rules.open_hours)} "
                f"({format_minutes(span)}, shorter than the {format_minutes(shortest)} shift)",
                "widen the opening hours or shorten the shift",
            )
    if not cyclic and req.size * req.interval < shortest:
        return ShiftRulesError(
            "shift",
            f"no shift fits: the requirement spans {format_minutes(req.size * req.interval)}, "
            f"less than the {format_minutes(shortest)} shift",
            "give a longer requirement or shorter shifts",
        )
    return ShiftRulesError(
        "open",
        "no shift fits the opening hours and start times within the requirement",
        "check --open, --start-step and the shift length against the requirement's times",
    )


# --- Solving -------------------------------------------------------------------------------


@dataclass
class ScheduleResult:
    """A schedule: the shifts, the coverage per interval and the figures that judge them.

    ``shifts``: day, start, end, break_start, agents (local clock; ``end`` before ``start``
    means the next day; break_start empty without a break). ``coverage``: interval_start,
    required, scheduled, team_leads, over, under (agents). Agent-hours count working time
    (breaks excluded); ``paid_agent_hours`` counts whole shifts.
    """

    shifts: pd.DataFrame
    coverage: pd.DataFrame
    status: str
    solver_status: str
    interval_minutes: int
    cyclic: bool
    patterns: int
    required_agent_hours: float
    scheduled_agent_hours: float
    paid_agent_hours: float
    lp_bound_agent_hours: float
    cp_sat_bound_agent_hours: float
    over_staffing_agent_hours: float
    under_staffing_agent_hours: float
    uncovered_intervals: int
    team_lead_hours: float
    solve_seconds: float
    notes: list[str] = field(default_factory=list)
    #: One row per agent-shift (day, start, end, break_start, start_at, end_at, paid_minutes):
    #: what the roster step assigns.
    slots: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def uncovered_agent_hours(self) -> float:
        """Agent-hours required where the schedule falls short."""
        return float(self.coverage["under"].sum()) * self.interval_minutes / 60

    @property
    def over_staffing_pct(self) -> float | None:
        return _pct(self.over_staffing_agent_hours, self.required_agent_hours)

    @property
    def under_staffing_pct(self) -> float | None:
        return _pct(self.under_staffing_agent_hours, self.required_agent_hours)

    @property
    def gap_to_lp_bound_pct(self) -> float | None:
        return _pct(self.scheduled_agent_hours - self.lp_bound_agent_hours,
                    self.lp_bound_agent_hours)  # fmt: skip

    def summary(self) -> dict[str, object]:
        """The figures as one JSON-ready dict (what ``schedule --format json`` prints)."""
        return {
            "status": self.status,
            "solver_status": self.solver_status,
            "shifts": int(self.shifts["agents"].sum()) if len(self.shifts) else 0,
            "required_agent_hours": round(self.required_agent_hours, 3),
            "scheduled_agent_hours": round(self.scheduled_agent_hours, 3),
            "paid_agent_hours": round(self.paid_agent_hours, 3),
            "lp_bound_agent_hours": round(self.lp_bound_agent_hours, 3),
            "cp_sat_bound_agent_hours": _round(self.cp_sat_bound_agent_hours),
            "gap_to_lp_bound_pct": _round(self.gap_to_lp_bound_pct),
            "over_staffing_agent_hours": round(self.over_staffing_agent_hours, 3),
            "over_staffing_pct": _round(self.over_staffing_pct),
            "under_staffing_agent_hours": round(self.under_staffing_agent_hours, 3),
            "under_staffing_pct": _round(self.under_staffing_pct),
            "uncovered_intervals": self.uncovered_intervals,
            "uncovered_agent_hours": round(self.uncovered_agent_hours, 3),
            "team_lead_hours": round(self.team_lead_hours, 3),
            "interval_minutes": self.interval_minutes,
            "cyclic": self.cyclic,
            "patterns": self.patterns,
            "solve_seconds": round(self.solve_seconds, 3),
        }


def _pct(part: float, whole: float) -> float | None:
    return None if whole <= 0 else 100.0 * part / whole


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 3) + 0.0  # never -0.0


def default_workers() -> int:
    """CP-SAT search workers: the machine's cores (at least 2, at most 8)."""
    return max(2, min(8, os.cpu_count() or 2))


def schedule_shifts(
    requirement: pd.DataFrame | Requirement,
    rules: ShiftRules | None = None,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    workers: int | None = None,
    queue: str | None = None,
) -> ScheduleResult:
    """Shifts covering a requirement (``interval_start``, ``agents_required`` or a plan's
    ``agents_scheduled``; queues summed, or ``queue`` alone) at the least working
    agent-hours, with CP-SAT within ``time_limit_s`` on ``workers`` threads.

    Raises :class:`PlanningInputError` (a :class:`ShiftRulesError` for a rule) on bad input;
    never fails for want of coverage: uncovered intervals come back with status ``partial``.
    """
    rules = rules or ShiftRules()
    if not time_limit_s > 0 or not math.isfinite(time_limit_s):
        raise ShiftRulesError("time_limit", "the time limit must be a positive number of seconds",
                              "e.g. 60")  # fmt: skip
    req = (
        requirement
        if isinstance(requirement, Requirement)
        else requirement_from_frame(requirement, queue)
    )
    rules.check(req.interval)
    patterns = generate_patterns(req, rules)
    need = np.ceil(np.round(req.required, 9)).astype(np.int64)
    began = time.perf_counter()
    lp_bound, lp_counts = _lp_bound(req, patterns, need)
    # A schedule in hand before the search: the LP optimum rounded and repaired. CP-SAT almost
    # always beats it, but a short time limit on a large grid can stop it on a worse one.
    fallback = rounded_lp(patterns, need, lp_counts)
    counts, solver_status, cp_bound = _solve_cp_sat(
        req, patterns, need, time_limit_s, workers or default_workers()
    )
    notes = []
    if counts is None or _cost(patterns, need, fallback) < _cost(patterns, need, counts):
        counts = fallback
        notes.append(
            f"CP-SAT found nothing better than the rounded LP solution within {time_limit_s:g} s "
            f"({solver_status}): that is the schedule; a longer --time-limit may improve it"
        )
        solver_status = "ROUNDED_LP"
    elapsed = time.perf_counter() - began
    result = _result(req, rules, patterns, counts, solver_status, cp_bound, lp_bound, elapsed)
    result.notes.extend(notes)
    return result


def _cost(patterns: Patterns, need: np.ndarray, counts: np.ndarray) -> int:
    """The model's objective: worked intervals plus the penalty for coverable shortfall."""
    cover = np.bincount(
        patterns.cover_interval, counts[patterns.cover_pattern], minlength=len(need)
    )
    coverable = np.bincount(patterns.cover_interval, minlength=len(need)) > 0
    short = np.clip(need - cover, 0, None)[coverable].sum()
    return int((patterns.work * counts).sum() + (patterns.work.max() + 1) * short)


def rounded_lp(patterns: Patterns, need: np.ndarray, lp_counts: np.ndarray) -> np.ndarray:
    """A covering schedule from the LP optimum: rounded down, the first short interval in time
    order given the pattern covering most short intervals per hour worked until none is
    short, then any shift no interval needs dropped. Within a few per cent of the LP bound."""
    size = len(need)
    order = np.argsort(patterns.cover_pattern, kind="stable")
    by_pattern = np.split(
        patterns.cover_interval[order],
        np.searchsorted(patterns.cover_pattern[order], np.arange(1, patterns.size)),
    )
    coverers = _coverers(patterns, size)
    goal = np.where([len(c) > 0 for c in coverers], need, 0)
    counts = np.floor(lp_counts + 1e-6).astype(np.int64)
    cover = np.bincount(patterns.cover_interval, counts[patterns.cover_pattern], minlength=size)
    short = goal > cover
    while short.any():
        t = int(np.argmax(short))
        gains = [short[by_pattern[p]].sum() / patterns.work[p] for p in coverers[t]]
        best = int(coverers[t][int(np.argmax(gains))])
        counts[best] += 1
        cover[by_pattern[best]] += 1
        short = goal > cover
    for p in np.argsort(-patterns.work, kind="stable"):
        while counts[p] and (cover[by_pattern[p]] > goal[by_pattern[p]]).all():
            counts[p] -= 1
            cover[by_pattern[p]] -= 1
    return counts


def _coverers(patterns: Patterns, size: int) -> list[np.ndarray]:
    """For each interval, the patterns that work it."""
    order = np.argsort(patterns.cover_interval, kind="stable")
    bounds = np.searchsorted(patterns.cover_interval[order], np.arange(size + 1))
    pat = patterns.cover_pattern[order]
    return [pat[bounds[t] : bounds[t + 1]] for t in range(size)]


def _solve_cp_sat(
    req: Requirement, patterns: Patterns, need: np.ndarray, time_limit_s: float, workers: int
) -> tuple[np.ndarray | None, str, float]:
    """Agents per pattern (None when no solution was found in time), CP-SAT's status name and
    its best objective bound."""
    from ortools.sat.python import cp_model

    coverers = _coverers(patterns, req.size)
    # An agent more than the largest need on a pattern's intervals can never help.
    upper = np.zeros(patterns.size, dtype=np.int64)
    np.maximum.at(upper, patterns.cover_pattern, need[patterns.cover_interval])
    model = cp_model.CpModel()
    x = [model.new_int_var(0, int(u), f"x{p}") for p, u in enumerate(upper)]
    # Above the hours of any one shift: leaving an interval short never pays.
    penalty = int(patterns.work.max()) + 1
    shortfall = []
    for t in np.flatnonzero(need > 0):
        who = coverers[t]
        if len(who) == 0:
            continue  # no shift reaches it: uncovered whatever the solver does
        short = model.new_int_var(0, int(need[t]), f"short{t}")
        shortfall.append(short)
        model.add(sum(x[p] for p in who) + short >= int(need[t]))
    model.minimize(
        cp_model.LinearExpr.weighted_sum(x, [int(w) for w in patterns.work])
        + penalty * cp_model.LinearExpr.sum(shortfall)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, math.nan  # no schedule within the time limit: the caller's fallback
    counts = np.array([solver.value(v) for v in x], dtype=np.int64)
    return counts, name, float(solver.best_objective_bound)


def _lp_bound(req: Requirement, patterns: Patterns, need: np.ndarray) -> tuple[float, np.ndarray]:
    """The LP relaxation's optimum (GLOP), in worked intervals -- the least any schedule of
    these patterns can work while covering every coverable interval -- and its agents per
    pattern."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0.0, solver.infinity(), f"x{p}") for p in range(patterns.size)]
    for t, who in enumerate(_coverers(patterns, req.size)):
        if need[t] > 0 and len(who):
            row = solver.Constraint(float(need[t]), solver.infinity())
            for p in who:
                row.SetCoefficient(x[p], 1.0)
    objective = solver.Objective()
    for p, w in enumerate(patterns.work):
        objective.SetCoefficient(x[p], float(w))
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:  # pragma: no cover - a covering LP is bounded
        return math.nan, np.zeros(patterns.size)
    return objective.Value(), np.array([v.solution_value() for v in x])


def _result(
    req: Requirement,
    rules: ShiftRules,
    patterns: Patterns,
    counts: np.ndarray,
    solver_status: str,
    cp_bound: float,
    lp_bound: float,
    elapsed: float,
) -> ScheduleResult:
    hours = req.interval / 60
    scheduled = np.zeros(req.size, dtype=np.int64)
    np.add.at(scheduled, patterns.cover_interval, counts[patterns.cover_pattern])
    required = req.required
    over = np.clip(scheduled - required, 0, None)
    under = np.clip(required - scheduled, 0, None)
    leads = team_leads(scheduled, rules.lead_span)
    coverage = pd.DataFrame(
        {
            "interval_start": req.labels,
            "required": required,
            "scheduled": scheduled,
            "team_leads": leads,
            "over": over,
            "under": under,
        }
    )
    uncovered = int((under > 1e-9).sum())
    status = "partial" if uncovered else ("optimal" if solver_status == "OPTIMAL" else "feasible")
    notes = list(req.notes)
    if uncovered:
        notes.append(
            f"{uncovered} intervals ({float(under.sum()) * hours:,.1f} agent-hours) are not "
            "covered: no allowed shift works them (closed hours or the edge of the horizon)"
        )
    # CP-SAT's bound includes the shortfall penalty: meaningful as agent-hours only when no
    # coverable interval is left short, which is the case whenever the schedule is optimal.
    cp_hours = min(cp_bound, float(scheduled.sum())) * hours
    return ScheduleResult(
        shifts=_shift_table(req, patterns, counts, rules),
        coverage=coverage,
        status=status,
        solver_status=solver_status,
        interval_minutes=req.interval,
        cyclic=is_cyclic(req, rules),
        patterns=patterns.size,
        required_agent_hours=float(required.sum()) * hours,
        scheduled_agent_hours=float(scheduled.sum()) * hours,
        paid_agent_hours=float((counts * patterns.length).sum()) * hours,
        lp_bound_agent_hours=lp_bound * hours,
        cp_sat_bound_agent_hours=cp_hours,
        over_staffing_agent_hours=float(over.sum()) * hours,
        under_staffing_agent_hours=float(under.sum()) * hours,
        uncovered_intervals=uncovered,
        team_lead_hours=float(leads.sum()) * hours,
        solve_seconds=elapsed,
        notes=notes,
        slots=_slots(req, patterns, counts, is_cyclic(req, rules)),
    )


def _wall_at(req: Requirement, index: np.ndarray, cyclic: bool) -> np.ndarray:
    """The local clock (minutes after midnight) at interval ``index``, which may lie past
    the horizon: wrapped when cyclic, else carried on from the last interval. Read from the
    grid rather than added to the start, so a shift across a DST change ends on the clock."""
    if cyclic:
        return req.wall[index % req.size]
    last = req.size - 1
    carried = (req.wall[last] + (index - last) * req.interval) % MINUTES_PER_DAY
    return np.where(index <= last, req.wall[np.minimum(index, last)], carried)


def _shift_times(
    req: Requirement, patterns: Patterns, chosen: np.ndarray, cyclic: bool
) -> pd.DataFrame:
    step = req.interval
    start = patterns.start[chosen]
    start_wall = req.wall[start]
    day = req.day[start]
    paid = patterns.length[chosen] * step
    brk = patterns.break_at[chosen]
    ends = _wall_at(req, start + patterns.length[chosen], cyclic)
    breaks = _wall_at(req, start + np.maximum(brk, 0), cyclic)
    # Local datetimes of the start (the day plus the wall clock) and end, for the roster.
    begins = pd.to_datetime(day) + pd.to_timedelta(start_wall, unit="min")
    return pd.DataFrame(
        {
            "day": pd.Series(day.astype(str)),
            "start": [_clock(m) for m in start_wall],
            "end": [_clock(m) for m in ends],
            "break_start": ["" if b < 0 else _clock(m) for m, b in zip(breaks, brk, strict=True)],
            "start_at": begins,
            "end_at": begins + pd.to_timedelta(paid, unit="min"),
            "paid_minutes": paid,
            "first": start,
        }
    )


def _shift_table(
    req: Requirement, patterns: Patterns, counts: np.ndarray, rules: ShiftRules
) -> pd.DataFrame:
    chosen = np.flatnonzero(counts > 0)
    table = _shift_times(req, patterns, chosen, is_cyclic(req, rules))
    table["agents"] = counts[chosen]
    table = table.sort_values(["first", "end_at", "break_start"], kind="stable")
    return table[["day", "start", "end", "break_start", "agents"]].reset_index(drop=True)


def _slots(req: Requirement, patterns: Patterns, counts: np.ndarray, cyclic: bool) -> pd.DataFrame:
    chosen = np.repeat(np.arange(patterns.size), counts)
    table = _shift_times(req, patterns, chosen, cyclic).sort_values(
        ["first", "end_at", "break_start"]
    )
    return table.drop(columns="first").reset_index(drop=True)
