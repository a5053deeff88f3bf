"""Erlang B and Erlang C (M/M/n), vectorised over intervals.

Every function takes numpy arrays (or scalars, or DataFrame columns) and broadcasts them, one
element per interval. Times are seconds; traffic is in Erlangs (contacts x handle time /
interval length).

The maths avoids factorials and powers (they overflow near 170 Erlangs): Erlang B comes from the
stable recursion B(k) = A B(k-1) / (k + A B(k-1)), B(0) = 1, which only ever multiplies numbers
in [0, 1], and Erlang C from B: C = n B / (n - A (1 - B)). That is accurate to about 1e-12
against exact rational arithmetic and stays finite at 10,000+ Erlangs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def traffic_erlangs(volume: ArrayLike, interval_s: ArrayLike, aht_s: ArrayLike) -> FloatArray:
    """Offered load in Erlangs: contacts x average handle time / interval length.

    Example: 100 calls in 30 minutes at 180 s each are 10 Erlangs.

    >>> float(traffic_erlangs(100, 1800, 180))
    10.0
    """
    volume_a = np.asarray(volume, dtype=float)
    aht_a = np.asarray(aht_s, dtype=float)
    # An absurd input may overflow to inf (callers bound the load), never with a warning.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # A closed interval may carry no handle time at all; its load is 0, not NaN.
        work = np.where(volume_a == 0, 0.0, volume_a * aht_a)
        return np.asarray(work / np.asarray(interval_s, dtype=float), dtype=float)


# The recursions take one step per server (a second per 400,000 or so): a count above this is a
# mistake, not a queue. The planner's own bounds are tighter (planning/_validate.py).
MAX_SERVERS = 1_000_000


def _as_servers(servers: ArrayLike) -> IntArray:
    n = np.asarray(servers)
    if n.dtype.kind == "f":
        if np.any(~np.isfinite(n)) or np.any(n != np.floor(n)):
            raise ValueError("servers must be whole numbers")
    if np.any(n < 0):
        raise ValueError("servers must be >= 0")
    if np.any(n > MAX_SERVERS):
        raise ValueError(f"servers must be at most {MAX_SERVERS:,}")
    return n.astype(np.int64)


def erlang_b_at(
    traffic: FloatArray,
    servers: IntArray,
    start_servers: IntArray | None = None,
    start_b: FloatArray | None = None,
) -> FloatArray:
    """Erlang B for 1-d arrays of traffic and (whole) servers, one pair per interval.

    The recursion runs from k = 1 (or from ``start_servers + 1``, carrying ``start_b`` = B at
    ``start_servers``) to each interval's own n. Intervals are sorted by the number of steps,
    most first, so at each step the intervals still climbing are a prefix of the arrays: the
    total work is the sum of the steps, not max(steps) x len(n).
    """
    k0 = np.zeros_like(servers) if start_servers is None else start_servers
    steps = servers - k0
    order = np.argsort(-steps, kind="stable")
    a = traffic[order]
    k_base = k0[order]
    steps_sorted = steps[order]
    # B(0) = 1: with no servers every contact is blocked
    b = np.ones_like(a) if start_b is None else start_b[order].astype(float)
    most = int(steps_sorted[0]) if steps_sorted.size else 0
    from_zero = start_servers is None
    m = steps_sorted.size  # intervals taking step s: a prefix, steps sorted descending
    for s in range(1, most + 1):
        while steps_sorted[m - 1] < s:  # no array sized by the number of steps
            m -= 1
        ab = a[:m] * b[:m]
        b[:m] = ab / ((s if from_zero else k_base[:m] + s) + ab)
    out = np.empty_like(b)
    out[order] = b
    return out


def erlang_b(traffic: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Blocking probability of an M/M/n/n loss system (Erlang B).

    Example (Octave's ``erlangb(10, 17)``):

    >>> round(float(erlang_b(10, 17)), 10)
    0.0129488752
    """
    a, n = np.broadcast_arrays(np.asarray(traffic, dtype=float), _as_servers(servers))
    if np.any(a < 0) or np.any(np.isnan(a)):
        raise ValueError("traffic must be >= 0")
    return erlang_b_at(a.ravel().copy(), n.ravel().copy()).reshape(a.shape)


