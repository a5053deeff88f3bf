"""Erlang A (M/M/n+M: Poisson arrivals, exponential handle times and exponential patience).

The state is the number of contacts in the system, a birth-death chain with birth rate lambda
and death rate min(k, n) mu + max(k - n, 0) theta (theta = 1 / mean patience). Its stationary
distribution is summed exactly, in log space, with the queue tail truncated when a term falls
below 1e-17 of the mass already summed (no fixed cap on the number of states).

Given the chain, every figure has a closed form per queue length m seen on arrival (m contacts
ahead in the queue, all n agents busy). While the tagged contact waits with i contacts ahead, the
queue ahead shrinks at rate n mu + i theta and the contact itself gives up at rate theta, so:

* P(answered | m) = n mu / (n mu + (m + 1) theta)  (the product telescopes);
* the time to answer, given answered, is a sum of Exp(n mu + j theta), j = 1..m+1. Such a sum
  is distributed as the (m+1)-th order statistic of m + 1 + n mu / theta exponentials of rate
  theta, so P(answered within T | m) = P(answered | m) I_x(m + 1, n mu / theta + 1) with
  x = 1 - exp(-theta T) and I the regularised incomplete beta function, which for a whole first
  argument is a negative binomial tail, summed here by recursion;
* the virtual wait (the wait of a contact that would never give up) is a sum of
  Exp(n mu + j theta), j = 0..m: P(V <= T | m) = I_x(m + 1, n mu / theta).

Service level definitions (named, because vendors differ by points on the same inputs):
``offered`` (default) = answered within T / all offered (pyworkforce's ``ErlangA``);
``answered`` = answered within T / answered; ``virtual`` = P(virtual wait <= T) (CCmath's
Erlang X figure).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from supportstats.planning.erlang import FloatArray, _as_servers, erlang_b_at

SL_DEFINITIONS = ("offered", "answered", "virtual")

# A queue term this far (natural log) below the running maximum no longer changes any figure.
_LOG_TOL = 41.0
# The tail is summed one queue length per step, up to a few times the contacts arriving within
# one mean patience (lambda / theta) past the mode: more than this many is not a queue (the
# planner's own bound is 100,000, planning/_validate.py).
MAX_TAIL_ARRIVALS = 1e9


def _check_definition(definition: str) -> None:
    if definition not in SL_DEFINITIONS:
        raise ValueError(
            f"sl definition must be one of {', '.join(SL_DEFINITIONS)}, got {definition!r}"
        )


# Extreme inputs (a patience of 1e-300 s, a threshold of 1e300 s) reach inf and 0 on the way;
# every figure below handles them, so numpy's warnings would only reach the user as noise.
@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def queue_tail_metrics(
    log_lower: FloatArray,
    lam: FloatArray,
    full_rate: FloatArray,
    theta: FloatArray,
    threshold_s: FloatArray,
    definition: str = "offered",
) -> dict[str, FloatArray]:
    """Figures of a birth-death queue whose service rate is constant once every slot is busy.

    ``log_lower`` is log(sum of pi_k / pi_s over the states k <= s without a queue), s being the
    number of slots; ``full_rate`` the total service rate with all slots busy (n mu for Erlang A);
    ``lam`` the arrival rate and ``theta`` the abandonment rate per waiting contact, per second.
    All 1-d arrays of one length, theta > 0. Shared by Erlang A and the chat model.
    """
    size = lam.size
    rate, th = full_rate, theta  # compacted with the loop; full_rate, theta stay whole
    z = lam / theta  # queue terms: t_j = z^j / ((b + 1) ... (b + j))
    if np.any(~(z <= MAX_TAIL_ARRIVALS)):
        raise ValueError(
            f"arrivals within one mean patience must be at most {MAX_TAIL_ARRIVALS:.0e}"
        )
    b = full_rate / theta
    x = -np.expm1(-theta * threshold_s)  # P(patience <= T), the negative binomial "success"
    r = b + 1.0 if definition != "virtual" else b
    with np.errstate(divide="ignore"):
        log_z = np.log(z)
        log_x = np.log(x)
    mode = z - b  # the queue terms grow while j < z - b

    # Accumulators scaled by exp(-scale); all terms share one scale per interval.
    keys = ("mass", "queue", "served", "served_wait", "sl", "virtual_wait")
    acc = {k: np.zeros(size) for k in keys}
    scale = np.zeros(size)
    log_t = np.zeros(size)  # t_0 = 1 (the state "all slots busy, nobody queued")
    log_u = -r * theta * threshold_s  # negative binomial pmf at 0: (1 - x)^r
    log_cdf = log_u.copy()
    harmonic = np.zeros(size)  # sum over i = 1..j+1 of 1 / (full_rate + i theta)

    idx = np.arange(size)
    out = {k: np.zeros(size) for k in acc}
    out_scale = np.zeros(size)
    j = 0
    while idx.size:
        harmonic = harmonic + 1.0 / (rate + (j + 1) * th)
        served_share = b / (b + j + 1.0)
        beyond = -np.expm1(np.minimum(log_cdf, 0.0))  # I_x(j + 1, r) = P(NB >= j + 1)
        new_scale = np.maximum(scale, log_t)
        shrink = np.exp(scale - new_scale)
        term = np.exp(log_t - new_scale)
        acc["mass"] = acc["mass"] * shrink + term
        acc["queue"] = acc["queue"] * shrink + term * j
        acc["served"] = acc["served"] * shrink + term * served_share
        acc["served_wait"] = acc["served_wait"] * shrink + term * served_share * harmonic
        sl_factor = served_share * beyond if definition != "virtual" else beyond
        acc["sl"] = acc["sl"] * shrink + term * sl_factor
        # virtual wait with j ahead: sum of 1 / (rate + i theta) for i = 0..j
        virtual = harmonic + 1.0 / rate - 1.0 / (rate + (j + 1) * th)
        acc["virtual_wait"] = acc["virtual_wait"] * shrink + term * virtual
        scale = new_scale

        # Done once past the mode and the terms (even times j) are negligible.
        done = (j > mode) & (log_t + np.log(j + 1.0) < scale - _LOG_TOL)
        # Compact only when enough rows finished: copying every array costs a step itself.
        if done.any() and (done.sum() * 8 >= done.size or done.all()):
            finished = idx[done]
            for k in acc:
                out[k][finished] = acc[k][done]
            out_scale[finished] = scale[done]
            keep = ~done
            idx = idx[keep]
            acc = {k: v[keep] for k, v in acc.items()}
            scale, log_t, log_u, log_cdf, harmonic = (
                v[keep] for v in (scale, log_t, log_u, log_cdf, harmonic)
            )
            z, b, r, log_z, log_x, mode, rate, th = (
                v[keep] for v in (z, b, r, log_z, log_x, mode, rate, th)
            )
        j += 1
        log_t = log_t + log_z - np.log(b + j)
        log_u = log_u + log_x + np.log(j - 1.0 + r) - np.log(j)
        log_cdf = np.logaddexp(log_cdf, log_u)

    with np.errstate(divide="ignore"):
        # Total mass relative to pi_s: lower part (its k = s term is the queue's t_0 too).
        log_mass_lower = log_lower + np.log(-np.expm1(-log_lower))  # log(lower - 1)
        log_total = np.logaddexp(log_mass_lower, out_scale + np.log(out["mass"]))

        def share(key: str) -> FloatArray:
            return np.exp(out_scale + np.log(out[key]) - log_total)

        wait_p = share("mass")
        queue_len = share("queue")  # E[queue length]
        abandon = queue_len / (lam / theta)  # theta E[Q] / lambda
        served_wait = share("served_wait")
        sl_tail = share("sl")
        virtual_wait = share("virtual_wait")
        p_full = np.exp(-log_total)  # P(every slot busy, nobody queued)
    answered = 1.0 - abandon
    sl = 1.0 - wait_p + sl_tail
    if definition == "answered":
        sl = sl / answered
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = served_wait / answered
    return {
        "wait_probability": wait_p,
        "abandon_probability": abandon,
        "service_level": np.clip(sl, 0.0, 1.0),
        "asa_s": asa,
        "mean_wait_s": queue_len / lam,
        "answered_share": answered,
        "virtual_wait_s": virtual_wait,
        "p_full": p_full,
    }


def erlang_a_metrics(
    traffic: ArrayLike,
    servers: ArrayLike,
    aht_s: ArrayLike,
    patience_s: ArrayLike,
    threshold_s: ArrayLike,
    definition: str = "offered",
) -> dict[str, Any]:
    """Erlang A figures for each interval at a given number of agents.

    Returns a dict of arrays: ``service_level`` (by ``definition``: ``offered``, ``answered`` or
    ``virtual``, see the module docstring), ``wait_probability`` (share of contacts that find
    every agent busy), ``abandon_probability``, ``asa_s`` (mean wait of answered contacts, s),
    ``mean_wait_s`` (mean time in queue of all offered contacts, abandoners included),
    ``virtual_wait_s`` (mean wait of a contact that would never give up, CCmath's ASA),
    ``occupancy`` (answered load / agents). Unlike Erlang C, n <= A is a valid (stable) input.

    Example (CCmath's Erlang X case: 4 calls/min, AHT 3 min, patience 1 min, 14 agents, 20 s):

    >>> m = erlang_a_metrics(12.0, 14, 180, 60, 20)
    >>> round(float(m["abandon_probability"]), 4), round(float(m["occupancy"]), 4)
    (0.0743, 0.7934)
    """
    _check_definition(definition)
    a, n, aht, pat, t = np.broadcast_arrays(
        np.asarray(traffic, dtype=float),
        _as_servers(servers),
        np.asarray(aht_s, dtype=float),
        np.asarray(patience_s, dtype=float),
        np.asarray(threshold_s, dtype=float),
    )
    shape = a.shape
    a, n, aht, pat, t = (v.ravel().copy() for v in (a, n, aht, pat, t))
    size = a.size
    result = {
        "service_level": np.ones(size),
        "wait_probability": np.zeros(size),
        "abandon_probability": np.zeros(size),
        "asa_s": np.zeros(size),
        "mean_wait_s": np.zeros(size),
        "virtual_wait_s": np.zeros(size),
        "occupancy": np.zeros(size),
    }
    # With no agents every contact waits and gives up: answered figures do not exist.
    none = (a > 0) & (n == 0)
    result["service_level"][none] = 0.0
    result["wait_probability"][none] = 1.0
    result["abandon_probability"][none] = 1.0
    result["asa_s"][none] = np.nan
    result["mean_wait_s"][none] = pat[none]
    result["virtual_wait_s"][none] = np.inf
    result["occupancy"][none] = np.nan

    live = (a > 0) & (n > 0)
    if live.any():
        al, nl, ahtl = a[live], n[live], aht[live]
        b = erlang_b_at(al, nl)
        with np.errstate(divide="ignore"):
            log_lower = -np.log(b)  # sum_{k <= n} pi_k / pi_n = 1 / B(n, A)
        tail = queue_tail_metrics(
            log_lower, al / ahtl, nl / ahtl, 1.0 / pat[live], t[live], definition
        )
        for key in ("service_level", "wait_probability", "abandon_probability", "asa_s"):
            result[key][live] = tail[key]
        result["mean_wait_s"][live] = tail["mean_wait_s"]
        result["virtual_wait_s"][live] = tail["virtual_wait_s"]
        # answered load <= n in exact terms; clip the last-bit rounding above it
        result["occupancy"][live] = np.minimum(al * tail["answered_share"] / nl, 1.0)
    return {k: v.reshape(shape) for k, v in result.items()}
