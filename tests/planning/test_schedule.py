"""Shift scheduling (supportstats.planning.schedule) and the roster step: known answers worked
out by hand, the LP bound, uncovered intervals, team leads, bad rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportstats.planning import PlanningInputError
from supportstats.planning.roster import assign_agents
from supportstats.planning.schedule import (
    ShiftRules,
    ShiftRulesError,
    parse_duration,
    parse_open_hours,
    schedule_shifts,
    team_leads,
)

DAY = pd.date_range("2026-01-05", periods=48, freq="30min")  # a Monday, 30-minute intervals
WEEK = pd.date_range("2026-01-05", periods=7 * 48, freq="30min")


def requirement(times: pd.DatetimeIndex, agents: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"interval_start": times, "agents_required": agents})


def at(hh_mm: str) -> int:
    """The interval index of a time of day on 30-minute intervals."""
    hours, minutes = map(int, hh_mm.split(":"))
    return hours * 2 + minutes // 30


def shifts_of(result) -> list[tuple[str, str, str, int]]:  # noqa: ANN001
    table = result.shifts
    return list(zip(table["start"], table["end"], table["break_start"], table["agents"],
                    strict=True))  # fmt: skip


def test_two_starts_tile_a_day_exactly():
    # 2 agents 00:00-08:00, 3 agents 08:00-16:00, 1 agent 16:00-24:00, 8-hour shifts without a
    # break: one day is not whole weeks, so shifts stay inside it and the 00:00 interval can
    # only be worked by shifts starting at 00:00 -- by induction the tiling is the one optimum.
    need = np.repeat([2, 3, 1], 16)
    result = schedule_shifts(requirement(DAY, need), ShiftRules.parse("8h", "0"), time_limit_s=10)
    assert shifts_of(result) == [("00:00", "08:00", "", 2), ("08:00", "16:00", "", 3),
                                 ("16:00", "00:00", "", 1)]  # fmt: skip
    assert result.status == "optimal"
    assert result.cyclic is False
    assert result.required_agent_hours == result.scheduled_agent_hours == 48.0
    assert result.lp_bound_agent_hours == pytest.approx(48.0)
    assert result.over_staffing_pct == 0.0
    assert result.paid_agent_hours == 48.0


def test_breaks_go_where_the_requirement_dips():
    # Two agents 08:00-16:30 except one at 12:00 and one at 12:30: two 8h30m shifts starting at
    # 08:00, their 30-minute breaks (window 4h-5h: at 12:00 or 12:30) one in each dip.
    need = np.zeros(48)
    need[at("08:00") : at("16:30")] = 2
    need[at("12:00")] = need[at("12:30")] = 1
    rules = ShiftRules.parse("8h30m", "30m", "4h-5h")
    result = schedule_shifts(requirement(DAY, need), rules, time_limit_s=10)
    assert shifts_of(result) == [("08:00", "16:30", "12:00", 1), ("08:00", "16:30", "12:30", 1)]
    assert result.scheduled_agent_hours == result.required_agent_hours == 16.0
    assert result.paid_agent_hours == 17.0  # breaks are paid, not worked
    assert result.status == "optimal"
    assert list(result.shifts.columns) == ["day", "start", "end", "break_start", "agents"]
    assert (result.shifts["day"] == "2026-01-05").all()


def test_the_shortest_shift_that_fits_wins_among_several_lengths():
    # 1 agent 08:00-14:00: a 6h shift covers it exactly, an 8h one would work 2 h for nothing.
    need = np.zeros(48)
    need[at("08:00") : at("14:00")] = 1
    rules = ShiftRules.parse(["8h", "6h"], "0")
    result = schedule_shifts(requirement(DAY, need), rules, time_limit_s=10)
    assert shifts_of(result) == [("08:00", "14:00", "", 1)]
    assert ShiftRules.parse("8h,6h", "0").shift_lengths == (480, 360)


def _week_shape() -> np.ndarray:
    hours = np.asarray(WEEK.hour + WEEK.minute / 60)
    shape = 2 + 10 * np.exp(-(((hours - 11) / 2.5) ** 2)) + 8 * np.exp(-(((hours - 16) / 3) ** 2))
    weekday = np.where(WEEK.day_of_week < 5, 1.0, 0.5)
    return np.ceil(shape * weekday)


def test_week_covers_everything_above_the_lp_bound():
    need = _week_shape()
    rules = ShiftRules.parse("8h30m", "30m", "3h-5h30m")  # 5 break positions
    result = schedule_shifts(requirement(WEEK, need), rules, time_limit_s=20)
    cover = result.coverage
    assert list(cover.columns[:3]) == ["interval_start", "required", "scheduled"]
    assert len(cover) == 336
    assert (cover["scheduled"] >= cover["required"]).all()
    assert result.status in ("optimal", "feasible")
    assert result.cyclic is True  # a whole week repeats: night shifts run on into Monday
    assert result.lp_bound_agent_hours <= result.scheduled_agent_hours + 1e-6
    assert result.required_agent_hours <= result.lp_bound_agent_hours + 1e-6
    assert result.scheduled_agent_hours == cover["scheduled"].sum() / 2
    assert result.paid_agent_hours == result.shifts["agents"].sum() * 8.5
    over = (cover["scheduled"] - cover["required"]).sum() / 2
    assert result.over_staffing_agent_hours == pytest.approx(over)
    assert result.over_staffing_pct == pytest.approx(100 * over / result.required_agent_hours)
    assert result.uncovered_intervals == 0


def test_rounded_lp_covers_everything_near_the_bound():
    from supportstats.planning import schedule as module

    req = module.requirement_from_frame(requirement(WEEK, _week_shape()))
    rules = ShiftRules.parse("8h30m", "30m", "3h-5h30m")
    patterns = module.generate_patterns(req, rules)
    need = np.ceil(req.required).astype(int)
    bound, lp_counts = module.lp_bound(req, patterns, need)
    counts = module.rounded_lp(patterns, need, lp_counts)
    cover = np.bincount(patterns.cover_interval, counts[patterns.cover_pattern], minlength=336)
    assert (cover >= need).all()
    worked = (counts * patterns.work).sum()
    assert bound <= worked <= 1.1 * bound


def test_without_a_cp_sat_answer_in_time_the_rounded_lp_is_the_schedule(monkeypatch):
    from supportstats.planning import schedule as module

    monkeypatch.setattr(module, "solve_cp_sat", lambda *a, **k: (None, "UNKNOWN", np.nan))
    need = _week_shape()
    result = schedule_shifts(requirement(WEEK, need), ShiftRules.parse("8h30m", "30m"))
    assert result.status == "feasible" and result.solver_status == "ROUNDED_LP"
    assert (result.coverage["scheduled"] >= result.coverage["required"]).all()
    assert result.summary()["cp_sat_bound_agent_hours"] is None
    assert any("rounded LP solution" in note for note in result.notes)


def test_closed_hours_with_demand_are_uncovered_not_infeasible():
    # Demand 06:00-20:00 but open 08:00-20:00: 06:00-08:00 (4 intervals, 3 agents each) is
    # reported uncovered, the rest covered.
    need = np.zeros(48)
    need[at("06:00") : at("20:00")] = 3
    rules = ShiftRules.parse("6h", "0", open_hours="08:00-20:00")
    result = schedule_shifts(requirement(DAY, need), rules, time_limit_s=10)
    assert result.status == "partial"
    assert result.uncovered_intervals == 4
    assert result.uncovered_agent_hours == 6.0  # 4 x 3 agents x 0.5 h
    assert result.under_staffing_agent_hours == 6.0
    cover = result.coverage.set_index("interval_start")
    assert cover.loc[DAY[at("07:30")], "under"] == 3
    assert shifts_of(result) == [("08:00", "14:00", "", 3), ("14:00", "20:00", "", 3)]
    assert any("not covered" in note for note in result.notes)
    # The note says where, so a table user need not open the coverage file to find them.
    assert any("first at 2026-01-05 06:00:00" in note for note in result.notes), result.notes


def test_a_week_wraps_a_cut_horizon_does_not():
    # One agent 22:00-06:30 every night with 8h30m shifts: a repeating week needs 7 shifts at
    # 22:00 (Sunday's runs into Monday morning). Cut at the week's end, no shift may run past
    # Sunday 24:00: Monday 00:00-06:30 needs its own 00:00 shift and Sunday 22:00-24:00 one
    # that ends at midnight (15:30-24:00), 8 shifts where 7 did.
    night = (WEEK.hour >= 22) | (WEEK.hour * 60 + WEEK.minute < 390)
    need = night.astype(float)
    cyclic = schedule_shifts(requirement(WEEK, need), ShiftRules.parse("8h30m", "0"))
    assert cyclic.status == "optimal"
    assert shifts_of(cyclic) == [("22:00", "06:30", "", 1)] * 7
    assert cyclic.over_staffing_agent_hours == 0
    cut = schedule_shifts(requirement(WEEK, need), ShiftRules.parse("8h30m", "0", cyclic=False))
    assert cut.cyclic is False and cut.status == "optimal"
    assert shifts_of(cut) == [("00:00", "08:30", "", 1), *[("22:00", "06:30", "", 1)] * 6,
                              ("15:30", "00:00", "", 1)]  # fmt: skip
    assert list(cut.shifts["day"].iloc[[0, -1]]) == ["2026-01-05", "2026-01-11"]
    assert cut.paid_agent_hours == 8 * 8.5


def test_a_repeated_horizon_shorter_than_a_day_ends_shifts_on_the_clock():
    # --cyclic on four hours (00:00-04:00) of one agent: a 2h shift from 03:00 wraps onto the
    # horizon's first interval, but on the clock it ends at 05:00, not at the horizon's 01:00.
    times = pd.date_range("2026-01-05", periods=8, freq="30min")
    rules = ShiftRules.parse("2h", "0", cyclic=True)
    result = schedule_shifts(requirement(times, np.ones(8)), rules, workers=1)
    assert result.cyclic and result.status == "optimal"
    assert result.scheduled_agent_hours == 4.0
    starts = result.shifts["start"].tolist()
    expected_end = {s: f"{(int(s[:2]) + 2) % 24:02d}:{s[3:]}" for s in starts}
    assert dict(zip(starts, result.shifts["end"], strict=True)) == expected_end


def test_team_leads_one_per_span_begun():
    assert team_leads(np.array([0, 1, 12, 13, 24, 25])).tolist() == [0, 1, 1, 2, 2, 3]
    assert team_leads(np.array([8, 9]), span=8).tolist() == [1, 2]
    need = np.zeros(48)
    need[at("08:00") : at("16:00")] = 13
    rules = ShiftRules.parse("8h", "0", lead_span=12)
    result = schedule_shifts(requirement(DAY, need), rules, time_limit_s=10)
    leads = result.coverage["team_leads"]
    assert leads[at("08:00") : at("16:00")].eq(2).all() and leads.sum() == 32
    assert result.team_lead_hours == 16.0
    assert result.summary()["team_lead_hours"] == 16.0


def test_a_plan_with_queues_is_summed_and_one_queue_can_be_picked():
    need = np.zeros(48)
    need[at("08:00") : at("16:00")] = 1
    one = pd.DataFrame({"interval_start": DAY.strftime("%Y-%m-%dT%H:%M"), "agents_scheduled": need})
    plan = pd.concat(
        [one.assign(queue="chat"), one.assign(queue="email", agents_scheduled=2 * need)]
    )
    rules = ShiftRules.parse("8h", "0")
    both = schedule_shifts(plan, rules, time_limit_s=10)
    assert shifts_of(both) == [("08:00", "16:00", "", 3)]
    email = schedule_shifts(plan, rules, time_limit_s=10, queue="email")
    assert shifts_of(email) == [("08:00", "16:00", "", 2)]


def test_errors_in_a_picked_queue_name_the_file_row():
    # Rows are the file's: a bad value in the second queue's block is row 48 + its position.
    one = pd.DataFrame({"interval_start": DAY.strftime("%Y-%m-%d %H:%M"), "agents_required": 1.0})
    plan = pd.concat([one.assign(queue="chat"), one.assign(queue="email")], ignore_index=True)
    plan.loc[48 + 4, "agents_required"] = -1
    with pytest.raises(PlanningInputError, match="row 53, column agents_required: -1"):
        schedule_shifts(plan, queue="email")


def test_an_interval_twice_in_one_queue_is_an_error_not_summed():
    one = pd.DataFrame({"interval_start": DAY.strftime("%Y-%m-%d %H:%M"), "agents_required": 1.0})
    plan = pd.concat([one, one.iloc[[5]]], ignore_index=True).assign(queue="chat")
    with pytest.raises(PlanningInputError, match="row 49, column interval_start: .*02:30 "
                       "appears twice for queue chat"):  # fmt: skip
        schedule_shifts(plan)


def test_local_times_with_an_offset_are_read_on_the_local_clock():
    need = np.zeros(48)
    need[at("08:00") : at("16:00")] = 1
    times = DAY.strftime("%Y-%m-%dT%H:%M:00+01:00")
    result = schedule_shifts(
        requirement(times, need), ShiftRules.parse("8h", "0", open_hours="08:00-16:00")
    )
    assert shifts_of(result) == [("08:00", "16:00", "", 1)]
    assert str(result.coverage["interval_start"].iloc[16]) == "2026-01-05 08:00:00+01:00"


def test_a_shift_across_the_spring_dst_change_ends_on_the_local_clock():
    # Madrid, 29 March 2026: 02:00 becomes 03:00, a 23-hour day of 46 half hours. One agent
    # 00:00-09:00 local is 8 hours worked: an 8h shift from 00:00 ends at 09:00 on the clock.
    times = pd.date_range("2026-03-29", periods=46, freq="30min", tz="Europe/Madrid")
    need = (times.hour < 9).astype(float)
    frame = requirement([t.isoformat() for t in times], need)
    result = schedule_shifts(frame, ShiftRules.parse("8h", "0"))
    assert shifts_of(result) == [("00:00", "09:00", "", 1)]
    assert result.required_agent_hours == result.scheduled_agent_hours == 8.0


def plan_local(times: pd.DatetimeIndex, need: np.ndarray) -> pd.DataFrame:
    """A requirement as ``plan --timezone`` writes it: naive wall-clock times and utc_offset."""
    offset = times.strftime("%z")
    return pd.DataFrame(
        {
            "interval_start": times.strftime("%Y-%m-%d %H:%M:%S"),
            "utc_offset": [f"UTC{o[:3]}:{o[3:]}" for o in offset],
            "queue": "chat",
            "agents_scheduled": need,
        }
    )


def test_a_plan_with_utc_offset_keeps_the_repeated_autumn_hour_apart():
    # Madrid, 25 October 2026: 03:00 becomes 02:00, a 25-hour day of 50 half hours; the plan
    # writes 02:00-02:30 twice, told apart by utc_offset. One agent 00:00-07:00 local is 8
    # hours worked: an 8h shift from 00:00 ends at 07:00 on the clock -- not two agents in a
    # merged 02:00 hour and a 7-hour day.
    times = pd.date_range("2026-10-25", periods=50, freq="30min", tz="Europe/Madrid")
    need = (np.arange(50) < 16).astype(float)
    result = schedule_shifts(plan_local(times, need), ShiftRules.parse("8h", "0"))
    assert shifts_of(result) == [("00:00", "07:00", "", 1)]
    assert len(result.coverage) == 50
    assert result.coverage["required"].max() == 1.0
    assert result.required_agent_hours == result.scheduled_agent_hours == 8.0


def test_a_plan_with_utc_offset_has_no_spring_gap():
    # The same plan format on 29 March: 02:00-03:00 does not exist, and is not taken as 0.
    times = pd.date_range("2026-03-29", periods=46, freq="30min", tz="Europe/Madrid")
    need = (times.hour < 9).astype(float)
    result = schedule_shifts(plan_local(times, need), ShiftRules.parse("8h", "0"))
    assert not result.notes
    assert len(result.coverage) == 46
    assert shifts_of(result) == [("00:00", "09:00", "", 1)]


def test_a_bad_utc_offset_names_row_and_column():
    frame = plan_local(DAY.tz_localize("Europe/Madrid"), np.ones(48))
    frame.loc[2, "utc_offset"] = "CET"
    with pytest.raises(PlanningInputError, match="row 3, column utc_offset: 'CET'"):
        schedule_shifts(frame)


@pytest.mark.parametrize(
    ("rules", "field", "message"),
    [
        ({"shift": "8h", "break_window": "2h-9h"}, "break_window", "longer than the 8h shift"),
        ({"break_": "1h", "break_window": "2h-2h30m"}, "break", "longer than the break window"),
        ({"shift": "8h30m", "open_hours": "08:00-12:00"}, "open", "no shift fits the opening"),
        ({"shift": "8h15m"}, "shift", "not a whole number of the requirement's 30m intervals"),
    ],
)
def test_bad_rules_name_the_rule(rules, field, message):  # noqa: ANN001
    need = np.ones(48)
    with pytest.raises(ShiftRulesError) as caught:
        schedule_shifts(requirement(DAY, need), ShiftRules.parse(**rules))
    assert caught.value.field == field
    assert message in caught.value.message


def test_durations_and_opening_hours_parse():
    assert [parse_duration(t) for t in ("8h30m", "8.5h", "30m", "90min", "0", "1h 15m")] == [
        510, 510, 30, 90, 0, 75,
    ]  # fmt: skip
    for bad in ("8x", "30", "h", "8h-"):
        with pytest.raises(ShiftRulesError, match="is not a duration"):
            parse_duration(bad, "shift")
    assert parse_open_hours("08:00-20:00") == (480, 1200)
    assert parse_open_hours("22:00-06:00") == (1320, 360)
    assert parse_open_hours("00:00-24:00") is None
    with pytest.raises(ShiftRulesError, match="same time"):
        parse_open_hours("08:00-08:00")


def test_bad_requirements_name_row_and_column():
    need = np.ones(48)
    need[4] = -2
    with pytest.raises(PlanningInputError, match="row 5, column agents_required: -2 is negative"):
        schedule_shifts(requirement(DAY, need))
    uneven = DAY.delete([3]).append(pd.DatetimeIndex(["2026-01-06 00:10"]))
    with pytest.raises(PlanningInputError, match="not a regular grid"):
        schedule_shifts(requirement(uneven, np.ones(48)))
    # One stray time in a 30-minute grid is named, not the grid's first two times.
    stray = DAY.delete([3]).insert(3, pd.Timestamp("2026-01-05 01:40"))
    with pytest.raises(PlanningInputError, match="01:40:00 is 40 minutes after .* 01:00:00, "
                       "where the intervals are 30 minutes long"):  # fmt: skip
        schedule_shifts(requirement(stray, np.ones(48)))
    with pytest.raises(PlanningInputError, match="has one interval"):
        schedule_shifts(requirement(DAY[:1], np.ones(1)))
    with pytest.raises(PlanningInputError, match="missing column agents_required"):
        schedule_shifts(pd.DataFrame({"interval_start": DAY, "volume": 1}))


def test_roster_honours_days_off_hours_and_leaves_the_rest_unassigned():
    # One agent a day, 08:00-16:00, all week: 7 shifts of 8 h. Ann is off at the weekend and
    # works at most 32 h (4 shifts); Bob starts no earlier than 10:00, so he can take none;
    # Cy takes the rest but is off on Wednesdays -- Wednesday stays unassigned if Ann is full.
    need = np.zeros(336)
    for day in range(7):
        need[day * 48 + at("08:00") : day * 48 + at("16:00")] = 1
    result = schedule_shifts(requirement(WEEK, need), ShiftRules.parse("8h", "0"))
    agents = pd.DataFrame({
        "name": ["Ann", "Bob", "Cy"],
        "days_off": ["Sat Sun", "", "Wed"],
        "earliest_start": ["", "10:00", ""],
        "max_hours": [32, 40, 24],
        "min_hours": [0, 0, 24],
    })  # fmt: skip
    roster = assign_agents(result, agents, time_limit_s=10)
    table = roster.roster
    assert list(table.columns) == ["name", "day", "start", "end", "break_start"]
    weekday = pd.to_datetime(table["day"]).dt.day_name()
    ann = table[table["name"] == "Ann"]
    assert len(ann) == 4 and not weekday[ann.index].isin(["Saturday", "Sunday"]).any()
    assert "Bob" not in set(table["name"])
    cy = table[table["name"] == "Cy"]
    assert not weekday[cy.index].eq("Wednesday").any()
    # Ann 4 weekdays, Cy 3 days besides Wednesday: all 7 shifts can be covered.
    assert roster.unassigned_shifts == 0 and len(cy) == 3
    assert roster.summary()["assigned_shifts"] == 7
    hours = roster.hours.set_index("name")
    assert hours.loc["Ann", "hours"] == 32 and hours.loc["Cy", "short_hours"] == 0


def test_roster_reads_a_shift_end_across_dst_on_the_clock():
    # Madrid, 29 March: an 8h shift from 00:00 ends at 09:00 on the clock (02:00 is skipped).
    # An agent who must be done by 08:30 cannot take it; one done by 09:00 can.
    times = pd.date_range("2026-03-29", periods=46, freq="30min", tz="Europe/Madrid")
    need = (times.hour < 9).astype(float)
    result = schedule_shifts(requirement([t.isoformat() for t in times], need),
                             ShiftRules.parse("8h", "0"), workers=1)  # fmt: skip
    assert result.slots["end_at"].iloc[0] == pd.Timestamp("2026-03-29 09:00")
    early = assign_agents(result, pd.DataFrame({"name": ["Ann"], "latest_end": ["08:30"]}))
    assert early.unassigned_shifts == 1
    late = assign_agents(result, pd.DataFrame({"name": ["Ann"], "latest_end": ["09:00"]}))
    assert late.unassigned_shifts == 0


def test_roster_reports_shifts_nobody_can_take():
    need = np.zeros(48)
    need[at("08:00") : at("16:00")] = 2
    result = schedule_shifts(requirement(DAY, need), ShiftRules.parse("8h", "0"))
    agents = pd.DataFrame({"name": ["Ann", "Bob"], "days_off": ["", "Mon"]})
    roster = assign_agents(result, agents, time_limit_s=10)
    assert roster.unassigned_shifts == 1
    assert sorted(roster.roster["name"]) == ["", "Ann"]


def test_roster_keeps_the_minimum_rest():
    # 16:00-24:00 on Monday and 06:00-14:00 on Tuesday are 6 h apart: one agent cannot take
    # both with 11 h of rest, so one shift stays unassigned.
    need = np.zeros(96)
    need[at("16:00") : 48] = 1
    need[48 + at("06:00") : 48 + at("14:00")] = 1
    two_days = pd.date_range("2026-01-05", periods=96, freq="30min")
    result = schedule_shifts(requirement(two_days, need), ShiftRules.parse("8h", "0"))
    agents = pd.DataFrame({"name": ["Ann"]})
    assert assign_agents(result, agents, time_limit_s=10).unassigned_shifts == 1
    assert assign_agents(result, agents, min_rest_hours=6).unassigned_shifts == 0
