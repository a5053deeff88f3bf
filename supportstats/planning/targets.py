"""The service targets and staffing assumptions of a plan, and their defaults: defined here
once for the CLI, the demo, the dashboard and the notebooks (docs/staffing.md, "Defaults").

Plain Python, importable without numpy and pandas (the CLI's ``--help`` reads the defaults
from here); checking a value loads the planner.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

#: Interval length of a plan (``supportstats plan --interval``, the dashboard, the demo).
DEFAULT_INTERVAL = "30min"
#: How far ahead ``supportstats plan`` and ``forecast`` plan.
DEFAULT_HORIZON = "14d"
#: How far ahead the demo and the dashboard's staffing page plan: the next day.
DAY_HORIZON = "24h"
#: Weeks of history in the forecast's day-of-week x time-of-day profile.
DEFAULT_WEEKS = 8

#: Agent work per agent reply, seconds: the handle time basis of a queue without engagements
#: (e-mail, messaging: the warehouse has their messages, not the agents' working time), so a
#: conversation with three agent replies counts 15 minutes of work (docs/staffing.md, "Every
#: queue"; ``supportstats plan --reply-handle-s``).
REPLY_HANDLE_S = 300.0
#: Agents one team lead looks after (``--lead-span``), and the span's allowed range: the
#: issue's "one per 8-15 agents on shift".
DEFAULT_LEAD_SPAN = 12
LEAD_SPAN_RANGE = (8, 15)
#: Smoothing of a plan (``--smooth``): dips in ``agents_scheduled`` up to this long are filled
#: (a morphological closing, docs/staffing.md), so a night of 0/2/0/2 becomes 2/2/2/2.
DEFAULT_SMOOTH = "1h"
#: Fewest agents scheduled in an interval where a queue is open and has work (``--min-agents``).
DEFAULT_MIN_AGENTS = 0

#: The chat preset (the demo and the dashboard): 80 % answered within 60 s, 3 chats per
#: agent at once, an 85 % occupancy cap, 30 % shrinkage, customers who give up after 90 s
#: on average (Erlang A).
CHAT_PRESET: dict[str, Any] = {
    "sl_threshold_s": 60.0,
    "max_occupancy": 0.85,
    "shrinkage": 0.3,
    "patience_s": 90.0,
    "concurrency": 3,
}

#: The voice preset: the textbook call centre, 80 % of calls answered within 20 s, one call
#: per agent, Erlang C, with the chat preset's occupancy cap and shrinkage.
VOICE_PRESET: dict[str, Any] = {
    "sl_threshold_s": 20.0,
    "max_occupancy": 0.85,
    "shrinkage": 0.3,
    "patience_s": None,
    "concurrency": 1,
}
#: The ticket preset (e-mail, messaging, web forms: the channels the scorecard counts as
#: tickets): the work of every conversation done within an hour of its arrival (counted in
#: opening hours), staffed by the backlog model (``backlog_model``: workload and a deadline,
#: unfinished work carried to the next interval; not an Erlang queue), one conversation per
#: agent at a time, the chat preset's occupancy cap and shrinkage.
TICKET_PRESET: dict[str, Any] = {
    "sl_threshold_s": 3600.0,
    "max_occupancy": 0.85,
    "shrinkage": 0.3,
    "patience_s": None,
    "concurrency": 1,
    "backlog_model": True,
}
#: A queue's preset by its channel (the queue table's ``channel``); any other channel, and a
#: queue without one, takes the ticket preset, except no channel at all: the chat preset.
CHANNEL_PRESETS: dict[str, dict[str, Any]] = {
    "chat": CHAT_PRESET,
    "voice": VOICE_PRESET,
    "phone": VOICE_PRESET,
}


@dataclass(frozen=True)
class StaffingTargets:
    """What a plan staffs for: every default of the planner, in one place.

    The defaults are the textbook voice queue of ``supportstats erlang | plan``: 80 % of
    contacts answered within 20 s, Erlang C (nobody gives up), one contact per agent, no
    occupancy cap, no shrinkage. :meth:`chat` is the chat preset of the demo and the dashboard.

    * ``sl_target``: share to answer within ``sl_threshold_s``, above 0 and below 1.
    * ``sl_threshold_s``: seconds, 0 or more.
    * ``max_occupancy``: occupancy cap, 0.3 to 1 (1: no cap).
    * ``shrinkage``: share of paid time off the queue (breaks, training), 0 to below 1;
      ``agents_scheduled = agents_raw / (1 - shrinkage)`` rounded up.
    * ``patience_s``: mean patience before giving up, seconds; given -> Erlang A, None ->
      Erlang C.
    * ``concurrency``: contacts one agent handles at once (chat), whole, 1 to 100.
    * ``asa_target_s``: average speed of answer target, seconds (None: none).
    * ``max_abandon``: abandonment cap, above 0 to 1 (None: none); needs ``patience_s``.
    * ``sl_definition``: which service level Erlang A reports and plans for: ``offered``
      (answered within T over offered), ``answered`` or ``virtual``.
    * ``backlog_model``: staff from workload and a deadline of ``sl_threshold_s`` with the
      backlog carried between intervals (:mod:`supportstats.planning.backlog`; e-mail and
      ticket queues) instead of Erlang; ``sl_target``, ``patience_s`` and ``concurrency``
      are then not used.

    A value out of range raises :class:`~supportstats.planning._validate.TargetsError` (a
    ``PlanningInputError``) naming the field, with the planner's own message and hint:

    >>> StaffingTargets(sl_target=1.5)
    Traceback (most recent call last):
    ...
    supportstats.planning._validate.TargetsError: sl_target: 1.5 is not below 1 (a service \
level target is a fraction above 0 and below 1, e.g. 0.8)
    """

    sl_target: float = 0.8
    sl_threshold_s: float = 20
    max_occupancy: float = 1.0
    shrinkage: float = 0.0
    patience_s: float | None = None
    concurrency: int = 1
    asa_target_s: float | None = None
    max_abandon: float | None = None
    sl_definition: str = "offered"
    backlog_model: bool = False

    def __post_init__(self) -> None:
        self.check()
        for name in ("sl_target", "sl_threshold_s", "max_occupancy", "shrinkage"):
            object.__setattr__(self, name, float(getattr(self, name)))
        for name in ("patience_s", "asa_target_s", "max_abandon"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if _missing(value) else float(value))
        object.__setattr__(self, "concurrency", int(self.concurrency))
        object.__setattr__(self, "backlog_model", bool(self.backlog_model))

    @classmethod
    def chat(cls, **changes: Any) -> StaffingTargets:
        """The chat preset (:data:`CHAT_PRESET`) with ``changes`` on top."""
        return cls(**{**CHAT_PRESET, **changes})

    @classmethod
    def for_channel(cls, channel: str | None, **changes: Any) -> StaffingTargets:
        """The preset of a queue of ``channel`` (:data:`CHANNEL_PRESETS`: chat, voice, else
        the ticket preset; None: the chat preset) with ``changes`` on top."""
        if channel is None:
            preset = CHAT_PRESET
        else:
            preset = CHANNEL_PRESETS.get(channel.lower(), TICKET_PRESET)
        return cls(**{**preset, **changes})

    def replace(self, **changes: Any) -> StaffingTargets:
        """A copy with some fields changed (checked again)."""
        return dataclasses.replace(self, **changes)

    @property
    def model(self) -> str:
        """``backlog`` for the backlog model, else ``erlang_a`` when a patience is given, else
        ``erlang_c``."""
        if self.backlog_model:
            return "backlog"
        return "erlang_c" if self.patience_s is None else "erlang_a"

    def columns(self) -> dict[str, float | int]:
        """The input columns of ``staff`` these targets set, in the order a plan shows them:
        ``patience_s`` always (NaN for Erlang C), ``asa_target_s`` and ``max_abandon`` only
        when given."""
        out: dict[str, float | int] = {
            "sl_target": self.sl_target,
            "sl_threshold_s": self.sl_threshold_s,
            "max_occupancy": self.max_occupancy,
            "shrinkage": self.shrinkage,
            "patience_s": math.nan if self.patience_s is None else self.patience_s,
            "concurrency": self.concurrency,
        }
        for name in ("asa_target_s", "max_abandon"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def check(self, interval_s: float = 1800.0) -> None:
        """Run the targets through the planner on one light interval of ``interval_s``
        seconds (1 contact, 1 s handle time), so a bad value fails before any data is read,
        with the planner's message. Raises ``TargetsError`` naming the field."""
        import pandas as pd

        from supportstats.planning._validate import PlanningInputError, TargetsError
        from supportstats.planning.staffing import staff

        row = {
            "volume": 1.0,
            "aht_s": 1.0,
            "interval_s": interval_s,
            **{k: math.nan if _missing(v) else v for k, v in self._raw().items()},
        }
        try:
            staff(pd.DataFrame([row]), sl_definition=self.sl_definition)
        except TargetsError:
            raise
        except PlanningInputError as exc:
            match = re.match(r"row \d+(?:, column (\w+))?: ", exc.message)
            if match is None:  # the service level definition
                message = f"sl_definition: {exc.message}"
                raise TargetsError("sl_definition", message, exc.hint) from None
            field = match.group(1)
            rest = exc.message[match.end() :].replace(" on the same row", "")
            raise TargetsError(field, f"{field}: {rest}" if field else rest, exc.hint) from None

    def _raw(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("sl_definition", "backlog_model")
        }


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
