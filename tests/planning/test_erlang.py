"""Erlang B/C against exact arithmetic, published examples and edge cases."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.planning.erlang import (
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    traffic_erlangs,
)


def exact_erlang_c(a: Fraction, n: int) -> Fraction:
    """Erlang C from the textbook factorial formula, in exact rational arithmetic."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def log_space_erlang_c(a: float, n: int) -> float:
    """Erlang C through log-gamma terms (an independent route for large loads)."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(n)]
    top = n * math.log(a) - math.lgamma(n + 1) + math.log(n / (n - a))
    peak = max(max(logs), top)
    lower = sum(math.exp(v - peak) for v in logs)
    return math.exp(top - peak) / (lower + math.exp(top - peak))


def test_call_centre_helper_worked_example():
    # 100 calls / 30 min, AHT 180 s = 10 Erlangs; P(wait) at 11 agents is 68.21 %,
    # and 14 agents are the first to reach 80 % in 20 s.
    a = traffic_erlangs(100, 1800, 180)
    assert float(a) == 10.0
    assert round(float(erlang_c(a, 11)), 4) == 0.6821
    m = erlang_c_metrics(a, np.arange(11, 15), 180, 20)
    assert np.round(m["service_level"], 4).tolist() == [0.3896, 0.6402, 0.7956, 0.8884]
    assert round(float(m["asa_s"][-1]), 2) == 7.84


def test_ccmath_erlang_c_example():
    # CCmath tests: 4 calls/min, AHT 3 min, AWT 0.333 min, 14 agents: ASA 0.72 min,
    # SL 61.42 %, occupancy 85.71 %.
    m = erlang_c_metrics(12.0, 14, 180, 0.333 * 60)
    assert round(float(m["asa_s"]) / 60, 2) == 0.72
    assert round(float(m["service_level"]), 4) == 0.6142
    assert round(float(m["occupancy"]), 4) == 0.8571


def test_pyworkforce_docstring_example():
    # pyworkforce ErlangC(100, aht=3, asa=20/60, interval=30): 14 positions, SL 0.888,
    # occupancy 0.714, waiting probability 0.174.
    m = erlang_c_metrics(traffic_erlangs(100, 1800, 180), 14, 180, 20)
    assert round(float(m["service_level"]), 3) == 0.888
    assert round(float(m["occupancy"]), 3) == 0.714
    assert round(float(m["wait_probability"]), 3) == 0.174


def test_erlang_b_octave_value():
    assert float(erlang_b(10, 17)) == pytest.approx(0.0129488752, abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    a=st.fractions(min_value=Fraction(1, 10), max_value=60, max_denominator=100),
    extra=st.integers(min_value=1, max_value=25),
)
def test_erlang_c_matches_exact_factorial_formula(a, extra):
    n = math.floor(a) + extra
    expected = float(exact_erlang_c(a, n))
    assert float(erlang_c(float(a), n)) == pytest.approx(expected, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("a, n", [(500.0, 520), (2000.0, 2040), (10_000.0, 10_100)])
def test_large_loads_stay_finite_and_match_log_space(a, n):
    assert float(erlang_c(a, n)) == pytest.approx(log_space_erlang_c(a, n), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(min_value=0.01, max_value=300),
    aht=st.floats(min_value=10, max_value=3600),
    t=st.floats(min_value=0, max_value=600),
)
def test_service_level_non_decreasing_in_agents(a, aht, t):
    n = np.arange(0, int(a) + 40)
    sl = erlang_c_metrics(a, n, aht, t)["service_level"]
    assert np.all(np.diff(sl) >= -1e-12)
    assert np.all((sl >= 0) & (sl <= 1))


def test_unstable_and_empty_intervals():
    m = erlang_c_metrics([10.0, 10.0, 0.0, 3.0], [10, 9, 0, 0], 180, 20)
    # n <= A: every contact waits, service level 0, infinite ASA, agents fully busy
    assert m["wait_probability"][:2].tolist() == [1.0, 1.0]
    assert m["service_level"][:2].tolist() == [0.0, 0.0]
    assert np.isinf(m["asa_s"][:2]).all()
    # no traffic: nobody waits
    assert (m["service_level"][2], m["asa_s"][2], m["wait_probability"][2]) == (1.0, 0.0, 0.0)
    # traffic but no agents: occupancy undefined
    assert np.isnan(m["occupancy"][3])


def test_small_load_closed_form():
    # A < 0.5 with one agent: C(1, A) = A, SL = 1 - A exp(-(1 - A) T / AHT)
    a = traffic_erlangs(1, 1800, 300)
    m = erlang_c_metrics(a, 1, 300, 20)
    assert float(m["wait_probability"]) == pytest.approx(1 / 6)
    assert float(m["service_level"]) == pytest.approx(1 - math.exp(-(5 / 6) * 20 / 300) / 6)


def test_broadcasting_keeps_shape():
    assert erlang_c(np.array([[1.0, 2.0]]), 3).shape == (1, 2)
    assert np.asarray(erlang_b(10, 17)).shape == ()


def test_rejects_fractional_servers():
    with pytest.raises(ValueError, match="whole"):
        erlang_c(2.0, 3.5)


def test_work_is_bounded_by_the_inputs():
    # issue 14, item 6: a server count or a patience past any real queue is refused at once
    # (before: erlang_b(10, 10**9) allocated 7.45 GiB for its steps)
    from supportstats.planning.chat import chat_metrics
    from supportstats.planning.erlang_a import erlang_a_metrics

    with pytest.raises(ValueError, match="at most 1,000,000"):
        erlang_b(10, 10**9)
    with pytest.raises(ValueError, match="at most 1,000,000"):
        erlang_a_metrics(10, 10**9, 180, 60, 20)
    with pytest.raises(ValueError, match="concurrency levels must be at most"):
        chat_metrics(100, 1800, 500_000, [180, 200, 220], 20)
    with pytest.raises(ValueError, match="within one mean patience"):
        erlang_a_metrics(100.0, 110, 180, 1e12, 20)
