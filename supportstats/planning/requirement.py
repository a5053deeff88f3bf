"""From the model's agents per interval to a requirement a roster can cover: opening hours,
a minimum staffing, smoothing of short dips, and team leads.

The rules (docs/staffing.md, "Every queue"), applied per queue in this order:

1. closed intervals (outside ``open_hours``) need no agents;
2. an open interval with work (forecast contacts, or e-mail backlog waiting) gets at least
   ``min_agents`` agents scheduled;
3. dips shorter than ``smooth`` are filled by a morphological closing (a centred rolling max,
   then a centred rolling min, over ``2 x floor(smooth / (2 x interval)) + 1`` intervals): a
   0/2/0/2 night becomes 2/2/2/2, while a peak is never widened and no interval goes down;
4. team leads: one per ``span`` agents scheduled (rounded up), on top of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from supportstats.planning._validate import PlanningInputError
from supportstats.planning.targets import (
    DEFAULT_LEAD_SPAN,
    DEFAULT_MIN_AGENTS,
    DEFAULT_SMOOTH,
    LEAD_SPAN_RANGE,
)

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_open_hours(text: str | None, option: str = "open") -> tuple[int, int] | None:
    """``08:00-20:00`` as minutes of the day (480, 1200); ``22:00-06:00`` runs overnight;
    ``00:00-24:00`` is always open. None passes (always open)."""
    if text is None:
        return None
    match = _HOURS.match(text)
    hint = "give local opening hours as HH:MM-HH:MM, e.g. 08:00-20:00 (22:00-06:00 overnight)"
    if not match:
        raise PlanningInputError(f"{option} {text!r} is not HH:MM-HH:MM", hint=hint)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60 or start == end:
        raise PlanningInputError(f"{option} {text!r} is not a span of the day", hint=hint)
    return start, end


def open_mask(starts: pd.Series | pd.DatetimeIndex, hours: tuple[int, int] | None) -> np.ndarray:
    """True where an interval starts within the opening hours (wall-clock minutes of the
    day, as :func:`parse_open_hours` gives them); None: every interval."""
    times = pd.DatetimeIndex(pd.to_datetime(starts))
    if hours is None:
        return np.ones(len(times), dtype=bool)
    minute = np.asarray(times.hour * 60 + times.minute)
    start, end = hours
    if start < end:
        return (minute >= start) & (minute < end)
    return (minute >= start) | (minute < end)


def close_dips(agents: np.ndarray, window: int) -> np.ndarray:
    """Fill every dip of at most ``window - 1`` intervals up to the lower of its two sides
    (a closing: rolling max then rolling min over ``window`` intervals, centred; ``window``
    odd). Never lowers a value and never widens a peak; the first and last ``window // 2``
    intervals are not filled (a dip needs two sides).

    >>> close_dips(np.array([0, 2, 0, 2, 0, 0, 0, 3]), 3).tolist()
    [0, 2, 2, 2, 0, 0, 0, 3]
    """
    values = np.asarray(agents)
    half = window // 2
    if half < 1 or len(values) < 3:
        return values.copy()
    padded = np.pad(values.astype(float), half, constant_values=-np.inf)
    dilated = np.lib.stride_tricks.sliding_window_view(padded, window).max(axis=1)
    # -inf outside too: an edge is no dip (a night starting the plan stays as it is)
    padded = np.pad(dilated, half, constant_values=-np.inf)
    closed = np.lib.stride_tricks.sliding_window_view(padded, window).min(axis=1)
    return np.maximum(closed, values).astype(values.dtype)


def smoothing_window(smooth: pd.Timedelta | None, interval: pd.Timedelta) -> int:
    """Intervals in the closing window for dips up to ``smooth``: 2 x floor(smooth / (2 x
    interval)) + 1 (1h at 30 minutes: 3, filling dips of up to two intervals)."""
    if smooth is None or smooth <= pd.Timedelta(0):
        return 1
    return 2 * int(smooth // (2 * interval)) + 1


def check_lead_span(span: int, option: str = "lead_span") -> int:
    """Agents per team lead: 8 to 15 (the issue's "one per 8-15 agents on shift")."""
    low, high = LEAD_SPAN_RANGE
    if not (isinstance(span, int | np.integer) and low <= span <= high):
        raise PlanningInputError(
            f"{option} {span!r} is outside {low} to {high}",
            hint=f"one team lead per {low}-{high} agents on shift, e.g. 12",
        )
    return int(span)


def team_leads(agents: np.ndarray | pd.Series | int, span: int = 12) -> np.ndarray:
    """Team leads for ``agents`` on shift: one per ``span`` agents, rounded up (0 agents: 0).
    For the floor of several queues, pass the summed agents (leads of each queue rounded up
    separately add up to more).

    >>> team_leads(np.array([0, 1, 12, 13, 25]), 12).tolist()
    [0, 1, 1, 2, 3]
    """
    check_lead_span(span)
    count = np.asarray(agents, dtype=np.int64)
    return -(-np.clip(count, 0, None) // span)


def rosterable(
    agents: np.ndarray,
    *,
    open_: np.ndarray,
    active: np.ndarray,
    min_agents: int = 0,
    window: int = 1,
) -> np.ndarray:
    """One queue's agents scheduled after the rules of this module (steps 1-3): closed
    intervals 0, at least ``min_agents`` where open and ``active``, dips closed over
    ``window`` intervals."""
    if min_agents < 0:
        raise PlanningInputError(
            f"min_agents {min_agents} is negative", hint="0 (no minimum) or more, e.g. 2"
        )
    need = np.where(open_, np.asarray(agents, dtype=np.int64), 0)
    need = np.where(open_ & active, np.maximum(need, min_agents), need)
    return np.where(open_, close_dips(need, window), 0)


@dataclass(frozen=True)
class RosterRules:
    """The roster rules of a plan (frozen, hashable: the dashboard caches plans by them).

    * ``open_hours``: ``HH:MM-HH:MM`` on the plan's wall clock (None: always open);
    * ``min_agents``: fewest agents scheduled where a queue is open and has work;
    * ``smooth``: dips up to this long are filled (``"0min"`` or None: no smoothing);
    * ``lead_span``: agents per team lead, 8 to 15.
    """

    open_hours: str | None = None
    min_agents: int = DEFAULT_MIN_AGENTS
    smooth: str | None = DEFAULT_SMOOTH
    lead_span: int = DEFAULT_LEAD_SPAN

    def __post_init__(self) -> None:
        self.hours()
        self.smooth_delta()
        check_lead_span(self.lead_span, "lead_span")
        if not (isinstance(self.min_agents, int | np.integer) and 0 <= self.min_agents <= 10_000):
            raise PlanningInputError(
                f"min_agents {self.min_agents!r} is outside 0 to 10,000",
                hint="the fewest agents an open queue has, e.g. 2 (0: no minimum)",
            )

    def hours(self) -> tuple[int, int] | None:
        """The opening hours as minutes of the day (:func:`parse_open_hours`)."""
        return parse_open_hours(self.open_hours, "open_hours")

    def smooth_delta(self) -> pd.Timedelta | None:
        """``smooth`` as a Timedelta, 0 to 1 day (None: no smoothing)."""
        if self.smooth is None:
            return None
        try:
            delta = pd.Timedelta(self.smooth)
        except (ValueError, TypeError):
            raise PlanningInputError(
                f"smooth {self.smooth!r} is not a duration", hint="e.g. 1h, 90min or 0min (off)"
            ) from None
        if not pd.Timedelta(0) <= delta <= pd.Timedelta(days=1):
            raise PlanningInputError(
                f"smooth {self.smooth!r} is outside 0 to 1 day", hint="e.g. 1h, 90min or 0min"
            )
        return delta
