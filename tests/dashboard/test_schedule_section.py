"""The Staffing page's shift section: the coverage chart and the shift table are those of
``schedule_shifts`` (the function ``supportstats schedule`` calls) on the page's plan."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest

from dashboards import data
from dashboards.app_pages._schedule import schedule_input
from supportstats.planning.plan import StaffingTargets
from supportstats.planning.schedule import ShiftRules, schedule_shifts


@pytest.fixture
def staffing(sample_db: Path, use_db, monkeypatch) -> AppTest:  # noqa: ANN001
    # One CP-SAT worker: several race to equally good schedules and, on a busy machine, any of
    # them may be the one the page shows, which then differs from the test's own solve.
    monkeypatch.setattr("supportstats.planning.schedule.default_workers", lambda: 1)
    st.cache_data.clear()  # a schedule another test's page solved would be shown as cached
    use_db(sample_db)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception
    return at


def _shift_table(at: AppTest):  # noqa: ANN202
    tables = [d.value for d in at.dataframe if "break_start" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def _values(trace: dict, axis: str = "y") -> list[float]:
    """A trace's values (plotly ships numpy arrays as base64 typed arrays)."""
    values = trace[axis]
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return [float(v) for v in values]


def _coverage_figure(at: AppTest) -> dict:
    specs = [json.loads(f.proto.spec) for f in at.get("plotly_chart")]
    found = [s for s in specs if "Shift coverage" in s["layout"]["title"]["text"]]
    assert len(found) == 1
    return found[0]


def test_staffing_page_shows_the_shifts_of_its_plan(staffing: AppTest, sample_db: Path):
    at = staffing
    queue = at.selectbox(key="staff_queue").value
    _forecast, plan = data.load_plan(data.Source.of(sample_db), queue, StaffingTargets.chat())
    expected = schedule_shifts(plan[["interval_start", "agents_scheduled"]], ShiftRules(),
                               time_limit_s=10, workers=1)  # fmt: skip
    assert expected.status in ("optimal", "partial") and len(expected.shifts) > 0
    shown = _shift_table(at)
    assert list(shown.columns) == ["day", "start", "end", "break_start", "agents"]
    assert shown.values.tolist() == expected.shifts.values.tolist()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Shifts"] == str(int(expected.shifts["agents"].sum()))
    assert tiles["Agent-hours worked"] == f"{expected.scheduled_agent_hours:,.1f}"
    assert tiles["Intervals short"] == str(expected.uncovered_intervals)
    figure = _coverage_figure(at)
    bars = {t["name"]: t for t in figure["data"]}
    required = _values(bars["agents required"])
    scheduled = _values(bars["agents scheduled (shifts)"])
    assert required == [float(v) for v in plan["agents_scheduled"]]
    assert sum(scheduled) / 2 == expected.scheduled_agent_hours
    # every interval short shows its shortfall in red up to the requirement
    short = _values(bars["short of the requirement"])
    assert all(s + u >= r for s, u, r in zip(scheduled, short, required, strict=True))


def test_shift_inputs_change_the_shifts(staffing: AppTest):
    at = staffing
    at.selectbox(key="sched_shift").set_value("4h").run()
    at.selectbox(key="sched_break").set_value("0").run()
    assert not at.exception
    shown = _shift_table(at)
    assert (shown["break_start"] == "").all()
    starts = shown["start"].str.slice(0, 2).astype(int)
    ends = shown["end"].str.slice(0, 2).astype(int)
    assert (((ends - starts) % 24) == 4).all()
    at.text_input(key="sched_open").set_value("08:00-10:00").run()  # shorter than a shift
    assert not at.exception
    assert any("No shifts: no shift fits the opening hours" in i.value for i in at.info)


def test_all_queues_are_scheduled_together(staffing: AppTest):
    """With every queue on the page (one plan row per queue and interval), the shifts cover
    the queues' agents summed per interval, as ``supportstats schedule`` sums a plan."""
    at = staffing
    picker = at.selectbox(key="staff_queue")
    if "All queues" not in picker.options:
        pytest.skip("this Staffing page has no all-queues choice")
    picker.set_value("*").run()
    assert not at.exception
    plan = next(
        d.value for d in at.dataframe if {"interval_start", "agents_scheduled"} <= set(d.value)
    )
    assert plan["queue"].nunique() > 1
    summed = plan.groupby("interval_start", sort=True)["agents_scheduled"].sum()
    figure = _coverage_figure(at)
    required = _values(next(t for t in figure["data"] if t["name"] == "agents required"))
    assert required == [float(v) for v in summed]
    assert len(_shift_table(at)) > 0


def test_a_plan_on_a_timezone_clock_keeps_its_dst_hours_apart():
    # Madrid, 25 October 2026, as the page's plan has it with a timezone: naive wall-clock
    # times and utc_offset; 02:00-02:30 twice. One agent for the first 8 hours is one 8h shift
    # from 00:00 to 07:00 on the clock, and the coverage has the day's 50 half hours.
    times = pd.date_range("2026-10-25", periods=50, freq="30min", tz="Europe/Madrid")
    offset = times.strftime("%z")
    plan = pd.DataFrame(
        {
            "interval_start": times.strftime("%Y-%m-%d %H:%M:%S"),
            "utc_offset": [f"UTC{o[:3]}:{o[3:]}" for o in offset],
            "queue": "chat",
            "volume": 1.0,
            "agents_scheduled": (np.arange(50) < 16).astype(float),
        }
    )
    result = schedule_shifts(schedule_input(plan), ShiftRules.parse("8h", "0"))
    assert len(result.coverage) == 50
    assert result.shifts[["start", "end", "agents"]].values.tolist() == [["00:00", "07:00", 1]]
