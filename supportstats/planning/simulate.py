"""Discrete-event simulation of a staffing plan (simpy), replications and confidence intervals.

A plan is replayed interval after interval as one continuous run per queue: contacts that
wait and agents that are busy at the end of an interval carry over into the next, which the
period-by-period Erlang formulas (SIPP) ignore. The model (docs/staffing.md, "Simulation"):

* arrivals: Poisson, piecewise constant at volume / interval_s of each interval;
* servers: ``agents x concurrency`` slots (each slot serves one contact with the handle time
  measured at that concurrency, the model ``staff`` solves); the slots on duty change at
  interval boundaries; a slot that must leave finishes its contact first, and no contact
  starts while more are in service than the interval has slots; or, with ``aht_by_level``,
  agents holding up to K chats each worked at the pace of the agent's level (the model of
  :func:`planning.chat.chat_metrics`);
* handle times: exponential with the arrival interval's ``aht_s``, or drawn from an empirical
  distribution (the warehouse's handle times) rescaled to that mean;
* patience: exponential with mean ``patience_s`` (Erlang A) when given, else nobody abandons;
* service order: first come, first served; an abandoned contact is dropped from the queue
  when a slot reaches it (exact for first come, first served: it never takes a slot);
* warm-up: the run starts ``warmup_s`` before the first interval at that interval's rate,
  handle time and agents, empty; contacts arriving then are not counted;
* drain: after the last interval no contact arrives and its agents stay until every contact
  has been answered or has abandoned.

The contacts of a replication (arrival times, handle times, patience) are drawn with numpy
before the run, so the same seed replays the same contacts against any staffing (common
random numbers, which :func:`iterate_staffing` relies on). simpy only orders the events: one
process brings the arrivals, one changes the staffing at the boundaries, and every service
completion is a timeout event with a callback (no process per contact or per agent).
"""

from __future__ import annotations

import math
import zlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from supportstats.planning._validate import (
    MAX_AGENTS,
    PlanningInputError,
    _fmt,
    check,
    numeric_column,
    utc_offset_minutes,
)
from supportstats.planning.erlang import FloatArray, IntArray

HANDLE_TIMES = ("exponential", "history")
#: Output columns, after ``queue`` (when the plan has one) and ``interval_start``.
SIM_COLUMNS = (
    "agents",
    "service_level_erlang",
    "service_level_sim",
    "service_level_sim_low",
    "service_level_sim_high",
    "asa_sim_s",
    "abandon_sim",
    "volume",
    "offered_sim",
    "asa_erlang_s",
    "abandon_erlang",
)
#: Contacts one call may draw over all replications (about a minute of simulation).
MAX_SIM_CONTACTS = 20_000_000
MAX_REPLICATIONS = 10_000
#: Fewest handle times an empirical distribution is drawn from.
MIN_HANDLE_SAMPLE = 30
# Two-sided 95 % Student t quantiles for 1..30 degrees of freedom; beyond, a Cornish-Fisher
# expansion around the normal quantile (within 1e-4 of the exact value at 31 and above).
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (95 % two-sided).

    >>> round(t_quantile_975(9), 3), round(t_quantile_975(100), 3)
    (2.262, 1.984)
    """
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


@dataclass(frozen=True)
class Estimate:
    """A pooled ratio per interval with its 95 % confidence interval (NaN without contacts;
    the bounds are NaN with a single replication)."""

    value: FloatArray
    low: FloatArray
    high: FloatArray


def pooled_ratio(numerator: ArrayLike, denominator: ArrayLike, bounds: bool = True) -> Estimate:
    """Sum over replications (axis 0) of ``numerator`` over that of ``denominator``, with a
    95 % confidence interval from the ratio estimator's variance across replications.

    The estimate is R = sum_r y_r / sum_r x_r, not the mean of the replications' ratios (which
    is biased upward when few contacts fall in an interval). Its standard error is the delta
    method's sqrt(sum_r (y_r - R x_r)^2 / (n (n - 1))) / mean_r x_r, and the interval is
    R +/- t(n - 1) se, cut to [0, 1] when ``bounds`` (a share, not a mean wait).

    >>> est = pooled_ratio([[1], [0]], [[1], [9]])
    >>> float(est.value[0])  # 1 of 10 contacts, where the mean of ratios is (1 + 0) / 2
    0.1
    """
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    n = y.shape[0]
    total_x = x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total_x > 0, y.sum(axis=0) / total_x, np.nan)
        if n < 2:
            nan = np.full_like(value, np.nan)
            return Estimate(value, nan, nan)
        resid = y - value * x
        se = np.sqrt((resid**2).sum(axis=0) / (n * (n - 1))) / (total_x / n)
    half = t_quantile_975(n - 1) * se
    low, high = value - half, value + half
    if bounds:
        low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    return Estimate(value, low, high)


@dataclass(frozen=True)
class QueuePlan:
    """One queue's consecutive intervals, checked, as arrays (one element per interval)."""

    interval_s: FloatArray
    volume: FloatArray
    aht_s: FloatArray
    threshold_s: FloatArray
    patience_s: FloatArray  # inf: nobody abandons
    concurrency: IntArray
    agents: IntArray

    @property
    def slots(self) -> IntArray:
        """Servers per interval: agents x concurrency."""
        return self.agents * self.concurrency

    def with_agents(self, agents: IntArray) -> QueuePlan:
        """The same intervals at other agent counts."""
        return QueuePlan(
            self.interval_s, self.volume, self.aht_s, self.threshold_s, self.patience_s,
            self.concurrency, np.asarray(agents, dtype=np.int64),
        )  # fmt: skip

    def default_warmup_s(self) -> float:
        """One interval, or five handle times of the first interval when longer: an empty
        queue relaxes towards its steady state within a few handle times."""
        aht = self.aht_s[0] if self.volume[0] > 0 else 0.0
        return float(max(self.interval_s[0], 5.0 * aht))


