"""The roster step: named agents assigned to the shifts a schedule chose (CP-SAT).

Each agent (a row of the agents table) takes at most one shift a day, never one on a day off
or outside the hours they are available, never two closer than the minimum rest, and no more
than their maximum weekly hours. Minimum weekly hours are a wish, not a rule: falling short
costs less than leaving a shift unassigned. Shifts nobody can take are left unassigned (an
empty name) rather than making the roster fail.

Agents table columns (docs/staffing.md, "Roster"): ``name`` (required, unique), ``days_off``
(weekday names such as ``Sat Sun`` and/or dates such as ``2026-01-07``, separated by spaces
or ``|``), ``earliest_start`` and ``latest_end`` (HH:MM, local clock; with ``latest_end`` set,
shifts past midnight are out), ``min_hours`` and ``max_hours`` (paid hours a week; weeks
count from the schedule's first day, and ``min_hours`` applies to whole weeks only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from supportstats.planning._validate import PlanningInputError, check, numeric_column
from supportstats.planning.schedule import (
    MINUTES_PER_DAY,
    ScheduleResult,
    default_workers,
    parse_clock,
)

DEFAULT_MIN_REST_HOURS = 11.0  # the EU Working Time Directive's daily rest
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Agent:
    """One agent's availability and weekly hours (minutes after local midnight, hours)."""

    name: str
    weekdays_off: frozenset[int]
    dates_off: frozenset[str]
    earliest_start: int
    latest_end: int | None
    min_hours: float
    max_hours: float | None


@dataclass
class RosterResult:
    """``roster``: name, day, start, end, break_start, one row per agent-shift (empty name:
    unassigned). ``hours``: name, week, hours, min_hours, max_hours, short_hours."""

    roster: pd.DataFrame
    hours: pd.DataFrame
    unassigned_shifts: int
    status: str

    def summary(self) -> dict[str, object]:
        """The roster's figures, JSON-ready (added to ``schedule --format json``)."""
        return {
            "roster_status": self.status,
            "assigned_shifts": int((self.roster["name"] != "").sum()),
            "unassigned_shifts": self.unassigned_shifts,
            "agents_below_min_hours": int(
                self.hours.loc[self.hours["short_hours"] > 0, "name"].nunique()
            ),
        }


def _text(frame: pd.DataFrame, column: str, row: int) -> str:
    if column not in frame.columns:
        return ""
    value = frame[column].iloc[row]
    return "" if pd.isna(value) else str(value).strip()


def read_agents(frame: pd.DataFrame) -> list[Agent]:
    """The agents table as :class:`Agent` values; errors name the row and column."""
    if "name" not in frame.columns:
        raise PlanningInputError(
            "missing column name",
            "the agents file needs name; optional days_off, earliest_start, latest_end, "
            "min_hours, max_hours (docs/staffing.md)",
        )
    low = numeric_column(frame, "min_hours", 0.0)
    high = numeric_column(frame, "max_hours", np.inf)
    check(low, "min_hours", "weekly hours are zero or more")
    check(high, "max_hours", "weekly hours are zero or more", where=np.isfinite(high))
    agents, seen = [], set()
    for row in range(len(frame)):
        name = _text(frame, "name", row)
        where = f"row {row + 1}"
        if not name:
            raise PlanningInputError(f"{where}, column name: is empty", "every agent needs a name")
        if name in seen:
            raise PlanningInputError(f"{where}, column name: {name!r} appears twice",
                                     "one row per agent")  # fmt: skip
        seen.add(name)
        if np.isfinite(high[row]) and high[row] < low[row]:
            raise PlanningInputError(
                f"{where}: max_hours {high[row]:g} is below min_hours {low[row]:g}",
                "raise max_hours or lower min_hours",
            )
        weekdays, dates = _days_off(_text(frame, "days_off", row), where)
        start = _clock(frame, "earliest_start", row) or 0
        end = _clock(frame, "latest_end", row)
        agents.append(
            Agent(
                name,
                weekdays,
                dates,
                start,
                end,
                float(low[row]),
                None if not np.isfinite(high[row]) else float(high[row]),
            )  # fmt: skip
        )
    return agents


def _clock(frame: pd.DataFrame, column: str, row: int) -> int | None:
    text = _text(frame, column, row)
    if not text:
        return None
    try:
        return parse_clock(text, column)
    except PlanningInputError as exc:
        raise PlanningInputError(
            f"row {row + 1}, column {column}: {exc.message}", exc.hint
        ) from None


def _days_off(text: str, where: str) -> tuple[frozenset[int], frozenset[str]]:
    weekdays, dates = set(), set()
    for token in filter(None, re.split(r"[\s|;,/]+", text.lower())):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            dates.add(token)
        elif len(token) >= 3 and any(day.startswith(token) for day in WEEKDAYS):
            weekdays.add(next(i for i, day in enumerate(WEEKDAYS) if day.startswith(token)))
        else:
            raise PlanningInputError(
                f"{where}, column days_off: {token!r} is not a weekday or a date",
                "write weekdays (Sat Sun) or dates (2026-01-07), separated by spaces",
            )
    return frozenset(weekdays), frozenset(dates)


def _available(agent: Agent, shift: pd.Series) -> bool:
    start_at, end_at = shift["start_at"], shift["end_at"]
    if start_at.day_of_week in agent.weekdays_off or shift["day"] in agent.dates_off:
        return False
    if start_at.hour * 60 + start_at.minute < agent.earliest_start:
        return False
    if agent.latest_end is None:
        return True
    end_minute = (end_at - start_at.normalize()).total_seconds() / 60
    return end_minute <= min(agent.latest_end, MINUTES_PER_DAY)