def c_from_b(traffic: FloatArray, servers: ArrayLike, b: FloatArray) -> FloatArray:
    """Erlang C (probability of waiting) from Erlang B at the same n.

    For n <= A the queue grows without bound, every contact waits: C = 1. With no traffic
    nobody waits: C = 0.
    """
    n = np.asarray(servers, dtype=float)
    stable = n > traffic
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - traffic * (1.0 - b))
    c = np.where(stable, c, 1.0)
    return np.where(traffic == 0, 0.0, c)


def erlang_c(traffic: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Probability that a contact waits in an M/M/n queue (Erlang C).

    Example (Call Centre Helper's worked example: 10 Erlangs, 11 agents):

    >>> round(float(erlang_c(10, 11)), 4)
    0.6821
    """
    a, n = np.broadcast_arrays(np.asarray(traffic, dtype=float), _as_servers(servers))
    shape = a.shape
    a = a.ravel().copy()
    n = n.ravel().copy()
    return c_from_b(a, n, erlang_b_at(a, n)).reshape(shape)


def sl_from_c(
    traffic: FloatArray, servers: ArrayLike, c: FloatArray, aht_s: ArrayLike, threshold_s: ArrayLike
) -> FloatArray:
    """Service level P(wait <= T) from the probability of waiting: 1 - C exp(-(n - A) T / AHT).

    Unstable intervals (n <= A) get 0: in steady state the wait is unbounded.
    """
    n = np.asarray(servers, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - traffic) * np.asarray(threshold_s, dtype=float) / aht_s)
    sl = np.where(n > traffic, sl, 0.0)
    return np.where(traffic == 0, 1.0, sl)


def erlang_c_metrics(
    traffic: ArrayLike, servers: ArrayLike, aht_s: ArrayLike, threshold_s: ArrayLike
) -> dict[str, Any]:
    """Erlang C figures for each interval at a given number of agents.

    Returns a dict of arrays: ``wait_probability`` (C), ``service_level`` (share of all
    contacts answered within ``threshold_s``), ``asa_s`` (mean wait over all contacts, seconds;
    inf when n <= A), ``occupancy`` (A / n, 1 when n <= A, NaN with no agents).

    Example (pyworkforce's docstring case: 100 contacts in 30 min, AHT 3 min, 14 agents):

    >>> m = erlang_c_metrics(traffic_erlangs(100, 1800, 180), 14, 180, 20)
    >>> round(float(m["service_level"]), 3), round(float(m["occupancy"]), 3)
    (0.888, 0.714)
    """
    a, n, aht, t = np.broadcast_arrays(
        np.asarray(traffic, dtype=float),
        _as_servers(servers),
        np.asarray(aht_s, dtype=float),
        np.asarray(threshold_s, dtype=float),
    )
    shape = a.shape
    a, n, aht, t = (x.ravel().copy() for x in (a, n, aht, t))
    figures = c_figures_from_b(a, n, erlang_b_at(a, n), aht, t)
    return {k: v.reshape(shape) for k, v in figures.items()}


def c_figures_from_b(
    a: FloatArray, n: IntArray, b: FloatArray, aht: FloatArray, t: FloatArray
) -> dict[str, FloatArray]:
    """Erlang C figures of 1-d arrays given Erlang B at the same n (see erlang_c_metrics)."""
    c = c_from_b(a, n, b)
    sl = sl_from_c(a, n, c, aht, t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        asa = np.where(n > a, c * aht / (n - a), np.inf)
        occ = np.where(n > 0, np.minimum(a / n, 1.0), np.nan)
    return {
        "wait_probability": c,
        "service_level": sl,
        "asa_s": np.where(a == 0, 0.0, asa),
        "occupancy": np.where(a == 0, 0.0, occ),
    }