@dataclass(frozen=True)
class SimCounts:
    """Per replication (axis 0) and arrival interval (axis 1): contacts offered, answered,
    answered within the threshold, abandoned, and the total wait of the answered (s)."""

    offered: IntArray
    answered: IntArray
    within: IntArray
    abandoned: IntArray
    wait_s: FloatArray

    def service_level(self) -> Estimate:
        """Answered within the threshold over offered, pooled over replications."""
        return pooled_ratio(self.within, self.offered)

    def asa_s(self) -> Estimate:
        """Mean wait of answered contacts, pooled over replications (seconds)."""
        return pooled_ratio(self.wait_s, self.answered, bounds=False)

    def abandonment(self) -> Estimate:
        """Abandoned over offered, pooled over replications."""
        return pooled_ratio(self.abandoned, self.offered)

    def total(self) -> SimCounts:
        """The counts summed over intervals (one column): figures for the whole plan."""
        return SimCounts(*(a.sum(axis=1, keepdims=True) for a in (
            self.offered, self.answered, self.within, self.abandoned, self.wait_s)))  # fmt: skip


@dataclass(frozen=True)
class _Contacts:
    arrival: FloatArray  # seconds from the start of the warm-up, sorted
    interval: IntArray  # arrival interval, -1 in the warm-up
    handle: FloatArray
    deadline: FloatArray  # arrival + patience (inf: never abandons)


def _draw_contacts(
    q: QueuePlan, rng: np.random.Generator, warmup_s: float, handle_unit: FloatArray | None
) -> _Contacts:
    """One replication's contacts: Poisson counts per interval, uniform times within it."""
    rate = np.divide(q.volume, q.interval_s)
    lengths = np.concatenate([[warmup_s], q.interval_s])
    starts = np.concatenate([[0.0, warmup_s], warmup_s + np.cumsum(q.interval_s)[:-1]])
    means = np.concatenate([[rate[0]], rate]) * lengths
    counts = rng.poisson(means)
    period = np.repeat(np.arange(lengths.size), counts)
    arrival = starts[period] + rng.random(period.size) * lengths[period]
    order = np.argsort(arrival, kind="stable")
    arrival, period = arrival[order], period[order]
    interval = period - 1
    source = np.maximum(interval, 0)  # the warm-up takes the first interval's figures
    aht = np.where(q.volume[source] > 0, q.aht_s[source], 1.0)
    if handle_unit is None:
        handle = rng.exponential(1.0, arrival.size) * aht
    else:
        handle = rng.choice(handle_unit, arrival.size) * aht
    patience = q.patience_s[source]
    with np.errstate(invalid="ignore"):
        wait_limit = np.where(np.isfinite(patience), rng.exponential(1.0, arrival.size), 1.0)
    deadline = arrival + wait_limit * patience
    return _Contacts(arrival, interval, handle, deadline)


def _replay(contacts: _Contacts, boundaries: FloatArray, slots: IntArray) -> FloatArray:
    """Service start time of every contact (NaN: never answered), by a simpy event loop.

    ``boundaries[k]`` is when ``slots[k]`` servers come on duty (the warm-up first)."""
    import simpy

    env = simpy.Environment()
    handle = contacts.handle.tolist()
    deadline = contacts.deadline.tolist()
    start = [math.nan] * len(handle)
    waiting: deque[int] = deque()
    idle = busy = target = 0

    def begin(i: int, now: float) -> None:
        nonlocal busy
        start[i] = now
        busy += 1
        env.timeout(handle[i]).callbacks.append(finish)

    def next_waiting(now: float) -> int:
        while waiting:  # abandoned contacts are dropped when a slot reaches them
            i = waiting.popleft()
            if deadline[i] > now:
                return i
        return -1

    def finish(_event: Any) -> None:
        nonlocal busy, idle
        busy -= 1
        if busy + idle >= target:  # more slots on duty than this interval has: this one leaves
            return
        now = env.now
        i = next_waiting(now)
        if i >= 0:
            begin(i, now)
        else:
            idle += 1

    def arrivals() -> Any:
        nonlocal idle
        for i, t in enumerate(contacts.arrival.tolist()):
            yield env.timeout(max(t - env.now, 0.0))
            if idle:
                idle -= 1
                begin(i, t)
            else:
                waiting.append(i)

    def staffing() -> Any:
        nonlocal idle, target
        for at, want in zip(boundaries.tolist(), slots.tolist(), strict=True):
            yield env.timeout(max(at - env.now, 0.0))
            target = want
            present = idle + busy
            if want < present:  # idle slots leave now, busy ones when their contact ends
                idle -= min(idle, present - want)
                continue
            idle += want - present
            now = env.now
            while idle:
                i = next_waiting(now)
                if i < 0:
                    break
                idle -= 1
                begin(i, now)

    env.process(staffing())
    env.process(arrivals())
    env.run()
    return np.asarray(start, dtype=float)


