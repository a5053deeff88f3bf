"""Agents per interval for a service target: Erlang C or Erlang A, chat slots, shrinkage.

One row per interval in, the same rows out with the staffing columns added (see
``OUTPUT_COLUMNS`` and docs/staffing.md). All intervals are solved together with numpy: the
Erlang C search climbs every interval one agent per step from n = floor(A) + 1, carrying the
Erlang B recursion; the Erlang A search bisects every interval at once between a proven lower
bound (service level < n / A) and the Erlang C answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from supportstats.planning._validate import (
    MAX_AGENTS,
    MAX_CONCURRENCY,
    MAX_PATIENCE_ARRIVALS,
    MAX_TRAFFIC_ERLANGS,
    MIN_OCCUPANCY_CAP,
    PlanningInputError,
    _fmt,
    check,
    check_times,
    fail_first,
    numeric_column,
)
from supportstats.planning.erlang import (
    MAX_SERVERS,
    FloatArray,
    IntArray,
    c_figures_from_b,
    c_from_b,
    erlang_b_at,
    erlang_c_metrics,
    sl_from_c,
    traffic_erlangs,
)
from supportstats.planning.erlang_a import SL_DEFINITIONS, erlang_a_metrics

REQUIRED_COLUMNS = ("volume", "interval_s", "aht_s", "sl_target", "sl_threshold_s")
OPTIONAL_COLUMNS = {
    "max_occupancy": 1.0,
    "shrinkage": 0.0,
    "patience_s": np.nan,  # given -> Erlang A, missing -> Erlang C
    "concurrency": 1.0,
    "agents": np.nan,  # given -> evaluate at that count instead of solving
    "asa_target_s": np.nan,
    "max_abandon": np.nan,
}
OUTPUT_COLUMNS = (
    "model",
    "traffic_erlangs",
    "agents_sl_only",
    "agents_raw",
    "agents_scheduled",
    "binding_constraint",
    "service_level",
    "service_level_minus_1",
    "wait_probability",
    "asa_s",
    "occupancy",
    "abandon_probability",
    "slots",
)
# Order in which a constraint is named as binding when several fail at n - 1.
CONSTRAINTS = ("sl", "asa", "abandonment", "occupancy")
BINDING = (*CONSTRAINTS, "zero_volume", "given")
MODELS = ("erlang_c", "erlang_a")


def ceil_exact(x: FloatArray) -> IntArray:
    """Ceiling that treats a quotient within 1e-9 (relative) of a whole number as that number.

    Targets and shrinkage are decimals typed by people, which binary floats cannot hold
    exactly: 21 / (1 - 0.3) is 30.000000000000004 and a bare ceil gives 31 agents.

    >>> ceil_exact(np.array([21 / 0.7, 30.2, 0.0])).tolist()
    [30, 31, 0]
    """
    x = np.asarray(x, dtype=float)
    nearest = np.rint(x)
    close = np.abs(x - nearest) <= 1e-9 * np.maximum(1.0, np.abs(nearest))
    return np.where(close, nearest, np.ceil(x)).astype(np.int64)


@dataclass
class _Rows:
    """Validated inputs, one array element per interval."""

    volume: FloatArray
    interval_s: FloatArray
    aht_s: FloatArray
    sl_target: FloatArray
    threshold_s: FloatArray
    max_occupancy: FloatArray
    shrinkage: FloatArray
    patience_s: FloatArray
    concurrency: IntArray
    agents: FloatArray
    asa_target_s: FloatArray
    max_abandon: FloatArray
    traffic: FloatArray


def _first_row(bad: np.ndarray) -> int | None:
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def _read(frame: pd.DataFrame) -> _Rows:
    check_times(frame, "interval_start")
    cols = {c: numeric_column(frame, c, None) for c in REQUIRED_COLUMNS}
    cols.update({c: numeric_column(frame, c, d) for c, d in OPTIONAL_COLUMNS.items()})
    volume = cols["volume"]
    check(volume, "volume", "volume is a count of contacts, 0 or more")
    check(
        cols["interval_s"],
        "interval_s",
        "interval length in seconds, e.g. 900 or 1800",
        positive=True,
    )
    busy = volume > 0
    solve = busy & np.isnan(cols["agents"])
    check(
        cols["aht_s"], "aht_s", "handle times must be positive seconds", positive=True, where=busy
    )
    check(
        cols["sl_target"],
        "sl_target",
        "a service level target is a fraction above 0 and below 1, e.g. 0.8",
        positive=True,
        below_one=True,
        where=solve,
    )
    check(cols["sl_threshold_s"], "sl_threshold_s", "seconds to answer within, e.g. 20", where=busy)
    check(
        cols["max_occupancy"],
        "max_occupancy",
        f"an occupancy cap is a fraction from {MIN_OCCUPANCY_CAP} to 1, e.g. 0.85",
        positive=True,
        at_least=MIN_OCCUPANCY_CAP,
        at_most_one=True,
    )
    check(cols["shrinkage"], "shrinkage", "a fraction from 0 to below 1, e.g. 0.3", below_one=True)
    check(
        cols["concurrency"],
        "concurrency",
        f"contacts one agent handles at once: 1, 2, 3 ... (at most {MAX_CONCURRENCY})",
        positive=True,
        whole=True,
        at_most=MAX_CONCURRENCY,
    )
    given = ~np.isnan(cols["patience_s"])
    check(
        cols["patience_s"],
        "patience_s",
        "mean patience before abandoning, in seconds; leave it empty for Erlang C",
        positive=True,
        where=given,
    )
    given_agents = ~np.isnan(cols["agents"])
    check(
        cols["agents"],
        "agents",
        f"agents on duty, a whole number up to {MAX_AGENTS:,}; leave it empty to solve",
        whole=True,
        at_most=MAX_AGENTS,
        where=given_agents,
    )
    slots = np.where(given_agents, cols["agents"] * cols["concurrency"], 0.0)
    fail_first(
        cols["agents"],
        slots <= MAX_AGENTS,
        "agents",
        f"agents x concurrency make more than {MAX_AGENTS:,} chat slots",
        f"one interval is planned with at most {MAX_AGENTS:,} slots (agents x concurrency)",
    )
    asa_given = ~np.isnan(cols["asa_target_s"])
    check(
        cols["asa_target_s"],
        "asa_target_s",
        "an average speed of answer target in seconds",
        positive=True,
        where=asa_given,
    )
    cap_given = ~np.isnan(cols["max_abandon"])
    check(
        cols["max_abandon"],
        "max_abandon",
        "an abandonment cap is a fraction, e.g. 0.05",
        positive=True,
        at_most_one=True,
        where=cap_given,
    )
    fail_first(
        cols["max_abandon"],
        ~cap_given | given,
        "max_abandon",  # fmt: skip
        "needs patience_s on the same row",
        "an abandonment cap needs the Erlang A model: give the mean patience in seconds",
    )
    traffic = traffic_erlangs(volume, cols["interval_s"], cols["aht_s"])
    row = _first_row(~(traffic <= MAX_TRAFFIC_ERLANGS))
    if row is not None:
        raise PlanningInputError(
            f"row {row + 1}, column volume: {_fmt(float(volume[row]))} contacts x "
            f"{_fmt(float(cols['aht_s'][row]))} s / {_fmt(float(cols['interval_s'][row]))} s "
            f"is an offered load of {_erlangs(traffic[row])} Erlangs, "
            f"more than {MAX_TRAFFIC_ERLANGS:,.0f}",
            hint=f"one interval takes at most {MAX_TRAFFIC_ERLANGS:,.0f} Erlangs; check the "
            "units: volume is contacts per interval, interval_s and aht_s are seconds",
        )
    # Agents to solve for: the occupancy cap alone asks for traffic / cap.
    with np.errstate(divide="ignore", invalid="ignore"):
        by_cap = np.where(solve, traffic / cols["max_occupancy"], 0.0)
    row = _first_row(by_cap > MAX_AGENTS)
    if row is not None:
        raise PlanningInputError(
            f"row {row + 1}, column max_occupancy: {_fmt(float(cols['max_occupancy'][row]))} "
            f"with {_erlangs(traffic[row])} Erlangs needs {_erlangs(by_cap[row])} servers, "
            f"more than {MAX_AGENTS:,}",
            hint=f"one interval is planned with at most {MAX_AGENTS:,} agents (chat: slots)",
        )
    # Erlang A sums its queue up to a few times the contacts arriving within one patience.
    with np.errstate(over="ignore", invalid="ignore"):
        arrivals = np.where(busy & given, volume / cols["interval_s"] * cols["patience_s"], 0.0)
    row = _first_row(~(arrivals <= MAX_PATIENCE_ARRIVALS))
    if row is not None:
        raise PlanningInputError(
            f"row {row + 1}, column patience_s: {_fmt(float(cols['patience_s'][row]))} s at "
            f"{_fmt(float(volume[row]))} contacts per {_fmt(float(cols['interval_s'][row]))} s "
            f"means {_erlangs(arrivals[row])} arrivals within one mean patience, "
            f"more than {MAX_PATIENCE_ARRIVALS:,.0f}",
            hint="a patience this long (against so many contacts) is Erlang C: leave patience_s "
            "empty, or check that it is in seconds",
        )
    return _Rows(
        volume=volume, interval_s=cols["interval_s"], aht_s=cols["aht_s"],
        sl_target=cols["sl_target"], threshold_s=cols["sl_threshold_s"],
        max_occupancy=cols["max_occupancy"], shrinkage=cols["shrinkage"],
        patience_s=cols["patience_s"], concurrency=cols["concurrency"].astype(np.int64),
        agents=cols["agents"], asa_target_s=cols["asa_target_s"],
        max_abandon=cols["max_abandon"], traffic=traffic,
    )  # fmt: skip


def _solve_erlang_c(
    a: FloatArray, aht: FloatArray, t: FloatArray, target: FloatArray, asa_target: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Smallest servers meeting the SL target alone, and meeting SL and ASA targets, per row,
    with Erlang B at the latter n and at n - 1 (so figures need no second recursion).

    Starts at n = floor(A) + 1, the first stable count (n = ceil(A) must be tried: A = 2.6 can
    need 3), and climbs every row one server per step, carrying B(n) from B(n - 1).
    """
    size = a.size
    n_sl = np.zeros(size, dtype=np.int64)
    n_all = np.zeros(size, dtype=np.int64)
    b_all = np.zeros(size)
    b_before = np.zeros(size)
    start = np.floor(a).astype(np.int64)
    b = erlang_b_at(a, start)
    idx = np.arange(size)
    n = start.copy()
    a_, aht_, t_, tg, asa_t = a, aht, t, target, asa_target
    while idx.size:
        n = n + 1
        b_prev = b
        ab = a_ * b
        b = ab / (n + ab)
        c = c_from_b(a_, n, b)
        sl_ok = sl_from_c(a_, n, c, aht_, t_) >= tg
        with np.errstate(divide="ignore", over="ignore"):
            asa_ok = np.isnan(asa_t) | (c * aht_ / (n - a_) <= asa_t)
        first_sl = sl_ok & (n_sl[idx] == 0)
        n_sl[idx[first_sl]] = n[first_sl]
        done = sl_ok & asa_ok
        if done.any():
            n_all[idx[done]] = n[done]
            b_all[idx[done]] = b[done]
            b_before[idx[done]] = b_prev[done]
            keep = ~done
            idx, n, b, a_, aht_, t_, tg, asa_t = (
                v[keep] for v in (idx, n, b, a_, aht_, t_, tg, asa_t)
            )
    return n_sl, n_all, b_all, b_before


