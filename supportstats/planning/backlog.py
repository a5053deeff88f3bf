"""Agents per interval for e-mail and ticket queues: workload, a deadline and a backlog.

An e-mail is not an Erlang queue: nobody hangs up, the work waits, and the target is a
response time of hours. So the model is a fluid (deterministic) backlog, not a queue:

* the work arriving in interval i is ``volume x aht_s`` agent-seconds;
* it is due by the end of the ``k``-th open interval after it, ``k = floor(deadline / interval)``
  (counting the interval itself when it is open: k = 0 means "done in the same interval").
  The deadline runs from the interval's end, as if its work all arrived last: the first
  arrival of an interval may wait up to one interval longer than ``deadline``.
  Work arriving while the queue is closed is due as if it arrived when it opens, so the
  deadline runs in opening hours (a business-hours response target);
* an agent on the queue does ``interval_s x max_occupancy`` seconds of work per interval, and
  agents only work in open intervals;
* the plan is the fewest agents, interval by interval, that finish all work due by each
  interval's end (the latest schedule that meets every deadline: any staffing meeting the
  deadlines has at least this much cumulative capacity at every interval end). Agents work
  as soon as work is there, so capacity left over by rounding up clears newer work early;
  unfinished work (not yet due) is carried to the next interval as backlog.

Work that arrived before the plan starts is unknown; the horizon's first whole week (or day)
is replayed before it as a warm-up, so the first intervals carry the backlog a repeating
week would leave them instead of starting empty.

Queues are the rows of 2-D arrays: the loop runs over intervals only, every queue at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supportstats.planning.staffing import ceil_exact

DAY_S = 86400.0
WEEK_S = 7 * DAY_S


@dataclass(frozen=True)
class BacklogPlan:
    """Per queue (row) and interval (column): agents on the queue, work done in the interval,
    work waiting at its end and work due by its end (agent-seconds)."""

    agents: np.ndarray
    done_s: np.ndarray
    backlog_s: np.ndarray
    due_s: np.ndarray


def due_rank(open_: np.ndarray, deadline_intervals: np.ndarray) -> np.ndarray:
    """For each interval, the open interval (1-based rank among the open ones, per row) by
    whose end its work is due: opens before it + 1 + ``deadline_intervals``.

    >>> due_rank(np.array([[True, False, True, True]]), np.array([1])).tolist()
    [[2, 3, 3, 4]]
    """
    open_ = np.asarray(open_, dtype=bool)
    opens_before = np.cumsum(open_, axis=1) - open_
    return opens_before + 1 + np.asarray(deadline_intervals, dtype=np.int64)[:, None]


def backlog_staffing(
    work_s: np.ndarray,
    interval_s: float,
    deadline_s: np.ndarray | float,
    *,
    max_occupancy: np.ndarray | float = 1.0,
    open_: np.ndarray | None = None,
    warmup: int = 0,
) -> BacklogPlan:
    """Fewest agents per interval that finish each interval's work by its deadline.

    ``work_s``: agent-seconds arriving per interval, shape (queues, intervals) or (intervals,).
    ``deadline_s`` and ``max_occupancy``: one per queue (or one for all). ``open_``: where
    agents may work (default: everywhere). The first ``warmup`` intervals are a warm-up: they
    are computed and left out of the answer. Returns a :class:`BacklogPlan` of the input's
    shape (without the warm-up).

    One e-mail queue, 30-minute intervals, 1 hour deadline, 1,800 s of work per agent: work
    due at the end of interval j is what arrived two intervals before.

    >>> plan = backlog_staffing(np.array([3600.0, 0, 0, 0]), 1800.0, 3600.0)
    >>> plan.agents.tolist(), plan.backlog_s.tolist()
    ([0, 0, 2, 0], [3600.0, 3600.0, 0.0, 0.0])
    """
    work = np.atleast_2d(np.asarray(work_s, dtype=float))
    queues, intervals = work.shape
    work = np.where(np.isfinite(work), np.clip(work, 0.0, None), 0.0)
    deadline = np.broadcast_to(np.asarray(deadline_s, dtype=float), (queues,))
    capacity = interval_s * np.broadcast_to(np.asarray(max_occupancy, dtype=float), (queues,))
    is_open = (
        np.ones_like(work, dtype=bool)
        if open_ is None
        else np.atleast_2d(np.asarray(open_, dtype=bool))
    )
    k = np.floor(deadline / interval_s + 1e-9).astype(np.int64)
    rank = due_rank(is_open, k)
    # work due by the end of each open interval: cumulative work whose due rank has come
    due_by_rank = np.zeros((queues, intervals + int(k.max()) + 2))
    np.add.at(due_by_rank, (np.arange(queues)[:, None], rank), work)
    cum_due_by_rank = np.cumsum(due_by_rank, axis=1)
    own_rank = np.cumsum(is_open, axis=1)  # rank of an open interval
    cum_due = np.take_along_axis(cum_due_by_rank, own_rank, axis=1)

    agents = np.zeros((queues, intervals), dtype=np.int64)
    done = np.zeros((queues, intervals))
    waiting = np.zeros((queues, intervals))
    backlog = np.zeros(queues)
    done_total = np.zeros(queues)
    for j in range(intervals):
        available = backlog + work[:, j]
        need = np.where(is_open[:, j], np.clip(cum_due[:, j] - done_total, 0.0, None), 0.0)
        # a hair under a whole agent is that agent (floats of typed decimals)
        count = np.where(need > 1e-9 * capacity, ceil_exact(need / capacity), 0)
        worked = np.minimum(count * capacity, available)
        agents[:, j], done[:, j] = count, worked
        backlog = available - worked
        waiting[:, j] = backlog
        done_total = done_total + worked
    due = _due_per_interval(cum_due, is_open)
    keep = slice(warmup, None)
    shape = np.shape(work_s)
    if len(shape) == 1:
        return BacklogPlan(agents[0, keep], done[0, keep], waiting[0, keep], due[0, keep])
    return BacklogPlan(agents[:, keep], done[:, keep], waiting[:, keep], due[:, keep])


def _due_per_interval(cum_due: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """Work falling due at the end of each open interval (0 in closed ones)."""
    last = np.maximum.accumulate(np.where(is_open, cum_due, 0.0), axis=1)
    before = np.concatenate([np.zeros((len(last), 1)), last[:, :-1]], axis=1)
    return np.where(is_open, cum_due - before, 0.0)


def warmup_period(intervals: int, interval_s: float) -> int:
    """Intervals replayed before the plan as its warm-up: the horizon's first whole week
    when it has one, else its first whole day, else all of it."""
    for span in (WEEK_S, DAY_S):
        period = int(round(span / interval_s))
        if intervals >= period:
            return period
    return intervals