def assign_agents(
    schedule: ScheduleResult,
    agents: pd.DataFrame | list[Agent],
    *,
    min_rest_hours: float = DEFAULT_MIN_REST_HOURS,
    time_limit_s: float = 60.0,
    workers: int | None = None,
) -> RosterResult:
    """Named agents on a schedule's shifts, most shifts assigned first, then the fewest hours
    short of anyone's minimum (see the module docstring for the rules)."""
    from ortools.sat.python import cp_model

    team = agents if isinstance(agents, list) else read_agents(agents)
    slots = schedule.slots
    groups = (
        slots.groupby(["start_at", "end_at"], sort=True)
        .agg(day=("day", "first"), slots=("day", "size"), paid=("paid_minutes", "first"))
        .reset_index()
    )
    horizon = pd.Timedelta(minutes=len(schedule.coverage) * schedule.interval_minutes)
    first_day = groups["start_at"].min().normalize() if len(groups) else pd.Timestamp(0)
    whole_weeks = int(horizon / pd.Timedelta(days=7))
    week = ((groups["start_at"].dt.normalize() - first_day).dt.days // 7).to_numpy()
    rest = pd.Timedelta(hours=min_rest_hours)

    model = cp_model.CpModel()
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    for a, agent in enumerate(team):
        for g, shift in groups.iterrows():
            if _available(agent, shift):
                y[a, int(g)] = model.new_bool_var(f"y{a}_{g}")
    for g in range(len(groups)):
        chosen = [y[a, g] for a in range(len(team)) if (a, g) in y]
        if chosen:
            model.add(sum(chosen) <= int(groups["slots"].iloc[g]))
    for clique in _conflicts(groups, rest, horizon if schedule.cyclic else None):
        for a in range(len(team)):
            chosen = [y[a, g] for g in clique if (a, g) in y]
            if len(chosen) > 1:
                model.add_at_most_one(chosen)
    short = []
    for a, agent in enumerate(team):
        for w in range(int(week.max()) + 1 if len(week) else 0):
            mine = [(y[a, g], int(groups["paid"].iloc[g])) for g in np.flatnonzero(week == w)
                    if (a, g) in y]  # fmt: skip
            worked = sum(v * m for v, m in mine)
            if agent.max_hours is not None and mine:
                model.add(worked <= int(agent.max_hours * 60))
            if agent.min_hours > 0 and w < whole_weeks:
                gap = model.new_int_var(0, int(agent.min_hours * 60), f"short{a}_{w}")
                model.add(worked + gap >= int(agent.min_hours * 60))
                short.append(gap)
    weight = sum(int(a.min_hours * 60) for a in team) * max(whole_weeks, 1) + 1
    model.maximize(weight * sum(y.values()) - sum(short))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = workers or default_workers()
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        taken: dict[tuple[int, int], int] = {}
        name = "unsolved"
    else:
        taken = {key: solver.value(v) for key, v in y.items()}
        name = solver.status_name(status).lower()
    return _result(schedule, groups, team, taken, week, whole_weeks, name)


def _conflicts(
    groups: pd.DataFrame, rest: pd.Timedelta, wrap: pd.Timedelta | None
) -> list[list[int]]:
    """Sets of shifts no agent may take two of: each shift with the later ones that start
    before its end plus the rest (and, for a repeating schedule, across the wrap)."""
    starts = groups["start_at"].to_numpy()
    ends = groups["end_at"].to_numpy()
    days = groups["day"].to_numpy()
    sets = [list(np.flatnonzero(days == d)) for d in np.unique(days)]  # one shift a day
    for g in range(len(groups)):
        later = np.flatnonzero((starts >= starts[g]) & (starts < ends[g] + rest))
        later = later[later != g]
        sets.append([g, *later[ends[later] >= ends[g]]])  # all pairwise in conflict
        sets.extend([g, int(h)] for h in later[ends[later] < ends[g]])  # nested shorter ones
        if wrap is not None:
            shifted = starts + wrap
            across = np.flatnonzero((shifted >= starts[g]) & (shifted < ends[g] + rest))
            sets.extend([g, int(h)] for h in across if h != g)
    return sets


def _result(
    schedule: ScheduleResult,
    groups: pd.DataFrame,
    team: list[Agent],
    taken: dict[tuple[int, int], int],
    week: np.ndarray,
    whole_weeks: int,
    status: str,
) -> RosterResult:
    names: list[str] = []
    slots = schedule.slots.sort_values(["start_at", "end_at", "break_start"], kind="stable")
    keys = list(zip(groups["start_at"], groups["end_at"], strict=True))
    by_group = {key: [] for key in keys}
    for (a, g), value in taken.items():
        if value:
            by_group[keys[g]].append(team[a].name)
    for key, rows in slots.groupby(["start_at", "end_at"], sort=False):
        people = sorted(by_group.get(key, []))
        names.extend(people[: len(rows)] + [""] * (len(rows) - len(people)))
    roster = slots[["day", "start", "end", "break_start"]].copy()
    roster.insert(0, "name", names)
    roster = roster.reset_index(drop=True)
    hours = []
    for a, agent in enumerate(team):
        for w in range(int(week.max()) + 1 if len(week) else 0):
            worked = sum(int(groups["paid"].iloc[g]) for g in np.flatnonzero(week == w)
                         if taken.get((a, g)))  # fmt: skip
            minimum = agent.min_hours if w < whole_weeks else 0.0
            hours.append({
                "name": agent.name, "week": w + 1, "hours": worked / 60,
                "min_hours": minimum, "max_hours": agent.max_hours,
                "short_hours": max(minimum - worked / 60, 0.0),
            })  # fmt: skip
    table = pd.DataFrame(
        hours, columns=["name", "week", "hours", "min_hours", "max_hours", "short_hours"]
    )
    return RosterResult(roster, table, int((roster["name"] == "").sum()), status)