def _erlangs(value: float) -> str:
    """A load or a count for a message: 12.5, 1,000,000, 1e+300, inf."""
    value = float(value)
    if not np.isfinite(value) or value >= 1e15:
        return f"{value:.3g}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


Feasible = Callable[[IntArray, IntArray], np.ndarray]


def _smallest_feasible(
    feasible: Feasible, lo: IntArray, hi: IntArray, rows: IntArray | None = None
) -> IntArray:
    """Per row, the smallest n in (lo, hi] with feasible(n), given lo infeasible.

    ``hi`` is a guess (the Erlang C answer): it is first raised, doubling the gap, until
    feasible, but never past the larger of ``MAX_AGENTS`` and the guess (a row still
    infeasible there raises PlanningInputError naming ``rows[i] + 1``). Then each row steps
    down from ``hi`` by 1, 2, 4, ... while still feasible, and bisects once it has found an
    infeasible count: the answer is usually 0-2 below the guess, so most rows need two or
    three evaluations. All unfinished rows are evaluated together. Assumes feasibility is
    monotone in n.
    """
    hi = np.minimum(hi, MAX_SERVERS)
    limit = np.maximum(hi, MAX_AGENTS)
    lo = lo.copy()
    idx = np.arange(lo.size)
    while idx.size:
        ok = feasible(idx, hi[idx])
        bad = idx[~ok]
        stuck = bad[hi[bad] >= limit[bad]]
        if stuck.size:
            row = int(stuck[0]) if rows is None else int(rows[stuck[0]])
            raise PlanningInputError(
                f"row {row + 1}: the targets are not met even with {int(limit[stuck[0]]):,} "
                "servers",
                hint="check sl_target, asa_target_s and max_abandon of this row",
            )
        gap = hi[bad] - lo[bad]
        lo[bad] = hi[bad]
        hi[bad] = np.minimum(hi[bad] + np.maximum(2 * gap, 1), limit[bad])
        idx = bad
    step = np.ones(lo.size, dtype=np.int64)
    bisecting = np.zeros(lo.size, dtype=bool)
    while True:
        idx = np.flatnonzero(hi - lo > 1)
        if not idx.size:
            return hi
        down = np.maximum(hi[idx] - step[idx], lo[idx] + 1)
        mid = np.where(bisecting[idx], (lo[idx] + hi[idx]) // 2, down)
        ok = feasible(idx, mid)
        hi[idx[ok]] = mid[ok]
        step[idx[ok]] *= 2
        lo[idx[~ok]] = mid[~ok]
        bisecting[idx[~ok]] = True


_FIGURES = ("service_level", "wait_probability", "asa_s", "occupancy", "abandon_probability")


class _ErlangAChecks:
    """Evaluates rows ``sel`` at given servers, keeping the figures of the last feasible and
    the last infeasible count of each row: after a search those are the answer n and n - 1,
    so the figures need no second evaluation."""

    def __init__(self, rows: _Rows, sel: IntArray, definition: str, only_sl: bool = False):
        self.rows, self.sel, self.definition, self.only_sl = rows, sel, definition, only_sl
        self.n_ok = np.full(sel.size, -1, dtype=np.int64)
        self.n_bad = np.full(sel.size, -1, dtype=np.int64)
        self.at_ok = {k: np.full(sel.size, np.nan) for k in _FIGURES}
        self.failed = {k: np.zeros(sel.size, dtype=bool) for k in CONSTRAINTS}
        self.sl_bad = np.full(sel.size, np.nan)

    def held(self, idx: IntArray, n: IntArray) -> dict[str, np.ndarray]:
        rows, r = self.rows, self.sel[idx]
        m = erlang_a_metrics(
            rows.traffic[r], n, rows.aht_s[r], rows.patience_s[r], rows.threshold_s[r],
            self.definition,
        )  # fmt: skip
        with np.errstate(invalid="ignore"):
            held = {
                "sl": m["service_level"] >= rows.sl_target[r],
                "asa": np.isnan(rows.asa_target_s[r]) | (m["asa_s"] <= rows.asa_target_s[r]),
                "abandonment": np.isnan(rows.max_abandon[r])
                | (m["abandon_probability"] <= rows.max_abandon[r]),
                # a 1e-12 slack: near n = A the answered load is n - 1e-16 in exact terms
                "occupancy": m["occupancy"] <= rows.max_occupancy[r] + 1e-12,
            }
        ok = held["sl"] if self.only_sl else np.logical_and.reduce(list(held.values()))
        self.n_ok[idx[ok]] = n[ok]
        for k in _FIGURES:
            self.at_ok[k][idx[ok]] = m[k][ok]
        self.n_bad[idx[~ok]] = n[~ok]
        self.sl_bad[idx[~ok]] = m["service_level"][~ok]
        for k in CONSTRAINTS:
            self.failed[k][idx[~ok]] = ~held[k][~ok]
        held["all"] = ok
        return held

    def __call__(self, idx: IntArray, n: IntArray) -> np.ndarray:
        return self.held(idx, n)["all"]


def _solve_erlang_a(
    rows: _Rows, sel: IntArray, definition: str
) -> tuple[IntArray, IntArray, np.ndarray, dict[str, np.ndarray]]:
    """Servers for SL alone and for all constraints, the binding constraint and the figures
    (at n, plus ``service_level_minus_1`` at n - 1 where already evaluated) for rows ``sel``."""
    a = rows.traffic[sel]
    # Answered-within-T share <= answered share <= n / A, so n < target x A cannot work:
    # Erlang A may staff below the offered load, but never below that.
    lo = np.maximum(np.ceil(rows.sl_target[sel] * a).astype(np.int64) - 1, 0)
    # Start the search from Erlang C's answer (or the occupancy bound A / cap when higher):
    # with abandonment the answer is usually 0-2 agents below it.
    n_c_sl, n_c, _, _ = _solve_erlang_c(
        a, rows.aht_s[sel], rows.threshold_s[sel], rows.sl_target[sel], rows.asa_target_s[sel]
    )
    guess = np.maximum(n_c, ceil_exact(a / rows.max_occupancy[sel]))
    checks = _ErlangAChecks(rows, sel, definition)
    n_all = _smallest_feasible(checks, lo, np.maximum(guess, lo + 1), sel)
    # Which constraint fails at n - 1 (n - 1 = lo was evaluated unless it was the bound).
    unknown = checks.n_bad != n_all - 1
    if unknown.any():
        checks.held(np.flatnonzero(unknown), n_all[unknown] - 1)
    binding = np.full(sel.size, "sl", dtype=object)
    for name in reversed(CONSTRAINTS):  # the first failing one in CONSTRAINTS order wins
        binding[checks.failed[name]] = name
    figures = dict(checks.at_ok)
    figures["service_level_minus_1"] = checks.sl_bad  # n - 1 was evaluated for every row now
    n_sl = n_all.copy()
    fewer = np.flatnonzero(~checks.failed["sl"])  # SL alone is met with fewer agents
    if fewer.size:
        sl_checks = _ErlangAChecks(rows, sel[fewer], definition, only_sl=True)
        guess = np.minimum(n_c_sl[fewer], n_all[fewer] - 1)  # n_all - 1 meets the SL
        n_sl[fewer] = _smallest_feasible(sl_checks, lo[fewer], guess, sel[fewer])
    return n_sl, n_all, binding, figures


def _figures(rows: _Rows, r: IntArray, servers: IntArray, definition: str) -> dict[str, np.ndarray]:
    """Model figures at ``servers`` for rows ``r`` (Erlang A where patience is given)."""
    out = {
        k: np.full(r.size, np.nan)
        for k in ("service_level", "wait_probability", "asa_s", "occupancy", "abandon_probability")
    }
    is_a = ~np.isnan(rows.patience_s[r])
    for mask, model in ((~is_a, "c"), (is_a, "a")):
        if not mask.any():
            continue
        rr = r[mask]
        if model == "c":
            m = erlang_c_metrics(
                rows.traffic[rr], servers[mask], rows.aht_s[rr], rows.threshold_s[rr]
            )
        else:
            m = erlang_a_metrics(
                rows.traffic[rr], servers[mask], rows.aht_s[rr], rows.patience_s[rr],
                rows.threshold_s[rr], definition,
            )  # fmt: skip
        for k, v in m.items():
            if k in out:
                out[k][mask] = v
    return out


def staff(frame: pd.DataFrame, *, sl_definition: str = "offered") -> pd.DataFrame:
    """Agents per interval: the input rows with the staffing columns added.

    Input columns (seconds and fractions): ``volume``, ``interval_s``, ``aht_s``,
    ``sl_target``, ``sl_threshold_s``; optional ``max_occupancy`` (1), ``shrinkage`` (0),
    ``patience_s`` (given: Erlang A, else Erlang C), ``concurrency`` (1; chat slots per agent,
    ``aht_s`` being the handle time at that concurrency), ``agents`` (given: evaluate the row at
    that count instead of solving), ``asa_target_s``, ``max_abandon`` (Erlang A only). Other
    columns pass through unchanged.

    Output columns: see ``OUTPUT_COLUMNS`` and docs/staffing.md. The figures are at
    ``agents_raw`` (at ``slots`` for chat); ``service_level_minus_1`` at one agent fewer.
    Zero volume gives 0 agents. Bad input raises ``PlanningInputError`` naming row and column.

    Example (Call Centre Helper: 100 calls / 30 min, AHT 180 s, 80 % in 20 s, 30 % shrinkage):

    >>> plan = staff(pd.DataFrame({"volume": [100], "interval_s": [1800], "aht_s": [180],
    ...                            "sl_target": [0.8], "sl_threshold_s": [20], "shrinkage": [0.3]}))
    >>> row = plan.iloc[0]
    >>> int(row.agents_raw), int(row.agents_scheduled), row.binding_constraint
    (14, 20, 'sl')
    """
    if sl_definition not in SL_DEFINITIONS:
        raise PlanningInputError(
            f"sl definition {sl_definition!r} is not one of {', '.join(SL_DEFINITIONS)}",
            hint="offered = answered within T over all offered (default)",
        )
    rows = _read(frame)
    size = rows.volume.size
    conc = rows.concurrency
    servers_sl = np.zeros(size, dtype=np.int64)
    servers = np.zeros(size, dtype=np.int64)
    binding = np.full(size, "zero_volume", dtype=object)
    busy = rows.traffic > 0
    given = ~np.isnan(rows.agents)
    servers[given] = rows.agents[given].astype(np.int64) * conc[given]
    binding[given & busy] = "given"

    solve = busy & ~given
    is_a = ~np.isnan(rows.patience_s)
    sel_c = np.flatnonzero(solve & ~is_a)
    known = np.zeros(size, dtype=bool)  # rows whose figures the search already has
    figures = {k: np.full(size, np.nan) for k in _FIGURES}
    sl_minus = np.full(size, np.nan)
    if sel_c.size:
        a = rows.traffic[sel_c]
        n_sl, n_targets, b_t, b_before = _solve_erlang_c(
            a, rows.aht_s[sel_c], rows.threshold_s[sel_c], rows.sl_target[sel_c],
            rows.asa_target_s[sel_c],
        )  # fmt: skip
        n_occ = ceil_exact(a / rows.max_occupancy[sel_c])
        n_raw = np.maximum(n_targets, n_occ)
        servers_sl[sel_c] = n_sl
        servers[sel_c] = n_raw
        binding[sel_c] = np.where(
            n_occ > n_targets, "occupancy", np.where(n_targets > n_sl, "asa", "sl")
        )
        # Where the occupancy cap adds agents, carry B up from the targets' answer.
        b_before = erlang_b_at(a, n_raw - 1, n_targets - 1, b_before)
        b_raw = np.where(n_raw > n_targets, erlang_b_at(a, n_raw, n_raw - 1, b_before), b_t)
        aht, t = rows.aht_s[sel_c], rows.threshold_s[sel_c]
        for k, v in c_figures_from_b(a, n_raw, b_raw, aht, t).items():
            figures[k][sel_c] = v
        sl_minus[sel_c] = c_figures_from_b(a, n_raw - 1, b_before, aht, t)["service_level"]
        known[sel_c] = True
    sel_a = np.flatnonzero(solve & is_a)
    if sel_a.size:
        n_sl, n_all, bind, found = _solve_erlang_a(rows, sel_a, sl_definition)
        sl_minus[sel_a] = found.pop("service_level_minus_1")
        servers_sl[sel_a] = n_sl
        servers[sel_a] = n_all
        binding[sel_a] = bind
        known[sel_a] = True
        for k in _FIGURES:
            figures[k][sel_a] = found[k]

    agents_raw = np.where(given, np.nan_to_num(rows.agents).astype(np.int64), -(-servers // conc))
    agents_sl = pd.array(-(-servers_sl // conc), dtype="Int64")
    agents_sl[given] = pd.NA
    rest = np.flatnonzero(~known)
    for k, v in _figures(rows, rest, servers[rest], sl_definition).items():
        figures[k][rest] = v
    # For chat the search's n - 1 is one slot fewer; one agent fewer is `concurrency` slots.
    minus = (agents_raw >= 1) & ~(known & (conc == 1))
    if minus.any():
        r = np.flatnonzero(minus)
        sl_minus[r] = _figures(rows, r, (agents_raw[r] - 1) * conc[r], sl_definition)[
            "service_level"
        ]

    out = frame.copy()
    # Categoricals: cheap to build for many rows, and they list every possible value.
    out["model"] = pd.Categorical.from_codes(is_a.astype(np.int8), categories=MODELS)
    out["traffic_erlangs"] = rows.traffic
    out["agents_sl_only"] = agents_sl
    out["agents_raw"] = agents_raw
    out["agents_scheduled"] = ceil_exact(agents_raw / (1.0 - rows.shrinkage))
    out["binding_constraint"] = pd.Categorical(binding, categories=BINDING)
    out["service_level"] = figures["service_level"]
    out["service_level_minus_1"] = sl_minus
    out["wait_probability"] = figures["wait_probability"]
    out["asa_s"] = figures["asa_s"]
    out["occupancy"] = figures["occupancy"]
    out["abandon_probability"] = figures["abandon_probability"]
    out["slots"] = servers
    return out
