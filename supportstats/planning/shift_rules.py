"""Shift rules as people write them (``8h30m``, ``2h-6h``, ``08:00-20:00``): parsed into
minutes and checked against the requirement's interval length.

Part of ``supportstats schedule`` (docs/staffing.md, "Shift scheduling").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportstats.planning._validate import PlanningInputError
from supportstats.planning.targets import DEFAULT_LEAD_SPAN, LEAD_SPAN_RANGE

DEFAULT_SHIFT = "8h30m"
DEFAULT_BREAK = "30m"
DEFAULT_BREAK_WINDOW = "2h-6h"
DEFAULT_TIME_LIMIT_S = 60.0
MINUTES_PER_DAY = 24 * 60
WEEK_MINUTES = 7 * MINUTES_PER_DAY


class ShiftRulesError(PlanningInputError):
    """A shift rule that cannot be used; ``field`` names it (``shift``, ``break``,
    ``break_window``, ``start_step``, ``open``, ``lead_span``, ``time_limit``) so a caller
    can say it in its own words (the CLI: ``--break-window``)."""

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field


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


def open_hours_text(open_hours: tuple[int, int]) -> str:
    """(480, 1200) -> ``08:00-20:00``, as the user wrote it (the end of the day is 24:00)."""
    start, end = open_hours
    return f"{format_clock(start)}-{'24:00' if end == MINUTES_PER_DAY else format_clock(end)}"


def format_clock(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``; past midnight wraps (1470 -> ``00:30``)."""
    hours, mins = divmod(int(minutes) % MINUTES_PER_DAY, 60)
    return f"{hours:02d}:{mins:02d}"


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
