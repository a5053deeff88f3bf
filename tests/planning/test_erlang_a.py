"""Erlang A (M/M/n+M) against published figures, a brute-force chain and its limits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.planning.erlang import erlang_c_metrics
from supportstats.planning.erlang_a import erlang_a_metrics

CCMATH = {"traffic": 12.0, "servers": 14, "aht_s": 180, "patience_s": 60, "threshold_s": 0.333 * 60}


def brute_force(a: float, n: int, aht: float, patience: float, states: int = 400):
    """P(wait) and P(abandon) from a plainly truncated birth-death chain (no log tricks)."""
    lam, mu, theta = a / aht, 1 / aht, 1 / patience
    p = [1.0]
    for k in range(1, states):
        p.append(p[-1] * lam / (min(k, n) * mu + max(k - n, 0) * theta))
    p = np.array(p) / sum(p)
    k = np.arange(states)
    return p[n:].sum(), theta * (np.maximum(k - n, 0) * p).sum() / lam


def test_ccmath_and_pyworkforce_example():
    # 4 calls/min, AHT 3 min, patience 1 min, 14 agents, T = 0.333 min.
    # pyworkforce ErlangA (and a matrix-exponential solve): SL over offered 0.861472,
    # P(abandon) 0.074325, occupancy 0.793436. CCmath Erlang X: SL 87.97 % (virtual wait),
    # abandonment 7.43 %, occupancy 79.34 %.
    offered = erlang_a_metrics(**CCMATH)
    assert float(offered["service_level"]) == pytest.approx(0.8614715, abs=5e-7)
    assert float(offered["abandon_probability"]) == pytest.approx(0.074325, abs=5e-7)
    assert float(offered["occupancy"]) == pytest.approx(0.793436, abs=5e-7)
    virtual = erlang_a_metrics(**CCMATH, definition="virtual")
    assert round(float(virtual["service_level"]), 4) == 0.8797


def test_answered_definition_is_offered_over_answered():
    offered = erlang_a_metrics(**CCMATH)
    answered = erlang_a_metrics(**CCMATH, definition="answered")
    share = 1 - offered["abandon_probability"]
    assert float(answered["service_level"]) == pytest.approx(
        float(offered["service_level"] / share)
    )


@pytest.mark.parametrize("a, n", [(12.0, 14), (12.0, 9), (40.0, 30), (3.3, 1)])
def test_matches_brute_force_chain(a, n):
    m = erlang_a_metrics(a, n, 180, 60, 20)
    wait, abandon = brute_force(a, n, 180, 60)
    assert float(m["wait_probability"]) == pytest.approx(wait, rel=1e-9)
    assert float(m["abandon_probability"]) == pytest.approx(abandon, rel=1e-9)
    # every offered contact is answered or abandons: occupancy n = answered load
    assert float(m["occupancy"]) * n == pytest.approx(a * (1 - abandon), rel=1e-9)


def test_tends_to_erlang_c_as_patience_grows():
    c = erlang_c_metrics(12.0, 14, 180, 20)
    gaps = []
    for patience in (1e4, 1e5, 1e6, 1e7):
        m = erlang_a_metrics(12.0, 14, 180, patience, 20)
        gaps.append(abs(float(m["service_level"] - c["service_level"])))
        assert float(m["asa_s"]) == pytest.approx(float(c["asa_s"]), rel=20 * 180 / patience)
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 2e-5


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(min_value=0.05, max_value=150),
    patience=st.floats(min_value=5, max_value=2000),
    t=st.floats(min_value=0, max_value=300),
    definition=st.sampled_from(["offered", "answered", "virtual"]),
)
def test_service_level_non_decreasing_and_abandonment_falling(a, patience, t, definition):
    n = np.arange(1, int(a * 1.3) + 10)
    m = erlang_a_metrics(a, n, 240, patience, t, definition)
    assert np.all(np.diff(m["service_level"]) >= -1e-9)
    assert np.all(np.diff(m["abandon_probability"]) <= 1e-12)
    assert np.all((m["service_level"] >= 0) & (m["service_level"] <= 1))


def test_stable_below_offered_load_and_at_10000_erlangs():
    # n < A is a valid Erlang A state: the queue is held by abandonment
    m = erlang_a_metrics(10_000.0, [9_000, 10_000, 10_100], 300, 180, 20)
    assert np.isfinite(m["service_level"]).all()
    # with 9,000 agents for 10,000 Erlangs about a tenth must abandon
    assert float(m["abandon_probability"][0]) == pytest.approx(0.1, abs=0.002)
    assert np.all(np.diff(m["service_level"]) > 0)


def test_no_agents_and_no_traffic():
    m = erlang_a_metrics([2.0, 0.0], [0, 3], 300, 120, 20)
    assert m["service_level"].tolist() == [0.0, 1.0]
    assert m["abandon_probability"].tolist() == [1.0, 0.0]
    assert m["mean_wait_s"][0] == 120.0  # everyone waits out their patience


def test_zero_threshold_counts_only_immediate_answers():
    m = erlang_a_metrics(12.0, 14, 180, 60, 0)
    assert float(m["service_level"]) == pytest.approx(1 - float(m["wait_probability"]))


def test_unknown_definition():
    with pytest.raises(ValueError, match="offered, answered, virtual"):
        erlang_a_metrics(1.0, 2, 60, 60, 20, definition="answered_within")


def test_pyworkforce_erlang_a_regression_values():
    # pyworkforce tests/test_abandonment.py: 100 contacts / 30 min, AHT 3 min, patience 5 min,
    # 14 positions, T = 20 s: P(wait) 0.14526, P(abandon) 0.013984, occupancy 0.704297,
    # mean queue time of all offered 0.069919 min, service level (over offered) 0.916792.
    m = erlang_a_metrics(10.0, 14, 180, 300, 20)
    assert round(float(m["wait_probability"]), 5) == 0.14526
    assert round(float(m["abandon_probability"]), 6) == 0.013984
    assert round(float(m["occupancy"]), 6) == 0.704297
    assert round(float(m["mean_wait_s"]) / 60, 6) == 0.069919
    assert round(float(m["service_level"]), 6) == 0.916792


def test_ccmath_virtual_asa():
    # CCmath Erlang X reports ASA 0.1 min for this case: the mean virtual wait (0.1004 min)
    m = erlang_a_metrics(**CCMATH)
    assert round(float(m["virtual_wait_s"]) / 60, 4) == 0.1004
