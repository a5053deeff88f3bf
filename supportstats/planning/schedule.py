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

This module runs the steps and reports (:class:`ScheduleResult`); the steps live in
``shift_rules`` (the rules parsed and checked), ``shift_requirement`` (the input on its grid),
``shift_patterns`` (every allowed shift) and ``shift_solver`` (CP-SAT, the LP bound, the
rounded LP). Their public names are importable from here too.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from supportstats.planning.requirement import team_leads  # the plan's rule, shared
from supportstats.planning.shift_patterns import Patterns, generate_patterns, is_cyclic
from supportstats.planning.shift_requirement import (
    REQUIRED_COLUMNS,
    Requirement,
    requirement_from_frame,
)
from supportstats.planning.shift_rules import (
    DEFAULT_BREAK,
    DEFAULT_BREAK_WINDOW,
    DEFAULT_SHIFT,
    DEFAULT_TIME_LIMIT_S,
    MINUTES_PER_DAY,
    ShiftRules,
    ShiftRulesError,
    format_clock,
    format_minutes,
    parse_clock,
    parse_duration,
    parse_open_hours,
    parse_window,
)
from supportstats.planning.shift_solver import (
    default_workers,
    lp_bound,
    rounded_lp,
    schedule_cost,
    solve_cp_sat,
)

__all__ = [
    "DEFAULT_BREAK",
    "DEFAULT_BREAK_WINDOW",
    "DEFAULT_SHIFT",
    "DEFAULT_TIME_LIMIT_S",
    "MINUTES_PER_DAY",
    "REQUIRED_COLUMNS",
    "Patterns",
    "Requirement",
    "ScheduleResult",
    "ShiftRules",
    "ShiftRulesError",
    "default_workers",
    "format_minutes",
    "generate_patterns",
    "is_cyclic",
    "lp_bound",
    "parse_clock",
    "parse_duration",
    "parse_open_hours",
    "parse_window",
    "requirement_from_frame",
    "rounded_lp",
    "schedule_shifts",
    "solve_cp_sat",
    "team_leads",
]


@dataclass
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
        """Agent-hours above the requirement over the required agent-hours, % (None: nothing
        required)."""
        return _pct(self.over_staffing_agent_hours, self.required_agent_hours)

    @property
    def under_staffing_pct(self) -> float | None:
        """Agent-hours below the requirement over the required agent-hours, %."""
        return _pct(self.under_staffing_agent_hours, self.required_agent_hours)

    @property
    def gap_to_lp_bound_pct(self) -> float | None:
        """How far the schedule's working agent-hours lie above the LP bound, %: what
        integrality and the solver's time limit cost (the rest of the over-staffing is the
        rules')."""
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
    bound, lp_counts = lp_bound(req, patterns, need)
    # A schedule in hand before the search: the LP optimum rounded and repaired. CP-SAT almost
    # always beats it, but a short time limit on a large grid can stop it on a worse one.
    fallback = rounded_lp(patterns, need, lp_counts)
    counts, solver_status, cp_bound = solve_cp_sat(
        req, patterns, need, time_limit_s, workers or default_workers()
    )
    notes = []
    if counts is None or schedule_cost(patterns, need, fallback) < schedule_cost(
        patterns, need, counts
    ):
        counts = fallback
        notes.append(
            f"CP-SAT found nothing better than the rounded LP solution within {time_limit_s:g} s "
            f"({solver_status}): that is the schedule; a longer --time-limit may improve it"
        )
        solver_status = "ROUNDED_LP"
    elapsed = time.perf_counter() - began
    result = _result(req, rules, patterns, counts, solver_status, cp_bound, bound, elapsed)
    result.notes.extend(notes)
    return result


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
    """The chosen agents per pattern measured against the requirement."""
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
        first = req.labels[int(np.argmax(under > 1e-9))]
        notes.append(
            f"{uncovered} intervals ({float(under.sum()) * hours:,.1f} agent-hours, first at "
            f"{first}) are not covered: no allowed shift works them (closed hours or the edge "
            "of the horizon); the coverage file's under column has them all"
        )
    # CP-SAT's bound includes the shortfall penalty: meaningful as agent-hours only when no
    # coverable interval is left short, which is the case whenever the schedule is optimal.
    cp_hours = min(cp_bound, float(scheduled.sum())) * hours
    return ScheduleResult(
        shifts=_shift_table(req, patterns, counts),
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
        slots=_slots(req, patterns, counts),
    )


def _wall_at(req: Requirement, index: np.ndarray) -> np.ndarray:
    """The local clock (minutes after midnight) at interval ``index``, which may lie past the
    horizon's end. Inside it, read from the grid rather than added to the start, so a shift
    across a DST change ends on the clock; past it, carried on from the last interval. Not
    wrapped onto the horizon's start even when the schedule repeats: that clock is the next
    week's only when the horizon is whole weeks (``--cyclic`` on four hours would end a 2h
    shift from 03:00 at 01:00)."""
    last = req.size - 1
    carried = (req.wall[last] + (index - last) * req.interval) % MINUTES_PER_DAY
    return np.where(index <= last, req.wall[np.minimum(index, last)], carried)


def _shift_times(req: Requirement, patterns: Patterns, chosen: np.ndarray) -> pd.DataFrame:
    """Day, clock times and local datetimes of the ``chosen`` patterns (one row each)."""
    step = req.interval
    start = patterns.start[chosen]
    start_wall = req.wall[start]
    day = req.day[start]
    paid = patterns.length[chosen] * step
    brk = patterns.break_at[chosen]
    ends = _wall_at(req, start + patterns.length[chosen])
    breaks = _wall_at(req, start + np.maximum(brk, 0))
    # Local datetimes of the start (the day plus the wall clock) and end, for the roster. The
    # clock's run from start to end is the time paid, plus or minus a DST change's hour.
    begins = pd.to_datetime(day) + pd.to_timedelta(start_wall, unit="min")
    clock_run = paid + (ends - start_wall - paid + MINUTES_PER_DAY // 2) % MINUTES_PER_DAY
    clock_run -= MINUTES_PER_DAY // 2
    return pd.DataFrame(
        {
            "day": pd.Series(day.astype(str)),
            "start": [format_clock(m) for m in start_wall],
            "end": [format_clock(m) for m in ends],
            "break_start": [
                "" if b < 0 else format_clock(m) for m, b in zip(breaks, brk, strict=True)
            ],
            "start_at": begins,
            "end_at": begins + pd.to_timedelta(clock_run, unit="min"),
            "paid_minutes": paid,
            "first": start,
        }
    )


def _shift_table(req: Requirement, patterns: Patterns, counts: np.ndarray) -> pd.DataFrame:
    """One row per distinct shift chosen, with its agents, in start order."""
    chosen = np.flatnonzero(counts > 0)
    table = _shift_times(req, patterns, chosen)
    table["agents"] = counts[chosen]
    table = table.sort_values(["first", "end_at", "break_start"], kind="stable")
    return table[["day", "start", "end", "break_start", "agents"]].reset_index(drop=True)


def _slots(req: Requirement, patterns: Patterns, counts: np.ndarray) -> pd.DataFrame:
    """One row per agent-shift: what the roster step assigns names to."""
    chosen = np.repeat(np.arange(patterns.size), counts)
    table = _shift_times(req, patterns, chosen).sort_values(["first", "end_at", "break_start"])
    return table.drop(columns="first").reset_index(drop=True)
