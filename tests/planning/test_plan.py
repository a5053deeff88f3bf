"""supportstats.planning.plan and .targets: the one way a plan is made, and its defaults."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import pandas as pd
import pytest

from supportstats.errors import SupportStatsError
from supportstats.planning import OUTPUT_COLUMNS, PlanningInputError, StaffingTargets, staff
from supportstats.planning._validate import TargetsError
from supportstats.planning.plan import (
    CHAT_PRESET,
    forecast_from_contacts,
    plan_from_contacts,
    plan_summary,
    sl_curve,
    staffing_for_forecast,
)

# Call Centre Helper's worked example: 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s.
CCH = pd.DataFrame({"interval_start": [pd.Timestamp("2026-03-02 09:00")], "volume": [100.0],
                    "aht_s": [180.0]})  # fmt: skip


# --- StaffingTargets -------------------------------------------------------------------


def test_defaults_are_the_textbook_voice_queue():
    t = StaffingTargets()
    assert (t.sl_target, t.sl_threshold_s, t.max_occupancy, t.shrinkage) == (0.8, 20.0, 1.0, 0.0)
    assert (t.patience_s, t.concurrency, t.asa_target_s, t.max_abandon) == (None, 1, None, None)
    assert t.sl_definition == "offered" and t.model == "erlang_c"
    # the defaults are staff()'s own column defaults too (no cap, no shrinkage, Erlang C)
    bare = staff(CCH.assign(interval_s=1800.0, sl_target=0.8, sl_threshold_s=20.0))
    planned = staffing_for_forecast(CCH, t)
    pd.testing.assert_frame_equal(planned[list(OUTPUT_COLUMNS)], bare[list(OUTPUT_COLUMNS)])


def test_chat_preset_and_replace():
    chat = StaffingTargets.chat()
    assert dataclasses.asdict(chat) | CHAT_PRESET == dataclasses.asdict(chat)
    assert chat.model == "erlang_a" and chat.concurrency == 3 and chat.sl_threshold_s == 60.0
    assert StaffingTargets.chat(patience_s=None).model == "erlang_c"
    assert chat.replace(concurrency=1).concurrency == 1 and chat.concurrency == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        chat.concurrency = 2  # type: ignore[misc]
    assert hash(chat) == hash(StaffingTargets.chat())  # a cache key


def test_values_are_normalised():
    t = StaffingTargets(sl_threshold_s=60, concurrency=3.0, patience_s=math.nan)
    assert isinstance(t.sl_threshold_s, float) and type(t.concurrency) is int
    assert t.patience_s is None
    assert t.columns() == {"sl_target": 0.8, "sl_threshold_s": 60.0, "max_occupancy": 1.0,
                           "shrinkage": 0.0, "patience_s": t.columns()["patience_s"],
                           "concurrency": 3}  # fmt: skip
    assert math.isnan(t.columns()["patience_s"])
    given = StaffingTargets(patience_s=90, asa_target_s=15, max_abandon=0.05).columns()
    assert (given["patience_s"], given["asa_target_s"], given["max_abandon"]) == (90, 15, 0.05)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sl_target": 1.5}, "sl_target: 1.5 is not below 1"),
        ({"sl_target": 0}, "sl_target: 0 is zero"),
        ({"sl_threshold_s": -1}, "sl_threshold_s: -1 is negative"),
        ({"max_occupancy": 0.1}, "max_occupancy: 0.1 is below 0.3"),
        ({"shrinkage": 1.0}, "shrinkage: 1 is not below 1"),
        ({"patience_s": -3}, "patience_s: -3 is negative"),
        ({"concurrency": 0}, "concurrency: 0 is zero"),
        ({"concurrency": 2.5}, "concurrency: 2.5 is not a whole number"),
        ({"concurrency": 101}, "concurrency: 101 is above 100"),
        ({"asa_target_s": 0}, "asa_target_s: 0 is zero"),
        ({"max_abandon": 0.05}, "max_abandon: 0.05 needs patience_s"),
        ({"sl_target": "high"}, "sl_target: 'high' is not a number"),
        ({"sl_definition": "best"}, "sl_definition: sl definition 'best' is not one of"),
    ],
)
def test_bad_targets_name_the_field(change, message):
    with pytest.raises(TargetsError) as caught:
        StaffingTargets(**change)
    assert caught.value.message.startswith(message)
    assert caught.value.field == next(iter(change))
    assert caught.value.hint and caught.value.exit_code == 2
    assert isinstance(caught.value, PlanningInputError)


def test_targets_import_without_numpy_or_pandas():
    code = (
        "import sys\n"
        "from supportstats.planning.targets import StaffingTargets, DEFAULT_HORIZON\n"
        "assert StaffingTargets.sl_target == 0.8\n"
        "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- staffing_for_forecast -----------------------------------------------------------------


def test_staffing_for_forecast_call_centre_helper():
    plan = staffing_for_forecast(CCH, StaffingTargets(shrinkage=0.3))
    row = plan.iloc[0]
    # Call Centre Helper: 14 agents, 20 with 30 % shrinkage; pyworkforce's ErlangC: SL 0.888
    assert (row.agents_raw, row.agents_scheduled, row.binding_constraint) == (14, 20, "sl")
    assert round(row.service_level, 3) == 0.888 and round(row.occupancy, 3) == 0.714
    assert list(plan.columns) == [
        "interval_start", "volume", "aht_s", "queue", "interval_s", "sl_target",
        "sl_threshold_s", "max_occupancy", "shrinkage", "patience_s", "concurrency",
        *OUTPUT_COLUMNS, "backlog_s", "agents_unsmoothed", "open", "team_leads",
    ]  # fmt: skip
    assert row.queue == "" and row.interval_s == 1800.0


def test_staffing_for_forecast_erlang_a_matches_the_published_example():
    # CCmath / pyworkforce: 4 calls/min, AHT 3 min, patience 1 min, T = 20 s (0.333 min):
    # at 14 agents SL 0.861472, abandonment 0.074325 (offered), 87.97 % virtual.
    one = pd.DataFrame({"volume": [120.0], "aht_s": [180.0]})
    targets = StaffingTargets(patience_s=60, sl_threshold_s=0.333 * 60, sl_target=0.85)
    row = staffing_for_forecast(one, targets).iloc[0]
    assert row.model == "erlang_a" and row.agents_raw == 14
    assert row.service_level == pytest.approx(0.8614715, abs=5e-7)
    assert row.abandon_probability == pytest.approx(0.074325, abs=5e-7)
    virtual = staffing_for_forecast(one, targets.replace(sl_definition="virtual", sl_target=0.87))
    assert virtual.iloc[0].agents_raw == 14
    assert round(virtual.iloc[0].service_level, 4) == 0.8797


def test_what_if_factors_queue_and_interval():
    base = staffing_for_forecast(CCH.assign(volume=50.0, aht_s=90.0), StaffingTargets())
    scaled = staffing_for_forecast(
        CCH.assign(volume=25.0, aht_s=45.0), volume_factor=2, aht_factor=2, queue="billing"
    )
    assert scaled["agents_raw"].tolist() == base["agents_raw"].tolist()
    assert scaled["queue"].tolist() == ["billing"]
    # a forecast with its own queue column keeps it (plans of several queues at once)
    both = staffing_for_forecast(pd.concat([CCH.assign(queue="a"), CCH.assign(queue="b")]))
    assert both["queue"].tolist() == ["a", "b"] and list(both.columns).count("queue") == 1
    hourly = staffing_for_forecast(CCH, interval="1h")
    assert hourly.iloc[0].interval_s == 3600 and hourly.iloc[0].traffic_erlangs == 5.0
    with pytest.raises(SupportStatsError, match="volume_factor 0"):
        staffing_for_forecast(CCH, volume_factor=0)


def test_sl_curve_brackets_the_target():
    targets = StaffingTargets(shrinkage=0.3)
    row = staffing_for_forecast(CCH, targets).iloc[0]
    curve = sl_curve(row, targets)
    assert curve["agents"].tolist() == list(range(1, 19))  # agents_raw + 4
    at = curve.set_index("agents")["service_level"]
    assert at[14] == pytest.approx(row.service_level) and at[13] < 0.8 <= at[14]
    assert round(at[13], 4) == 0.7956  # Call Centre Helper: 79.6 % at 13 agents
    assert at.is_monotonic_increasing
    assert sl_curve(row, targets, agents=[12, 13])["agents"].tolist() == [12, 13]


# --- plan_summary ---------------------------------------------------------------------------


def test_plan_summary_busiest_is_the_most_contacts_not_the_first_peak_of_agents():
    starts = pd.date_range("2026-03-02 07:00", periods=4, freq="30min")
    forecast = pd.DataFrame({"interval_start": starts, "volume": [2.0, 6.7, 9.4, 0.0],
                             "aht_s": 660.0})  # fmt: skip
    plan = staffing_for_forecast(forecast, StaffingTargets.chat())
    # with 3 chats per agent 6.7 and 9.4 chats need the same agents: the old page named the
    # first of them (07:30) as the busiest interval
    assert plan["agents_scheduled"].iloc[1] == plan["agents_scheduled"].iloc[2]
    summary = plan_summary(plan)
    assert summary.busiest_start == starts[2] == starts[plan["volume"].idxmax()]
    assert summary.busiest_volume == 9.4
    assert summary.peak_start == starts[1]
    assert summary.peak_agents_scheduled == plan["agents_scheduled"].max()
    assert summary.agent_hours_scheduled == plan["agents_scheduled"].sum() * 0.5
    assert summary.agent_hours_raw == plan["agents_raw"].sum() * 0.5
    assert summary.busiest_row["volume"] == 9.4 and summary.intervals == 4
    assert summary.contacts == pytest.approx(18.1)


def test_plan_summary_of_several_queues_and_of_nothing():
    starts = pd.date_range("2026-03-02 09:00", periods=2, freq="1h")
    forecast = pd.DataFrame({"interval_start": [*starts, *starts], "volume": [10.0, 4.0, 1.0, 8.0],
                             "aht_s": 180.0, "queue": ["a", "a", "b", "b"]})  # fmt: skip
    summary = plan_summary(staffing_for_forecast(forecast, interval="1h"))
    assert summary.busiest_start == starts[1] and summary.busiest_volume == 12.0
    assert summary.intervals == 2
    empty = plan_summary(staffing_for_forecast(forecast.iloc[:0]))
    assert (empty.intervals, empty.agent_hours_scheduled, empty.busiest_start) == (0, 0.0, None)


# --- from contacts ---------------------------------------------------------------------------


def contacts(weeks: int = 3) -> pd.DataFrame:
    """One contact every hour from 08:00 to 17:00 and three at 10:00, for ``weeks`` weeks."""
    days = pd.date_range("2026-01-05", periods=7 * weeks, freq="D")
    times = [d + pd.Timedelta(hours=h) for d in days for h in range(8, 18)]
    times += [d + pd.Timedelta(hours=10, minutes=m) for d in days for m in (5, 10)]
    return pd.DataFrame({"created_at": times, "handle_s": 300.0})


def test_plan_from_contacts_is_forecast_then_staffing():
    now = pd.Timestamp("2026-02-01")
    result = plan_from_contacts(contacts(), StaffingTargets.chat(), horizon="24h", now=now)
    expected = forecast_from_contacts(contacts(), horizon="24h", now=now)
    pd.testing.assert_frame_equal(result.forecast, expected.forecast)
    pd.testing.assert_frame_equal(
        result.plan, staffing_for_forecast(expected.forecast, StaffingTargets.chat())
    )
    assert len(result.plan) == 48 and result.accuracy is not None and result.note is None
    assert plan_summary(result.plan).busiest_start.hour == 10


def test_no_contacts_and_future_contacts():
    future = contacts(1).assign(created_at=pd.Timestamp("2099-01-01"))
    notes: list[str] = []
    with pytest.raises(SupportStatsError, match="no contacts in the warehouse for queue q"):
        forecast_from_contacts(future, queue="q", on_note=notes.append)
    assert notes and "left out 84 contacts" in notes[0]
    with pytest.raises(TargetsError, match="concurrency"):
        plan_from_contacts(contacts(1), StaffingTargets().replace(concurrency=0))


def test_a_queue_starts_at_the_preset_of_its_channel() -> None:
    """The dashboard's staffing sliders start at the queue's preset (issue 16): chat, voice,
    else tickets; no channel known: the chat preset."""
    from supportstats.planning.targets import TICKET_PRESET, VOICE_PRESET

    assert StaffingTargets.for_channel("chat") == StaffingTargets.chat()
    assert StaffingTargets.for_channel(None) == StaffingTargets.chat()
    assert StaffingTargets.for_channel("Voice") == StaffingTargets(**VOICE_PRESET)
    for channel in ("email", "messaging", "web"):
        assert StaffingTargets.for_channel(channel) == StaffingTargets(**TICKET_PRESET)
    assert StaffingTargets.for_channel("email", sl_target=0.9).sl_target == 0.9
    assert StaffingTargets.for_channel("voice").model == "erlang_c"
