"""Chat with a handle time per concurrency level (CCmath's "Erlang Chat" model).

An agent runs up to K chats at once; with k chats each one takes ``aht_by_level[k - 1]``
seconds, so the agent finishes chats at rate k / aht_k. The state is the number of chats in the
system; chats are spread as evenly as possible over the N agents (least-busy first), waiting
chats (when all N x K slots are busy) abandon at rate 1 / patience. The stationary
distribution comes from a generalised Erlang B recursion over the slots (stable, no powers)
plus the same queue tail as Erlang A, so every figure is exact for this model.

The simpler model used by ``staff`` (slots = agents x concurrency, one handle time measured at
that concurrency, Erlang C/A on the slots) is the special case of one handle time at every level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from supportstats.planning.erlang import MAX_SERVERS, FloatArray, IntArray, _as_servers
from supportstats.planning.erlang_a import _check_definition, queue_tail_metrics

_FIGURES = (
    "service_level",
    "wait_probability",
    "abandon_probability",
    "asa_s",
    "virtual_wait_s",
    "occupancy",
)


def _lower_part(
    lam: FloatArray, agents: IntArray, aht_by_level: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """B_s (pi_s over the mass of states 0..s) and the mean state among 0..s, s = N K.

    Generalised Erlang B: B_c = r_c B_(c-1) / (1 + r_c B_(c-1)) with r_c = lambda / mu(c), and
    the conditional mean m_c = c B_c + m_(c-1) (1 - B_c); both stay in [0, c].
    """
    k_max = aht_by_level.size
    rate_per_chat = np.concatenate([[0.0], np.arange(1, k_max + 1) / aht_by_level])  # k / aht_k
    slots = agents * k_max
    b = np.ones_like(lam)
    mean = np.zeros_like(lam)
    for c in range(1, int(slots.max(initial=0)) + 1):
        live = c <= slots
        n = np.maximum(agents, 1)
        q, r = np.divmod(c, n)
        hi = np.minimum(q + 1, k_max)
        mu = r * rate_per_chat[hi] + (n - r) * rate_per_chat[np.minimum(q, k_max)]
        rb = lam / mu * b
        b_new = rb / (1.0 + rb)
        mean = np.where(live, c * b_new + mean * (1.0 - b_new), mean)
        b = np.where(live, b_new, b)
    return b, mean


def chat_metrics(
    volume: ArrayLike,
    interval_s: ArrayLike,
    agents: ArrayLike,
    aht_by_level: Sequence[float],
    threshold_s: ArrayLike,
    patience_s: ArrayLike | None = None,
    definition: str = "virtual",
) -> dict[str, FloatArray]:
    """Chat figures per interval for N agents with a handle time per concurrency level.

    ``aht_by_level[k - 1]`` is the handle time (s) of a chat while its agent has k chats; its
    length is the maximum concurrency. Returns ``service_level`` (by ``definition``; CCmath
    reports ``virtual``), ``wait_probability``, ``abandon_probability`` (0 without patience),
    ``asa_s`` (answered chats), ``virtual_wait_s``, ``occupancy`` (chats in service / slots).

    Example (CCmath's Erlang Chat case: 4 chats/min, AHT 3, 3.5, 4 min, patience 1 min, 5 agents):

    >>> m = chat_metrics(240, 3600, 5, [180, 210, 240], 20, patience_s=60)
    >>> round(float(m["abandon_probability"]), 4), round(float(m["occupancy"]), 4)
    (0.1544, 0.8678)
    """
    _check_definition(definition)
    levels = np.asarray(aht_by_level, dtype=float)
    if levels.ndim != 1 or levels.size == 0 or np.any(~(levels > 0)):
        raise ValueError("aht_by_level must be a non-empty list of positive seconds")
    pat = np.inf if patience_s is None else patience_s
    vol, iv, n, t, pat = np.broadcast_arrays(
        np.asarray(volume, dtype=float), np.asarray(interval_s, dtype=float),
        _as_servers(agents), np.asarray(threshold_s, dtype=float), np.asarray(pat, dtype=float),
    )  # fmt: skip
    shape = vol.shape
    vol, iv, t, pat = (x.ravel().astype(float) for x in (vol, iv, t, pat))
    n = n.ravel().astype(np.int64)
    size = vol.size
    out = {k: np.full(size, np.nan) for k in _FIGURES}
    lam = vol / iv
    k_max = levels.size
    slots = n * k_max
    if np.any(slots > MAX_SERVERS):  # the recursion takes one step per slot
        raise ValueError(f"agents x concurrency levels must be at most {MAX_SERVERS:,}")
    full_rate = slots / levels[-1]

    quiet = lam == 0
    out["service_level"][quiet] = 1.0
    for key in ("wait_probability", "abandon_probability", "asa_s", "virtual_wait_s", "occupancy"):
        out[key][quiet] = 0.0
    none = ~quiet & (n == 0)
    out["service_level"][none] = 0.0
    out["wait_probability"][none] = 1.0
    out["abandon_probability"][none] = np.where(np.isfinite(pat[none]), 1.0, np.nan)

    live = ~quiet & (n > 0)
    b, mean_low = _lower_part(lam[live], n[live], levels)
    with np.errstate(divide="ignore"):
        log_lower = -np.log(b)
    s, full, th, tl, pl = slots[live], full_rate[live], 1.0 / pat[live], t[live], pat[live]
    lam_l = lam[live]
    patient = np.isfinite(pl)
    res = {k: np.full(s.size, np.nan) for k in ("service_level", "wait_probability",
           "abandon_probability", "asa_s", "virtual_wait_s", "p_full")}  # fmt: skip
    if patient.any():
        tail = queue_tail_metrics(log_lower[patient], lam_l[patient], full[patient], th[patient],
                                  tl[patient], definition)  # fmt: skip
        for k in res:
            res[k][patient] = tail[k]
    infinite = ~patient
    if infinite.any():  # Erlang C tail: a geometric queue at the full service rate
        lo, lf, bi = lam_l[infinite], full[infinite], b[infinite]
        stable = lo < lf
        with np.errstate(divide="ignore", invalid="ignore"):
            queue_mass = np.where(stable, lo / (lf - lo), np.inf)  # sum of (lam / full)^j, j >= 1
            total = 1.0 / bi + queue_mass
            wait = np.where(stable, (1.0 + queue_mass) / total, 1.0)
            asa = np.where(stable, wait / (lf - lo), np.inf)
            res["p_full"][infinite] = np.where(stable, 1.0 / total, 0.0)
            sl = np.where(stable, 1.0 - wait * np.exp(-(lf - lo) * tl[infinite]), 0.0)
        res["wait_probability"][infinite] = wait
        res["abandon_probability"][infinite] = 0.0
        res["asa_s"][infinite] = asa
        res["virtual_wait_s"][infinite] = asa
        res["service_level"][infinite] = sl
    in_service = (1.0 - res["wait_probability"] + res["p_full"]) * mean_low + s * (
        res["wait_probability"] - res["p_full"]
    )
    for k in (
        "service_level",
        "wait_probability",
        "abandon_probability",
        "asa_s",
        "virtual_wait_s",
    ):
        out[k][live] = res[k]
    out["occupancy"][live] = np.minimum(in_service / s, 1.0)
    return {k: v.reshape(shape) for k, v in out.items()}


def aht_by_level(
    levels: ArrayLike,
    handle_time_s: ArrayLike,
    stretches: ArrayLike,
    max_level: int,
    min_stretches: int = 30,
) -> list[float]:
    """Handle time (s) per concurrency level 1..``max_level`` from a measured table, for
    :func:`chat_metrics` and :func:`chat_agents`.

    ``levels``, ``handle_time_s`` and ``stretches`` are the columns ``concurrency``,
    ``handle_time_mean_s`` and ``stretches`` of ``metrics.handle_concurrency
    .handle_time_by_concurrency``. A level measured on at least ``min_stretches`` stretches
    keeps its measured mean; the others (too few chats, or never run) lie on the straight
    line fitted through the kept levels, weighted by their stretches, whose slope is never
    taken below 0 (a level with no data is not assumed to be faster). One kept level gives a
    flat line; none is an error.

    >>> aht_by_level([1, 2, 3, 6], [600, 690, 780, 400], [500, 200, 40, 1], 4)
    [600.0, 690.0, 780.0, 870.0]
    """
    lvl = np.asarray(levels, dtype=float)
    aht = np.asarray(handle_time_s, dtype=float)
    n = np.asarray(stretches, dtype=float)
    if max_level < 1:
        raise ValueError("max_level must be at least 1")
    kept = (n >= min_stretches) & np.isfinite(aht) & (aht > 0) & (lvl >= 1)
    if not kept.any():
        raise ValueError(
            f"no concurrency level has {min_stretches} or more stretches with a handle time"
        )
    x, y, w = lvl[kept], aht[kept], n[kept]
    mean_x, mean_y = np.average(x, weights=w), np.average(y, weights=w)
    spread = np.sum(w * (x - mean_x) ** 2)
    slope = max(np.sum(w * (x - mean_x) * (y - mean_y)) / spread, 0.0) if spread > 0 else 0.0
    measured = dict(zip(x.tolist(), y.tolist(), strict=True))
    return [
        float(measured.get(float(k), mean_y + slope * (k - mean_x)))
        for k in range(1, max_level + 1)
    ]


def chat_agents(
    volume: ArrayLike,
    interval_s: ArrayLike,
    aht_by_level: Sequence[float],
    sl_target: ArrayLike,
    threshold_s: ArrayLike,
    patience_s: ArrayLike | None = None,
    definition: str = "offered",
) -> IntArray:
    """The fewest agents per interval whose service level under :func:`chat_metrics` (each
    agent up to ``len(aht_by_level)`` chats, ``aht_by_level[k - 1]`` the handle time at k)
    reaches ``sl_target``; 0 for an interval with no chats.

    ``definition`` is the service level's (``offered`` by default, as ``staff``: answered
    within ``threshold_s`` over all chats, abandoned ones included). The search doubles an
    upper bound, then bisects every interval at once (the service level rises with agents).

    >>> chat_agents([240, 0], 3600, [180, 210, 240], 0.8, 20, patience_s=60).tolist()
    [6, 0]
    """
    _check_definition(definition)
    levels = np.asarray(aht_by_level, dtype=float)
    if levels.ndim != 1 or levels.size == 0 or np.any(~(levels > 0)):
        raise ValueError("aht_by_level must be a non-empty list of positive seconds")
    pat = np.inf if patience_s is None else patience_s
    vol, iv, target, t, pat = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (volume, interval_s, sl_target, threshold_s, pat))
    )
    shape = vol.shape
    vol, iv, target, t, pat = (x.ravel() for x in (vol, iv, target, t, pat))
    if np.any(~(vol >= 0)) or np.any(~(iv > 0)) or np.any(~((target > 0) & (target < 1))):
        raise ValueError("volume must be >= 0, interval_s > 0 and sl_target between 0 and 1")
    k_max = levels.size
    max_agents = MAX_SERVERS // k_max

    def meets(idx: np.ndarray, agents: np.ndarray) -> np.ndarray:
        wait = None if patience_s is None else pat[idx]
        m = chat_metrics(vol[idx], iv[idx], agents, levels, t[idx], wait, definition)
        return m["service_level"] >= target[idx]

    busy = np.flatnonzero(vol > 0)
    lo = np.zeros(busy.size, np.int64)  # never enough (some chats come in)
    # enough to carry the load at the fullest level, as a first guess of the upper bound
    hi = np.maximum(np.ceil(vol[busy] / iv[busy] * levels[-1] / k_max), 1).astype(np.int64)
    todo = np.arange(busy.size)
    while todo.size:
        ok = meets(busy[todo], hi[todo])
        lo[todo[~ok]] = hi[todo[~ok]]
        todo = todo[~ok]
        if np.any(hi[todo] >= max_agents):
            raise ValueError(f"the target needs more than {max_agents:,} agents in an interval")
        hi[todo] = np.minimum(hi[todo] * 2, max_agents)
    todo = np.flatnonzero(hi - lo > 1)
    while todo.size:
        mid = (lo[todo] + hi[todo]) // 2
        ok = meets(busy[todo], mid)
        hi[todo[ok]] = mid[ok]
        lo[todo[~ok]] = mid[~ok]
        todo = todo[hi[todo] - lo[todo] > 1]
    out = np.zeros(vol.size, np.int64)
    out[busy] = hi
    return out.reshape(shape)
