"""Agents for a chat service level with a handle time per concurrency level, and the handle
time per level taken from a measured table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.planning import staff
from supportstats.planning.chat import aht_by_level, chat_agents, chat_metrics


@settings(max_examples=40, deadline=None)
@given(
    volume=st.floats(1, 400),
    aht=st.floats(60, 900),
    growth=st.floats(0, 0.3),
    k=st.integers(1, 6),
    target=st.floats(0.5, 0.95),
    patience=st.one_of(st.none(), st.floats(30, 600)),
)
def test_the_fewest_agents_that_reach_the_target(volume, aht, growth, k, target, patience):
    levels = [aht * (1 + growth * j) for j in range(k)]
    n = int(chat_agents(volume, 1800, levels, target, 60, patience_s=patience))
    at = chat_metrics(volume, 1800, [n, n - 1], levels, 60, patience, definition="offered")
    assert at["service_level"][0] >= target > at["service_level"][1]


def test_one_chat_per_agent_is_the_planners_erlang_c_and_a():
    base = {"volume": 100, "interval_s": 1800.0, "aht_s": 180.0, "sl_target": 0.8,
            "sl_threshold_s": 20.0}  # fmt: skip
    assert int(chat_agents(100, 1800, [180], 0.8, 20)) == 14  # Call Centre Helper's example
    for patience in (60.0, 120.0, 600.0):
        a = staff(pd.DataFrame([{**base, "patience_s": patience}]))
        assert int(chat_agents(100, 1800, [180], 0.8, 20, patience)) == a["agents_sl_only"].iloc[0]


def test_vectorised_over_intervals_with_quiet_ones():
    volume = np.array([0.0, 20, 80, 240])
    many = chat_agents(volume, 1800, [300, 360, 420], 0.8, 60, patience_s=90)
    one_by_one = [
        int(chat_agents(v, 1800, [300, 360, 420], 0.8, 60, patience_s=90)) for v in volume
    ]
    assert many.tolist() == one_by_one and many[0] == 0
    assert list(many) == sorted(many)


def test_slower_chats_at_higher_levels_need_more_agents():
    free = chat_agents(200, 1800, [600] * 3, 0.8, 60)
    costly = chat_agents(200, 1800, [600, 720, 840], 0.8, 60)
    assert costly > free


def test_bad_inputs():
    with pytest.raises(ValueError, match="aht_by_level"):
        chat_agents(10, 1800, [], 0.8, 20)
    with pytest.raises(ValueError, match="sl_target"):
        chat_agents(10, 1800, [180], 1.0, 20)
    with pytest.raises(ValueError, match="definition"):
        chat_agents(10, 1800, [180], 0.8, 20, definition="served")


def test_aht_by_level_keeps_measured_levels_and_extends_the_line():
    # levels 1-3 lie on 600 + 90 (k - 1); level 6 has one stretch: replaced by the line
    assert aht_by_level([1, 2, 3, 6], [600, 690, 780, 400], [500, 200, 40, 1], 6) == [
        600.0, 690.0, 780.0, 870.0, 960.0, 1050.0,
    ]  # fmt: skip
    # a measured level in between is kept as measured even off the line
    got = aht_by_level([1, 2, 3], [600, 700, 760], [100, 100, 100], 4)
    assert got[:3] == [600, 700, 760] and got[3] == pytest.approx(2060 / 3 + 80 * 2)
    assert aht_by_level([1, 2, 3], [600, 700, 760], [100, 100, 100], 1) == [600.0]


def test_aht_by_level_never_assumes_faster_chats():
    # handle time falling with concurrency: the line is taken flat at the weighted mean
    assert aht_by_level([1, 2], [600, 500], [100, 100], 4)[2:] == [550.0, 550.0]
    assert aht_by_level([2], [700], [50], 3) == [700.0, 700.0, 700.0]
    with pytest.raises(ValueError, match="30 or more"):
        aht_by_level([1, 2], [600, 700], [10, 5], 3)
