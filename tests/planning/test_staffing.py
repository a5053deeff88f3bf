"""Interval staffing: published answers, invariants, rounding, edge cases and errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.planning import PlanningInputError, staff
from supportstats.planning.erlang import erlang_c_metrics
from supportstats.planning.erlang_a import erlang_a_metrics


def plan(**columns) -> pd.DataFrame:
    base = {"volume": 100, "interval_s": 1800, "aht_s": 180, "sl_target": 0.8, "sl_threshold_s": 20}
    base.update(columns)
    size = max((len(v) for v in base.values() if isinstance(v, list)), default=1)
    return staff(
        pd.DataFrame({k: v if isinstance(v, list) else [v] * size for k, v in base.items()})
    )


def test_call_centre_helper_and_pyworkforce_docstring():
    # 10 Erlangs, 80 % in 20 s: 14 agents; 85 % occupancy cap not binding; 30 % shrinkage -> 20
    row = plan(max_occupancy=0.85, shrinkage=0.3).iloc[0]
    assert (row.agents_sl_only, row.agents_raw, row.agents_scheduled) == (14, 14, 20)
    assert row.binding_constraint == "sl"
    assert round(row.service_level, 3) == 0.888 and round(row.occupancy, 3) == 0.714
    assert round(row.service_level_minus_1, 4) == 0.7956


def test_search_tries_ceil_of_load():
    # A = 2.6, 75 % within 600 s: 3 agents suffice (pyworkforce starts at round(A + 1) = 4)
    row = plan(volume=26, aht_s=180, sl_target=0.75, sl_threshold_s=600).iloc[0]
    assert row.agents_raw == 3
    assert row.service_level >= 0.75 > row.service_level_minus_1


def test_exact_shrinkage_and_occupancy_ceilings():
    # 21 agents at 30 % shrinkage are 30 scheduled, not 31 (21 / 0.7 = 30.000000000000004)
    out = plan(volume=[63, 126], aht_s=600, sl_target=0.01, sl_threshold_s=1800,
               max_occupancy=0.7, shrinkage=0.3)  # fmt: skip
    # A = 21 and 42 Erlangs; the 0.7 cap needs 30 and 60 agents exactly
    assert out.traffic_erlangs.tolist() == [21.0, 42.0]
    assert out.agents_raw.tolist() == [30, 60]
    assert out.binding_constraint.tolist() == ["occupancy", "occupancy"]
    assert out.agents_scheduled.tolist() == [43, 86]
    assert plan(agents=21, shrinkage=0.3).agents_scheduled.tolist() == [30]
    assert plan(agents=42, shrinkage=0.3).agents_scheduled.tolist() == [60]
    assert plan(agents=686, shrinkage=0.3).agents_scheduled.tolist() == [980]


def test_integer_load_does_not_divide_by_zero():
    row = plan(volume=100, aht_s=180).iloc[0]  # A = 10 exactly, n = 10 is unstable
    assert row.agents_raw == 14
    row = plan(volume=10, aht_s=1800, sl_target=0.5, sl_threshold_s=1e6).iloc[0]
    assert row.agents_raw == 11  # A = 10: the first stable count already meets 50 %


def test_small_load_needs_one_agent():
    row = plan(volume=1, aht_s=300).iloc[0]  # A = 1/6
    assert row.agents_raw == 1 and row.service_level_minus_1 == 0.0


def test_ten_thousand_erlangs_and_99_in_10_seconds():
    out = plan(volume=[60_000, 600], interval_s=1800, aht_s=300, sl_target=0.99, sl_threshold_s=10)
    assert out.traffic_erlangs.tolist() == [10_000.0, 100.0]
    assert (out.service_level >= 0.99).all() and (out.service_level_minus_1 < 0.99).all()
    # square-root staffing: n - A grows like sqrt(A), far below the load's 1 %
    assert 10_000 < out.agents_raw[0] < 10_000 + 4 * math.sqrt(10_000)


def test_zero_volume_gives_zero_agents():
    row = plan(volume=0, aht_s=float("nan"), shrinkage=0.3).iloc[0]
    assert (row.agents_raw, row.agents_scheduled, row.binding_constraint) == (0, 0, "zero_volume")
    assert math.isnan(row.service_level_minus_1)


def test_asa_target_can_bind():
    row = plan(asa_target_s=5).iloc[0]
    assert row.agents_sl_only == 14 and row.agents_raw == 15 and row.binding_constraint == "asa"
    assert row.asa_s <= 5


def test_erlang_a_can_staff_below_the_load_and_caps_abandonment():
    # 10 Erlangs, patience 30 s, a lax 50 % in 60 s target: below the load is enough
    row = plan(patience_s=30, sl_target=0.5, sl_threshold_s=60).iloc[0]
    assert row.model == "erlang_a" and row.agents_raw < 10
    capped = plan(patience_s=30, sl_target=0.5, sl_threshold_s=60, max_abandon=0.05).iloc[0]
    assert capped.binding_constraint == "abandonment"
    assert capped.abandon_probability <= 0.05 and capped.agents_sl_only == row.agents_raw
    m = erlang_a_metrics(10.0, capped.agents_raw - 1, 180, 30, 60)
    assert float(m["abandon_probability"]) > 0.05


def test_reverse_mode_evaluates_given_agents():
    out = plan(agents=[13, 14], patience_s=[np.nan, 60])
    c = erlang_c_metrics(10.0, 13, 180, 20)
    assert out.service_level[0] == pytest.approx(float(c["service_level"]))
    assert out.binding_constraint.tolist() == ["given", "given"]
    assert out.agents_raw.tolist() == [13, 14] and out.agents_sl_only.isna().all()
    assert 0 < out.abandon_probability[1] < 0.1


def test_chat_slots():
    # 3 chats per agent at 600 s each: slots are Erlang C servers, agents = ceil(slots / 3)
    row = plan(volume=300, aht_s=600, concurrency=3).iloc[0]
    solo = plan(volume=300, aht_s=600).iloc[0]
    assert row.slots == solo.agents_raw
    assert row.agents_raw == math.ceil(solo.agents_raw / 3)
    assert row.service_level == solo.service_level
    # one agent fewer loses three slots
    fewer = erlang_c_metrics(100.0, (row.agents_raw - 1) * 3, 600, 20)["service_level"]
    assert row.service_level_minus_1 == pytest.approx(float(fewer))


def test_unknown_columns_pass_through():
    out = staff(pd.DataFrame({"queue": ["billing"], "interval_start": ["2024-03-04 09:00"],
                              "volume": [100], "interval_s": [1800], "aht_s": [180],
                              "sl_target": [0.8], "sl_threshold_s": [20]}))  # fmt: skip
    assert out.columns[:2].tolist() == ["queue", "interval_start"]
    assert out.queue[0] == "billing"


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("aht_s", -5, "row 2, column aht_s: -5 is negative"),
        ("volume", float("nan"), "row 2, column volume: is missing"),
        ("sl_target", 1.0, "row 2, column sl_target: 1 is not below 1"),
        ("shrinkage", 1.0, "row 2, column shrinkage: 1 is not below 1"),
        ("max_occupancy", 0.0, "row 2, column max_occupancy: 0 is zero"),
        ("concurrency", 2.5, "row 2, column concurrency: 2.5 is not a whole number"),
        ("volume", "many", "row 2, column volume: 'many' is not a number"),
    ],
)
def test_errors_name_row_and_column(column, value, message):
    frame = pd.DataFrame({"volume": [10, 10], "interval_s": 1800, "aht_s": 180,
                          "sl_target": 0.8, "sl_threshold_s": 20}).astype(object)  # fmt: skip
    frame.loc[1, column] = value
    with pytest.raises(PlanningInputError) as err:
        staff(frame)
    assert err.value.message == message
    assert err.value.hint


def test_error_for_missing_column_and_cap_without_patience():
    with pytest.raises(PlanningInputError, match="missing column aht_s"):
        staff(pd.DataFrame({"volume": [1], "interval_s": [1800]}))
    with pytest.raises(
        PlanningInputError, match="row 1, column max_abandon: 0.05 needs patience_s"
    ):
        plan(max_abandon=0.05)


@settings(max_examples=50, deadline=None)
@given(
    volume=st.floats(min_value=0.5, max_value=3000),
    aht=st.floats(min_value=20, max_value=1200),
    target=st.floats(min_value=0.05, max_value=0.99),
    threshold=st.floats(min_value=0, max_value=300),
    patience=st.one_of(st.just(float("nan")), st.floats(min_value=10, max_value=1000)),
)
def test_answer_is_the_smallest_meeting_the_target(volume, aht, target, threshold, patience):
    row = plan(volume=volume, aht_s=aht, sl_target=target, sl_threshold_s=threshold,
               patience_s=patience).iloc[0]  # fmt: skip
    assert row.service_level_minus_1 < target <= row.service_level
    a = volume * aht / 1800
    if math.isnan(patience):
        assert row.agents_raw > a
        sl = erlang_c_metrics(a, row.agents_raw, aht, threshold)["service_level"]
    else:
        sl = erlang_a_metrics(a, row.agents_raw, aht, patience, threshold)["service_level"]
    assert float(sl) == row.service_level


@settings(max_examples=25, deadline=None)
@given(
    volumes=st.lists(st.floats(min_value=0, max_value=500), min_size=2, max_size=30),
    patience=st.one_of(st.just(float("nan")), st.floats(min_value=10, max_value=1000)),
)
def test_vectorised_rows_equal_rows_solved_alone(volumes, patience):
    together = plan(volume=volumes, aht_s=240, patience_s=patience, max_occupancy=0.9)
    alone = [
        plan(volume=v, aht_s=240, patience_s=patience, max_occupancy=0.9).iloc[0] for v in volumes
    ]
    assert together.agents_raw.tolist() == [r.agents_raw for r in alone]
    assert together.service_level.tolist() == [r.service_level for r in alone]