def _replay_chat(
    contacts: _Contacts, boundaries: FloatArray, agents: IntArray, aht_by_level: FloatArray
) -> FloatArray:
    """Service start time of every chat (NaN: never answered) when an agent holding k chats
    works each of them at the pace of ``aht_by_level[k - 1]`` (CCmath's Erlang Chat, as
    :func:`planning.chat.chat_metrics`): ``contacts.handle`` is each chat's work in handle
    times (mean 1), done at 1 / aht_k per second while its agent holds k chats. A new chat
    goes to the working agent with the fewest chats. The interval's agents x K is a cap on
    the chats in service, as in :func:`_replay`; agents beyond the interval's count (the least
    busy, idle ones at once) take no new chat and leave when their last one ends. With one
    handle time at every level this is :func:`_replay` on agents x K slots, start for start."""
    import simpy

    env = simpy.Environment()
    pace = [0.0, *aht_by_level.tolist()]  # pace[k]: handle time of a chat among k
    k_max = len(pace) - 1
    work = contacts.handle.tolist()
    deadline = contacts.deadline.tolist()
    start = [math.nan] * len(work)
    waiting: deque[int] = deque()
    chats: list[dict[int, float]] = []  # per agent: chat -> work left
    since: list[float] = []  # when the agent's work left was last brought up to date
    version: list[int] = []  # a completion event is stale once its agent's version moved on
    working: list[int] = []  # on duty and taking chats
    by_count: list[set[int]] = [set() for _ in range(k_max + 1)]  # working agents by chats held
    leaving: set[int] = set()  # finishing their chats, then gone
    held = 0  # chats in service, all agents
    cap = 0  # the interval's agents x K

    def advance(a: int, now: float) -> None:
        mine = chats[a]
        if mine:
            done = (now - since[a]) / pace[len(mine)]
            for i in mine:
                mine[i] -= done
        since[a] = now

    def reschedule(a: int) -> None:
        version[a] += 1
        mine = chats[a]
        if mine:
            stamp = version[a]
            event = env.timeout(max(min(mine.values()), 0.0) * pace[len(mine)])
            event.callbacks.append(lambda _e: complete(a, stamp))

    def take(i: int, a: int, now: float) -> None:
        nonlocal held
        advance(a, now)
        count = len(chats[a])
        by_count[count].discard(a)
        by_count[count + 1].add(a)
        chats[a][i] = work[i]
        start[i] = now
        held += 1
        reschedule(a)

    def least_busy() -> int:
        if held >= cap:
            return -1
        for agents_at in by_count[:k_max]:
            if agents_at:
                return next(iter(agents_at))
        return -1

    def next_waiting(now: float) -> int:
        while waiting:
            i = waiting.popleft()
            if deadline[i] > now:
                return i
        return -1

    def serve_waiting(now: float) -> None:
        while waiting:
            a = least_busy()
            i = next_waiting(now) if a >= 0 else -1
            if i < 0:
                return
            take(i, a, now)

    def complete(a: int, stamp: int) -> None:
        nonlocal held
        if stamp != version[a]:
            return
        now = env.now
        advance(a, now)
        mine = chats[a]
        if a in by_count[len(mine)]:  # a working agent: one chat fewer
            by_count[len(mine)].discard(a)
            by_count[len(mine) - 1].add(a)
        del mine[min(mine, key=mine.__getitem__)]
        held -= 1
        if a in leaving and not mine:
            leaving.discard(a)
        reschedule(a)
        serve_waiting(now)

    def arrivals() -> Any:
        for i, t in enumerate(contacts.arrival.tolist()):
            yield env.timeout(max(t - env.now, 0.0))
            a = least_busy()
            if a >= 0:
                take(i, a, t)
            else:
                waiting.append(i)

    def staffing() -> Any:
        nonlocal cap
        for at, want in zip(boundaries.tolist(), agents.tolist(), strict=True):
            yield env.timeout(max(at - env.now, 0.0))
            cap = want * k_max
            while len(working) < want and leaving:  # an agent about to leave stays on
                a = leaving.pop()
                working.append(a)
                by_count[len(chats[a])].add(a)
            while len(working) < want:
                chats.append({})
                since.append(env.now)
                version.append(0)
                working.append(len(chats) - 1)
                by_count[0].add(len(chats) - 1)
            if len(working) > want:  # the least busy go: idle ones at once
                working.sort(key=lambda a: len(chats[a]))
                for a in working[: len(working) - want]:
                    by_count[len(chats[a])].discard(a)
                    if chats[a]:
                        leaving.add(a)
                del working[: len(working) - want]
            serve_waiting(env.now)

    env.process(staffing())
    env.process(arrivals())
    env.run()
    return np.asarray(start, dtype=float)


def _tally(q: QueuePlan, c: _Contacts, start: FloatArray) -> tuple[np.ndarray, ...]:
    n = q.volume.size
    counted = c.interval >= 0
    idx = c.interval[counted]
    begun = start[counted]
    answered = ~np.isnan(begun)
    wait = np.where(answered, begun - c.arrival[counted], 0.0)
    within = answered & (wait <= q.threshold_s[idx] + 1e-9)
    abandoned = ~answered & np.isfinite(c.deadline[counted])
    return (
        np.bincount(idx, minlength=n),
        np.bincount(idx[answered], minlength=n),
        np.bincount(idx[within], minlength=n),
        np.bincount(idx[abandoned], minlength=n),
        np.bincount(idx, weights=wait, minlength=n),
    )


