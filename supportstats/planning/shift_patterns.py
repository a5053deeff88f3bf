"""Shift patterns: every shift the rules allow on a requirement's grid (a start, a length and
a break position) and the intervals each one works."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportstats.planning.shift_requirement import Requirement
from supportstats.planning.shift_rules import (
    MINUTES_PER_DAY,
    WEEK_MINUTES,
    ShiftRules,
    ShiftRulesError,
    format_minutes,
    open_hours_text,
)


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
                f"no shift fits the opening hours {open_hours_text(rules.open_hours)} "
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


def coverers(patterns: Patterns, size: int) -> list[np.ndarray]:
    """For each interval, the patterns that work it."""
    order = np.argsort(patterns.cover_interval, kind="stable")
    bounds = np.searchsorted(patterns.cover_interval[order], np.arange(size + 1))
    pat = patterns.cover_pattern[order]
    return [pat[bounds[t] : bounds[t + 1]] for t in range(size)]
