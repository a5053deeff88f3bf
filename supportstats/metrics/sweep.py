"""The concurrency sweep: each agent's step function c(t) from their engagement stretches.

Every stretch [s, e) is +1 at s and -1 at e; the events of all agents sorted by (agent, time)
and summed give c(t) (research/analytics.md §2.9). This is one sort and one cumulative sum, so
it runs in numpy: a window function over 20M events in DuckDB sorts as well but then pays for
the window frames, about three times the cost of the sort itself.

The sort key packs agent, time, chat flag and start flag into one int64 when they fit (they do
for years of data at microsecond precision and thousands of agents, and for decades when every
timestamp is a whole second); otherwise a lexicographic sort of the columns gives the same
order, more slowly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Segments:
    """Constant stretches of c(t) >= 1: agent index, [start, end) in µs, c and open chats."""

    agent: np.ndarray  # int32, index into the caller's agent list
    start_us: np.ndarray  # int64
    end_us: np.ndarray  # int64
    c: np.ndarray  # int32, engagements open over [start, end)
    chats: np.ndarray  # int32, of which chats


# flags of an event (bit 0: start, bit 1: chat) -> its step of the packed running count:
# open engagements in the low 32 bits, open chats in the high ones
_STEP = np.array([-1, 1, -(1 + (1 << 32)), 1 + (1 << 32)], np.int64)


def _time_unit(agent_bits: int, span_us: int) -> int | None:
    """The finest of 1 µs, 1 ms, 1 s (in µs) at which agent, time and two flags fit in 63 bits
    (None: none does)."""
    for unit in (1, 1_000, 1_000_000):
        if agent_bits + max((span_us // unit).bit_length(), 1) + 2 <= 63:
            return unit
    return None


def _packed_keys(
    agent: np.ndarray, start_us: np.ndarray, end_us: np.ndarray, is_chat: np.ndarray
) -> tuple[np.ndarray, int, int, int] | None:
    """Sorted event keys ``agent | time | chat | start`` (bits from high to low), with the
    agent shift, time unit and time base; None when they do not fit in 63 bits."""
    base = int(start_us.min())
    span = int(end_us.max()) - base
    agent_bits = max(int(agent.max()).bit_length(), 1)
    unit = _time_unit(agent_bits, span)
    if unit is None or (
        unit > 1 and (np.any(start_us % unit) or np.any(end_us % unit))
    ):  # a coarser unit would merge distinct instants
        return None
    shift = max((span // unit).bit_length(), 1) + 2
    n = len(agent)
    key = np.empty(2 * n, np.int64)
    high = agent.astype(np.int64) << shift
    high |= is_chat.astype(np.int64) << 1
    for half, times, flag in ((key[:n], start_us, 1), (key[n:], end_us, 0)):
        # in place: a few passes over 10M int64 instead of as many temporaries
        np.subtract(times, base, out=half)
        if unit > 1:
            np.floor_divide(half, unit, out=half)
        np.left_shift(half, 2, out=half)
        np.bitwise_or(half, high, out=half)
        if flag:
            np.bitwise_or(half, 1, out=half)
    key.sort()
    return key, shift, unit, base


@dataclass(frozen=True)
class _Events:
    """Start and end events sorted by (agent, time), with the running counts after each."""

    step: np.ndarray  # int64, time to the next event in ``unit`` µs (meaningful while c > 0)
    unit: int
    c: np.ndarray  # int32, engagements open after the event (and its instant's earlier ones)
    counts: np.ndarray  # int64, c in the low 32 bits, open chats in the high ones
    agent_of: Callable[[np.ndarray], np.ndarray]  # agent index of chosen rows
    time_of: Callable[[np.ndarray], np.ndarray]  # epoch µs of chosen rows


def _events(
    agent: np.ndarray, start_us: np.ndarray, end_us: np.ndarray, is_chat: np.ndarray, pack: bool
) -> _Events:
    packed = _packed_keys(agent, start_us, end_us, is_chat) if pack else None
    if packed is not None:
        key, shift, unit, base = packed
        # within one agent, key >> 2 is the time in units: its differences are the steps
        code = key >> 2
        step = code[1:] - code[:-1]
        del code
        flags = np.bitwise_and(key, 3, out=np.empty(len(key), np.int8), casting="unsafe")

        def agent_of(rows: np.ndarray) -> np.ndarray:
            return (key[rows] >> shift).astype(np.int32)

        def time_of(rows: np.ndarray) -> np.ndarray:
            picked = key[rows]
            picked &= (1 << shift) - 1
            picked >>= 2
            if unit > 1:
                picked *= unit
            picked += base
            return picked

    else:
        a = np.concatenate([agent, agent]).astype(np.int32)
        t = np.concatenate([start_us, end_us]).astype(np.int64)
        order = np.lexsort((t, a))
        a, t = a[order], t[order]
        chat = is_chat.astype(np.int8) << 1
        flags = np.concatenate([chat | 1, chat])[order]
        step, unit = t[1:] - t[:-1], 1

        def agent_of(rows: np.ndarray) -> np.ndarray:
            return a[rows]

        def time_of(rows: np.ndarray) -> np.ndarray:
            return t[rows]

    # both counts in one cumulative sum (in place: 20M events are 160 MB a pass); each stays
    # >= 0 at every step, so the halves never borrow from each other
    counts = _STEP[flags]
    np.cumsum(counts, out=counts)
    return _Events(step, unit, counts.astype(np.int32), counts, agent_of, time_of)


def _pieces(ev: _Events) -> np.ndarray:
    """Rows that start a piece of c >= 1: the row after an instant's last event carries c
    until the next instant (step > 0); c > 0 means the agent still has engagements open, so
    the next event is the same agent's."""
    return np.flatnonzero((ev.c[:-1] > 0) & (ev.step > 0))


