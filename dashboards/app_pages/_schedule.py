"""The Staffing page's shift section: the plan's agents per interval turned into shifts.

A few inputs (shift length, break, break window, opening hours, a small time limit), then
``supportstats.planning.schedule.schedule_shifts`` -- the function ``supportstats schedule``
calls -- on the plan's ``agents_scheduled``; the coverage chart and the shift table.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from supportstats import charts
from supportstats.errors import SupportStatsError
from supportstats.planning.schedule import ScheduleResult, ShiftRules, schedule_shifts

SHIFT_LENGTHS = ["4h", "6h", "8h", "8h30m", "9h", "10h"]
BREAKS = ["0", "15m", "30m", "45m", "1h"]
TIME_LIMIT_S = 10  # the page waits for the solver: keep it short (the CLI defaults to 60 s)


def schedule_input(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan's columns ``schedule_shifts`` reads: with "All queues" the queue column (one
    row per queue and interval, summed), and on a timezone's clock utc_offset (without it the
    hour a DST change repeats would be one interval)."""
    optional = [c for c in ("utc_offset", "queue") if c in plan.columns]
    return plan[["interval_start", "agents_scheduled", *optional]]


@st.cache_data(show_spinner="Choosing shifts...", max_entries=16)
def _solve(plan: pd.DataFrame, rules: ShiftRules, time_limit_s: float) -> ScheduleResult:
    return schedule_shifts(schedule_input(plan), rules, time_limit_s=time_limit_s)


def schedule_caption(result: ScheduleResult) -> str:
    """The figures under the coverage chart's title."""
    over = result.over_staffing_pct
    parts = [
        f"status {result.status}",
        f"{result.scheduled_agent_hours:,.1f} agent-hours worked for "
        f"{result.required_agent_hours:,.1f} required",
        f"LP bound {result.lp_bound_agent_hours:,.1f}",
        f"over-staffing {over:.1f} %" if over is not None else "nothing required",
    ]
    if result.uncovered_intervals:
        parts.append(
            f"{result.uncovered_intervals} intervals short "
            f"({result.uncovered_agent_hours:,.1f} agent-hours)"
        )
    return " · ".join(parts)


def render_schedule(plan: pd.DataFrame) -> ScheduleResult | None:
    """Shift inputs, then the coverage chart and the shift table for ``plan``."""
    st.subheader("Shifts")
    a, b, c = st.columns(3)
    shift = a.selectbox("Shift length", SHIFT_LENGTHS, index=3, key="sched_shift")
    brk = a.selectbox("Break", BREAKS, index=2, key="sched_break")
    window = b.text_input("Break window (from shift start)", "2h-6h", key="sched_window")
    open_hours = b.text_input("Opening hours", "00:00-24:00", key="sched_open")
    limit = c.slider("Solver time limit (s)", 1, 30, TIME_LIMIT_S, key="sched_limit")
    try:
        rules = ShiftRules.parse(shift, brk, window, open_hours=open_hours)
        result = _solve(plan, rules, float(limit))
    except SupportStatsError as exc:
        st.info(f"No shifts: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return None
    cols = st.columns(4)
    cols[0].metric("Shifts", int(result.shifts["agents"].sum()), border=True)
    cols[1].metric("Agent-hours worked", f"{result.scheduled_agent_hours:,.1f}", border=True)
    over = result.over_staffing_pct
    cols[2].metric("Over-staffing", "—" if over is None else f"{over:.1f} %", border=True)
    cols[3].metric("Intervals short", result.uncovered_intervals, border=True)
    st.plotly_chart(
        charts.schedule_coverage(result.coverage, schedule_caption(result)), key="sched_chart"
    )
    st.caption(
        "Shifts chosen by OR-Tools CP-SAT to cover the plan's agents scheduled at the fewest "
        "agent-hours (the same solver as `supportstats schedule`); times on the plan's clock. "
        "Red: intervals no allowed shift can cover (outside the opening hours or the horizon)."
    )
    st.dataframe(result.shifts, hide_index=True, key="sched_table")
    return result