def simulate_counts(
    q: QueuePlan,
    *,
    replications: int = 20,
    seed: int | np.random.SeedSequence = 1,
    handle_unit: ArrayLike | None = None,
    warmup_s: float | None = None,
    aht_by_level: ArrayLike | None = None,
) -> SimCounts:
    """Simulate one queue ``replications`` times; counts per replication and interval.

    ``handle_unit``: handle times with mean 1 to draw from (scaled by each interval's
    ``aht_s``); None draws exponential handle times. The same ``seed`` gives the same contacts
    whatever the agents (common random numbers). ``aht_by_level``: simulate agents who hold up
    to ``len(aht_by_level)`` chats, each at the pace of the level they are at (see
    :func:`_replay_chat`; the queue's ``aht_s`` and ``concurrency`` are then not used)."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    unit = None if handle_unit is None else np.asarray(handle_unit, dtype=float)
    levels = None if aht_by_level is None else np.asarray(aht_by_level, dtype=float)
    if levels is not None:  # handle times in units of the level's handle time
        q = QueuePlan(q.interval_s, q.volume, np.full(q.volume.size, levels[-1]), q.threshold_s,
                      q.patience_s, np.ones_like(q.concurrency), q.agents)  # fmt: skip
    warm = q.default_warmup_s() if warmup_s is None else float(warmup_s)
    # the warm-up, then every interval, each with its slots
    boundaries = np.concatenate([[0.0, warm], warm + np.cumsum(q.interval_s)[:-1]])
    slots = np.concatenate([[q.slots[0]], q.slots])
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rows = []
    for child in sequence.spawn(replications):
        contacts = _draw_contacts(q, np.random.default_rng(child), warm, unit)
        if levels is None:
            start = _replay(contacts, boundaries, slots)
        else:
            contacts = _Contacts(contacts.arrival, contacts.interval,
                                 contacts.handle / levels[-1], contacts.deadline)  # fmt: skip
            start = _replay_chat(contacts, boundaries, slots, levels)
        rows.append(_tally(q, contacts, start))
    offered, answered, within, abandoned, wait = (np.array(a) for a in zip(*rows, strict=True))
    return SimCounts(offered, answered, within, abandoned, wait)


# ---------------------------------------------------------------------------------------------
# Plans (DataFrames): checks, queues, the Erlang prediction next to the simulation.


def _agents_column(plan: pd.DataFrame) -> str:
    for name in ("agents", "agents_raw"):
        if name in plan.columns:
            return name
    raise PlanningInputError(
        "missing column agents (or agents_raw)",
        hint="give the agents on the phones per interval in a column agents (a staff or plan "
        "output has agents_raw), or replay a schedule with --coverage",
    )


def _queue_keys(plan: pd.DataFrame) -> pd.Series:
    if "queue" not in plan.columns:
        return pd.Series("", index=plan.index)
    return plan["queue"].astype("string").fillna("").astype(str)


def interval_instants(frame: pd.DataFrame) -> pd.Series:
    """``interval_start`` as UTC instants. A time with an offset is read as written; a time
    without one is UTC, or wall-clock time when the frame has a ``utc_offset`` column
    (``UTC+01:00``, as ``plan --timezone`` writes it: it tells the hours of a DST change
    apart)."""
    text = frame["interval_start"].astype("string")
    parsed = pd.to_datetime(text, format="ISO8601", utc=True)
    minutes = utc_offset_minutes(frame)
    if minutes is None:
        return parsed
    naive = ~text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})\s*$", regex=True).fillna(False)
    shift = np.nan_to_num(np.where(naive.to_numpy(dtype=bool), minutes, 0.0))
    return parsed - pd.to_timedelta(shift, unit="min")


def _check_consecutive(plan: pd.DataFrame, rows: IntArray, interval_s: FloatArray) -> None:
    """Each interval of a queue must start where the one before it ends."""
    if "interval_start" not in plan.columns or rows.size < 2:
        return
    raw = plan["interval_start"].iloc[rows]
    parsed = interval_instants(plan).iloc[rows]
    seconds = (parsed - parsed.iloc[0]).dt.total_seconds().to_numpy()
    expected = np.concatenate([[0.0], np.cumsum(interval_s)[:-1]])
    bad = np.flatnonzero(np.abs(seconds - expected) > 1e-6)
    if bad.size:
        k = int(bad[0])
        raise PlanningInputError(
            f"row {int(rows[k]) + 1}, column interval_start: {raw.iloc[k]} does not start where "
            f"row {int(rows[k - 1]) + 1} ends ({raw.iloc[k - 1]} + {_fmt(interval_s[k - 1])} s)",
            hint="simulate replays consecutive intervals: list every interval of a queue in time "
            "order, closed ones with volume 0 and agents 0",
        )


@dataclass(frozen=True)
class _Prepared:
    plan: pd.DataFrame  # the input with ``agents`` from the chosen column
    erlang: pd.DataFrame  # staff() at those agents
    queues: list[tuple[str, IntArray, QueuePlan]] = field(default_factory=list)
    sl_target: FloatArray = field(default_factory=lambda: np.zeros(0))


def _prepare(plan: pd.DataFrame, replications: int) -> _Prepared:
    from supportstats.planning.staffing import staff

    if not 1 <= replications <= MAX_REPLICATIONS:
        raise PlanningInputError(
            f"replications {replications} is not between 1 and {MAX_REPLICATIONS:,}",
            hint="20 replications give service levels within a point or two per interval",
        )
    column = _agents_column(plan)
    agents = numeric_column(plan, column, None)
    check(agents, column, f"agents on the phones, a whole number up to {MAX_AGENTS:,}",
          whole=True, at_most=MAX_AGENTS)  # fmt: skip
    frame = plan.copy()
    frame["agents"] = agents
    erlang = staff(frame, sl_definition="offered")  # checks every staff column, row by row
    volume = numeric_column(erlang, "volume", None)
    interval_s = numeric_column(erlang, "interval_s", None)
    threshold = numeric_column(erlang, "sl_threshold_s", None)
    patience = numeric_column(erlang, "patience_s", np.nan)
    concurrency = numeric_column(erlang, "concurrency", 1.0).astype(np.int64)
    aht = np.where(volume > 0, numeric_column(erlang, "aht_s", None), 1.0)
    threshold = np.where(volume > 0, threshold, 0.0)
    patience = np.where(np.isnan(patience), np.inf, patience)
    total = float(volume.sum()) * replications
    if total > MAX_SIM_CONTACTS:
        raise PlanningInputError(
            f"{_fmt(float(volume.sum()))} contacts x {replications} replications is more than "
            f"{MAX_SIM_CONTACTS:,} simulated contacts",
            hint="simulate fewer replications or a shorter plan (a week at a time)",
        )
    keys = _queue_keys(plan)
    queues = []
    for key in dict.fromkeys(keys.tolist()):
        rows = np.flatnonzero((keys == key).to_numpy())
        _check_consecutive(plan, rows, interval_s[rows])
        q = QueuePlan(interval_s[rows], volume[rows], aht[rows], threshold[rows], patience[rows],
                      concurrency[rows], agents[rows].astype(np.int64))  # fmt: skip
        queues.append((key, rows, q))
    sl_target = numeric_column(erlang, "sl_target", np.nan)
    return _Prepared(frame, erlang, queues, sl_target)


def queue_plans(plan: pd.DataFrame) -> dict[str, QueuePlan]:
    """The plan's queues, checked as :func:`simulate_plan` checks them ("" when the plan has no
    ``queue`` column), for :func:`simulate_counts` (e.g. figures for a whole plan with their
    interval: ``simulate_counts(q).total().service_level()``)."""
    return {key: q for key, _, q in _prepare(plan, 1).queues}


def _unit_sample(handle_s: ArrayLike, queue: str) -> FloatArray:
    values = np.asarray(handle_s, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size < MIN_HANDLE_SAMPLE:
        where = f" of queue {queue}" if queue else ""
        raise PlanningInputError(
            f"only {values.size} handle times{where} to draw from (at least "
            f"{MIN_HANDLE_SAMPLE} are needed)",
            hint="use --handle-times exponential, or import more history",
        )
    return values / values.mean()


def _handle_units(
    prepared: _Prepared, handle_times: str, handle_sample: Any
) -> dict[str, FloatArray | None]:
    if handle_times not in HANDLE_TIMES:
        raise PlanningInputError(
            f"handle times {handle_times!r} is not one of {', '.join(HANDLE_TIMES)}",
            hint="exponential (the Erlang assumption) or history (the warehouse's distribution)",
        )
    keys = [key for key, _, _ in prepared.queues]
    if handle_times == "exponential":
        return dict.fromkeys(keys)
    if handle_sample is None:
        raise PlanningInputError(
            "history handle times need handle_sample, the history's handle times in seconds",
            hint="read them with planning.history.contact_history(conn, queue)['handle_s'] "
            "(the CLI: --db)",
        )
    if isinstance(handle_sample, Mapping):
        missing = [k for k in keys if k not in handle_sample]
        if missing:
            raise PlanningInputError(
                f"no handle times for queue {missing[0]!r}",
                hint="give handle_sample one entry per queue of the plan",
            )
        return {k: _unit_sample(handle_sample[k], k) for k in keys}
    unit = _unit_sample(handle_sample, "")
    return dict.fromkeys(keys, unit)


def _frame(prepared: _Prepared, results: dict[str, SimCounts], agents: IntArray) -> pd.DataFrame:
    plan, erlang = prepared.plan, prepared.erlang
    size = len(plan)
    columns: dict[str, np.ndarray] = {
        k: np.full(size, np.nan)
        for k in ("service_level_sim", "service_level_sim_low", "service_level_sim_high",
                  "asa_sim_s", "abandon_sim", "offered_sim")
    }  # fmt: skip
    for key, rows, _ in prepared.queues:
        counts = results[key]
        sl, asa, ab = counts.service_level(), counts.asa_s(), counts.abandonment()
        columns["service_level_sim"][rows] = sl.value
        columns["service_level_sim_low"][rows] = sl.low
        columns["service_level_sim_high"][rows] = sl.high
        columns["asa_sim_s"][rows] = asa.value
        columns["abandon_sim"][rows] = ab.value
        columns["offered_sim"][rows] = counts.offered.mean(axis=0)
    out = pd.DataFrame(index=plan.index)
    if "queue" in plan.columns:
        out["queue"] = _queue_keys(plan)
    if "interval_start" in plan.columns:
        out["interval_start"] = plan["interval_start"]
    else:
        out["interval"] = np.arange(1, size + 1)
    out["agents"] = agents
    # A backlog-model row (e-mail, tickets) has no Erlang prediction: Erlang C at its agents
    # would be a figure the plan never used.
    erlang_rows = _erlang_rows(plan)
    out["service_level_erlang"] = _only(erlang["service_level"], erlang_rows)
    for k in ("service_level_sim", "service_level_sim_low", "service_level_sim_high",
              "asa_sim_s", "abandon_sim"):  # fmt: skip
        out[k] = columns[k]
    out["volume"] = numeric_column(erlang, "volume", None)
    out["offered_sim"] = columns["offered_sim"]
    out["asa_erlang_s"] = _only(erlang["asa_s"], erlang_rows)
    abandon = erlang["abandon_probability"].to_numpy(dtype=float)
    out["abandon_erlang"] = _only(pd.Series(np.where(np.isnan(abandon), 0.0, abandon)), erlang_rows)
    if "utc_offset" in plan.columns:  # local times: the offset tells a DST hour apart
        out["utc_offset"] = plan["utc_offset"]
    return out.reset_index(drop=True)


def _erlang_rows(plan: pd.DataFrame) -> np.ndarray:
    """Rows a queueing model planned: all but a plan's ``model == "backlog"`` rows."""
    if "model" not in plan.columns:
        return np.ones(len(plan), dtype=bool)
    return (plan["model"].astype("string").fillna("") != "backlog").to_numpy(dtype=bool)