def sweep(
    agent: np.ndarray,
    start_us: np.ndarray,
    end_us: np.ndarray,
    is_chat: np.ndarray,
    pack: bool = True,
) -> Segments:
    """Segments of constant concurrency >= 1 per agent, from stretches with ``end > start``.

    ``agent`` holds small non-negative integers (an index into the caller's agent list); times
    are epoch microseconds. All events at one instant are applied together: a chat ending when
    another starts leaves c unchanged. ``pack=False`` forces the slower lexicographic sort (the
    tests compare both). Segments come ordered by agent, then time.
    """
    if len(agent) == 0:
        none = np.empty(0, np.int64)
        return Segments(none.astype(np.int32), none, none, none.astype(np.int32),
                        none.astype(np.int32))  # fmt: skip
    ev = _events(agent, start_us, end_us, is_chat, pack)
    rows = _pieces(ev)
    start = ev.time_of(rows)
    return Segments(
        ev.agent_of(rows),
        start,
        start + ev.step[rows] * ev.unit,
        ev.c[rows],
        (ev.counts[rows] >> 32).astype(np.int32),
    )


def per_agent(
    agent: np.ndarray,
    start_us: np.ndarray,
    end_us: np.ndarray,
    is_chat: np.ndarray,
    k: int,
    pack: bool = True,
) -> dict[str, np.ndarray]:
    """Per agent (``agent``, ascending) over the same stretches as :func:`sweep`: ``busy_s``
    (time with c >= 1), ``cd_s`` (integral of c dt), ``max_c`` and ``busy_ge_k_s`` (time with
    c >= k), seconds as float64.

    Summed straight from the sorted events, without building the segments: concurrency over a
    whole period per agent needs only these sums.
    """
    if len(agent) == 0:
        return {"agent": np.empty(0, np.int32), "busy_s": np.empty(0), "cd_s": np.empty(0),
                "max_c": np.empty(0, np.int32), "busy_ge_k_s": np.empty(0)}  # fmt: skip
    ev = _events(agent, start_us, end_us, is_chat, pack)
    rows = _pieces(ev)
    owner = ev.agent_of(rows)
    # the pieces are ordered by agent: each agent is one run
    first = np.flatnonzero(np.diff(owner, prepend=-1))
    seconds = ev.step[rows] * (ev.unit / 1e6)
    c = ev.c[rows]
    return {
        "agent": owner[first],
        "busy_s": np.add.reduceat(seconds, first),
        "cd_s": np.add.reduceat(seconds * c, first),
        "max_c": np.maximum.reduceat(c, first),
        "busy_ge_k_s": np.add.reduceat(np.where(c >= k, seconds, 0.0), first),
    }