def _only(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``values`` where ``rows``, NaN elsewhere."""
    return np.where(rows, values.to_numpy(dtype=float), np.nan)


def queue_seed(seed: int, queue: str = "") -> np.random.SeedSequence:
    """The random stream of one queue: from the seed and the queue's name, so a queue gives
    the same figures alone (``--queue``) as within the whole plan."""
    return np.random.SeedSequence([seed, zlib.crc32(queue.encode("utf-8"))])


def simulate_plan(
    plan: pd.DataFrame,
    *,
    replications: int = 20,
    seed: int = 1,
    handle_times: str = "exponential",
    handle_sample: ArrayLike | Mapping[str, ArrayLike] | None = None,
    warmup_s: float | None = None,
    aht_by_level: ArrayLike | None = None,
) -> pd.DataFrame:
    """Simulate a plan and put the result next to the Erlang prediction, one row per interval.

    ``plan`` has ``staff``'s input columns plus ``agents`` (or ``agents_raw``, a ``staff`` or
    ``plan`` output); a ``queue`` column splits it into queues simulated separately (each
    queue's intervals consecutive, in time order). ``handle_times="history"`` draws handle
    times from ``handle_sample`` (seconds; one array, or one per queue key), rescaled to each
    interval's ``aht_s``. ``warmup_s``: see the module docstring (None: one interval or five
    handle times). ``aht_by_level`` (seconds, one per concurrency level 1..K): agents hold up
    to K chats, each worked at the pace of the agent's current level, and the Erlang columns
    come from :func:`planning.chat.chat_metrics` (CCmath's Erlang Chat) at the same agents;
    the plan's ``aht_s`` and ``concurrency`` are then not used.

    Columns: [``queue``], ``interval_start`` (``interval``, 1.., when the plan has none), then
    ``SIM_COLUMNS``: the simulated service level pooled over replications with its 95 %
    interval, the mean wait of answered contacts, the abandoned share, the contacts offered
    per replication, and Erlang's service level, ASA and abandonment at the same agents.
    Bad input raises ``PlanningInputError`` naming the row and column.
    """
    prepared = _prepare(plan, replications)
    units = _handle_units(prepared, handle_times, handle_sample)
    levels = None
    if aht_by_level is not None:
        levels = _check_levels(aht_by_level)
        prepared = _with_chat_erlang(prepared, levels)
    results = {
        key: simulate_counts(
            q,
            replications=replications,
            seed=queue_seed(seed, key),
            handle_unit=units[key],
            warmup_s=warmup_s,
            aht_by_level=levels,
        )  # fmt: skip
        for key, _, q in prepared.queues
    }
    return _frame(prepared, results, prepared.plan["agents"].to_numpy(dtype=np.int64))


def _check_levels(aht_by_level: ArrayLike) -> FloatArray:
    from supportstats.planning._validate import MAX_CONCURRENCY

    try:
        levels = np.asarray(aht_by_level, dtype=float)
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    if levels.ndim != 1 or not 1 <= levels.size <= MAX_CONCURRENCY or not np.all(levels > 0):
        raise PlanningInputError(
            f"aht by level {aht_by_level!r} is not 1 to {MAX_CONCURRENCY} positive handle times",
            hint="the handle time (s) of a chat while its agent holds 1, 2, 3 ... chats, "
            "e.g. 180,210,240",
        )
    if not np.all(np.isfinite(levels)):
        raise PlanningInputError(
            "aht by level has an infinite handle time", hint="give seconds, e.g. 180,210,240"
        )
    return levels


def _with_chat_erlang(prepared: _Prepared, levels: FloatArray) -> _Prepared:
    """The Erlang columns from Erlang Chat (``chat_metrics``) at the plan's agents."""
    from supportstats.planning.chat import chat_metrics

    erlang = prepared.erlang.copy()
    agents = prepared.plan["agents"].to_numpy(dtype=np.int64)
    patience = numeric_column(erlang, "patience_s", np.inf)
    volume = numeric_column(erlang, "volume", None)
    threshold = np.where(volume > 0, numeric_column(erlang, "sl_threshold_s", None), 0.0)
    figures = chat_metrics(
        volume, numeric_column(erlang, "interval_s", None), agents, levels, threshold,
        np.where(np.isnan(patience), np.inf, patience), definition="offered",
    )  # fmt: skip
    erlang["service_level"] = figures["service_level"]
    erlang["asa_s"] = figures["asa_s"]
    erlang["abandon_probability"] = figures["abandon_probability"]
    return _Prepared(prepared.plan, erlang, prepared.queues, prepared.sl_target)


# ---------------------------------------------------------------------------------------------
# Iterative staffing: raise the agents where the simulation misses the target, simulate again.


@dataclass(frozen=True)
class IterationResult:
    """What :func:`iterate_staffing` found.

    ``plan``: :func:`simulate_plan`'s columns at the iterated agents, with ``agents`` (the
    plan's), ``agents_iterated`` and ``service_level_sim_initial`` (simulated at the plan's
    agents; ``service_level_erlang`` is also at the plan's agents). ``below_target``: intervals
    whose simulated service level missed the target, after each simulation (all queues);
    ``converged``: the last simulation met the target everywhere."""

    plan: pd.DataFrame
    iterations: int
    below_target: list[int]
    converged: bool


def _staff_frame(q: QueuePlan, rows: IntArray, target: FloatArray, scale: FloatArray,
                 agents: IntArray | None) -> pd.DataFrame:  # fmt: skip
    frame = pd.DataFrame({
        "volume": q.volume[rows] * scale, "interval_s": q.interval_s[rows],
        "aht_s": q.aht_s[rows], "sl_target": target[rows],
        "sl_threshold_s": q.threshold_s[rows],
        "patience_s": np.where(np.isfinite(q.patience_s[rows]), q.patience_s[rows], np.nan),
        "concurrency": q.concurrency[rows],
    })  # fmt: skip
    if agents is not None:
        frame["agents"] = agents
    return frame


#: Largest load factor an interval's simulated service level is read as (see _raised_agents).
_MAX_LOAD_FACTOR = 3.0


def _erlang_sl(
    q: QueuePlan, rows: IntArray, target: FloatArray, scale: FloatArray, levels: FloatArray | None
) -> np.ndarray:
    """Erlang's service level at the rows' agents and ``scale`` times their volume:
    ``staff``'s model, or Erlang Chat (``chat_metrics``) with ``levels``."""
    from supportstats.planning.chat import chat_metrics
    from supportstats.planning.staffing import staff

    if levels is None:
        frame = _staff_frame(q, rows, target, scale, q.agents[rows])
        return staff(frame)["service_level"].to_numpy()
    return chat_metrics(
        q.volume[rows] * scale, q.interval_s[rows], q.agents[rows], levels, q.threshold_s[rows],
        q.patience_s[rows], definition="offered",
    )["service_level"]  # fmt: skip


def _erlang_agents(
    q: QueuePlan, rows: IntArray, target: FloatArray, scale: FloatArray, levels: FloatArray | None
) -> np.ndarray:
    """The agents Erlang needs for the target at ``scale`` times the rows' volume."""
    from supportstats.planning.chat import chat_agents
    from supportstats.planning.staffing import staff

    if levels is None:
        return staff(_staff_frame(q, rows, target, scale, None))["agents_raw"].to_numpy()
    return chat_agents(
        q.volume[rows] * scale, q.interval_s[rows], levels, target[rows], q.threshold_s[rows],
        q.patience_s[rows],
    )  # fmt: skip


def _raised_agents(
    q: QueuePlan,
    target: FloatArray,
    sl_sim: FloatArray,
    failing: IntArray,
    levels: FloatArray | None = None,
) -> IntArray:
    """New agents for the intervals that missed the target.

    A failing interval behaves like a stationary queue with more load than its own (the
    backlog and the busy agents it inherits): find the load factor m at which Erlang, at the
    interval's agents, predicts the simulated service level (bisection, m at most 3; m = 1 for
    an interval without agents, where Erlang says 0 at any load), then give the interval the
    agents Erlang needs for the target at m times the load, and at least one more than it has.
    (Half that step converged in 11 simulations instead of 8 on the test suite's sinusoidal
    day, for the same final staffing: a backlog makes the simulated service level rise more
    slowly with agents than Erlang's, so the full step does not overshoot.)"""
    agents = q.agents.copy()
    now = agents[failing]
    lo = np.full(failing.size, 1e-3)
    hi = np.full(failing.size, _MAX_LOAD_FACTOR)
    for _ in range(20):
        mid = np.sqrt(lo * hi)
        sl = _erlang_sl(q, failing, target, mid, levels)
        above = sl > sl_sim[failing]  # Erlang at this load still does better: more load
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    factor = np.where(now > 0, hi, 1.0)
    needed = _erlang_agents(q, failing, target, factor, levels)
    raised = np.maximum(needed, now + 1)
    per_agent = q.concurrency[failing] if levels is None else levels.size
    agents[failing] = np.minimum(raised, MAX_AGENTS // per_agent)
    return agents


def iterate_staffing(
    plan: pd.DataFrame,
    *,
    replications: int = 20,
    seed: int = 1,
    max_iterations: int = 10,
    handle_times: str = "exponential",
    handle_sample: ArrayLike | Mapping[str, ArrayLike] | None = None,
    warmup_s: float | None = None,
    aht_by_level: ArrayLike | None = None,
) -> IterationResult:
    """Simulation-based iterative staffing (after Feldman, Mandelbaum, Massey & Whitt 2008).

    Starting from the plan's agents, simulate (``replications``, the same contacts every time:
    common random numbers), raise the agents of every interval whose pooled simulated service
    level is below its ``sl_target`` (see :func:`_raised_agents`), and simulate again, until
    every interval meets its target or ``max_iterations`` simulations have run. Agents are only
    raised, never lowered, so the loop always ends and never undoes a fix. Queues iterate
    separately. With ``aht_by_level`` the agents are simulated and raised with Erlang Chat
    (``chat_metrics``, ``chat_agents``). Returns an :class:`IterationResult`; options as
    :func:`simulate_plan`.
    """
    if max_iterations < 1:
        raise PlanningInputError(
            f"max iterations {max_iterations} is below 1", hint="e.g. 10 (each is one simulation)"
        )
    prepared = _prepare(plan, replications)
    busy = prepared.erlang["volume"].pipe(pd.to_numeric).to_numpy(dtype=float) > 0
    check(prepared.sl_target, "sl_target",
          "a service level target is a fraction above 0 and below 1, e.g. 0.8",
          positive=True, below_one=True, where=busy)  # fmt: skip
    units = _handle_units(prepared, handle_times, handle_sample)
    levels = None
    if aht_by_level is not None:
        levels = _check_levels(aht_by_level)
        prepared = _with_chat_erlang(prepared, levels)
    size = len(prepared.plan)
    agents_final = prepared.plan["agents"].to_numpy(dtype=np.int64).copy()
    initial_sl = np.full(size, np.nan)
    results: dict[str, SimCounts] = {}
    below: list[np.ndarray] = []
    for key, rows, q in prepared.queues:
        target = prepared.sl_target[rows]
        missed = []
        for step in range(max_iterations):
            counts = simulate_counts(q, replications=replications, seed=queue_seed(seed, key),
                                     handle_unit=units[key], warmup_s=warmup_s,
                                     aht_by_level=levels)  # fmt: skip
            sl = counts.service_level().value
            if step == 0:
                initial_sl[rows] = sl
            failing = np.flatnonzero(sl < target)  # NaN (no contacts) never fails
            missed.append(failing.size)
            if failing.size == 0 or step == max_iterations - 1:
                break
            q = q.with_agents(_raised_agents(q, target, sl, failing, levels))
        results[key] = counts
        agents_final[rows] = q.agents
        below.append(np.array(missed))
    longest = max(len(m) for m in below)
    totals = [int(sum(m[min(k, len(m) - 1)] for m in below)) for k in range(longest)]
    out = _frame(prepared, results, prepared.plan["agents"].to_numpy(dtype=np.int64))
    # after the contract's columns, which keep their places
    out.insert(out.columns.get_loc("abandon_sim") + 1, "agents_iterated", agents_final)
    out["service_level_sim_initial"] = initial_sl
    return IterationResult(out, longest, totals, totals[-1] == 0)


# ---------------------------------------------------------------------------------------------
# A schedule's coverage as the agents of a plan.


class CoverageError(PlanningInputError):
    """The coverage table (``supportstats schedule --coverage``) cannot be used with the plan."""


def agents_from_coverage(plan: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The plan with ``agents`` from a schedule's coverage (``interval_start, required,
    scheduled``): agents on the phones = floor(scheduled x (1 - shrinkage)), shrinkage being the
    plan's column (0 when absent), since ``scheduled`` counts paid agents as ``agents_scheduled``
    does. Rows match on ``interval_start`` (and ``queue`` when both tables have one); every plan
    interval needs a coverage row. Raises :class:`CoverageError` (coverage rows counted from 1).
    """
    from supportstats.planning._validate import check_times

    for name in ("interval_start", "scheduled"):
        if name not in coverage.columns:
            raise CoverageError(
                f"missing column {name}",
                hint="give the coverage CSV that supportstats schedule --coverage writes "
                "(interval_start, required, scheduled)",
            )
    if "interval_start" not in plan.columns:
        raise PlanningInputError(
            "missing column interval_start",
            hint="a plan replayed with --coverage needs interval_start to match the coverage",
        )
    try:
        check_times(coverage, "interval_start")
        scheduled = numeric_column(coverage, "scheduled", None)
        check(scheduled, "scheduled", "agents scheduled, a whole number", whole=True)
    except PlanningInputError as exc:
        raise CoverageError(exc.message, exc.hint) from None
    check_times(plan, "interval_start")
    shrinkage = numeric_column(plan, "shrinkage", 0.0)
    check(shrinkage, "shrinkage", "a fraction from 0 to below 1, e.g. 0.3", below_one=True)
    by_queue = "queue" in coverage.columns and "queue" in plan.columns
    plan_keys = _queue_keys(plan)
    if not by_queue and plan_keys.nunique() > 1:
        raise CoverageError(
            "the coverage has no queue column but the plan has several queues",
            hint="replay one queue at a time (--queue), or add a queue column to the coverage",
        )
    try:
        times = interval_instants(coverage)
    except PlanningInputError as exc:
        raise CoverageError(exc.message, exc.hint) from None
    left = pd.DataFrame({"t": interval_instants(plan).to_numpy()})
    right = pd.DataFrame({"t": times.to_numpy(), "scheduled": scheduled})
    if by_queue:
        left["q"] = plan_keys.to_numpy()
        right["q"] = _queue_keys(coverage).to_numpy()
    keys = ["q", "t"] if by_queue else ["t"]
    twice = right.duplicated(keys)
    if twice.any():
        row = int(np.flatnonzero(twice.to_numpy())[0])
        raise CoverageError(
            f"row {row + 1}, column interval_start: {coverage['interval_start'].iloc[row]} "
            "is there twice",
            hint="one coverage row per interval (and queue)",
        )
    merged = left.merge(right, on=keys, how="left")
    missing = np.flatnonzero(merged["scheduled"].isna().to_numpy())
    if missing.size:
        row = int(missing[0])
        raise CoverageError(
            f"no row for interval_start {plan['interval_start'].iloc[row]} (plan row {row + 1})",
            hint="the coverage must span the plan: schedule the same intervals, or cut the plan",
        )
    on_phones = merged["scheduled"].to_numpy(dtype=float) * (1.0 - shrinkage)
    # floor, with a quotient within 1e-9 of a whole number taken as that number (20 x 0.65)
    nearest = np.rint(on_phones)
    close = np.abs(on_phones - nearest) <= 1e-9 * np.maximum(1.0, nearest)
    out = plan.copy()
    out["agents"] = np.where(close, nearest, np.floor(on_phones)).astype(np.int64)
    return out
