"""Definition options of every metric: one frozen dataclass, parsed from ``--option name=value``.

The names are the ones in DESIGN.md §4 and research/analytics.md §6, named by what they change.
Defaults match the majority of vendors. Every result carries the options it was computed with
(``frame.attrs["options"]``), so a number is never shown without its definition.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from supportstats.errors import OptionError
from supportstats.timezones import check_timezone

# Allowed values of every choice option; the first one is the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "clock": ("calendar", "business"),
    "frt_start": ("created", "first_customer_message", "assignment", "handoff_or_reopen"),
    "frt_scope": ("conversation", "cycle"),
    "bot_replies": ("exclude", "include"),
    "agent_initiated": ("after_customer", "zero", "exclude"),
    "resolution_end": ("last", "first"),
    "resolution_start": ("created", "first_customer_message"),
    "cohort": ("created", "event"),
    "attribution": ("credited", "current_assignee"),
    "csat_formula": ("positive_share", "positive_of_rated", "mean", "net"),
    "csat_ratings": ("latest", "all"),
    "wait_abandoned": ("exclude", "include"),
    "missed_rule": ("no_reply", "in_queue"),
    "deflection": ("no_human_reply", "bot_reply"),
    "concurrency_start": ("assignment", "accept", "first_message"),
    "utilisation_denominator": ("available_occupied", "logged_in"),
}

# One line per option for --help, docs and errors.
DESCRIPTIONS: dict[str, str] = {
    "clock": "calendar seconds, or business seconds from schedules and holidays",
    "schedule": "'queue' (the queue's schedule, else the account schedule) or a schedule_key",
    "timezone": "reporting timezone of day/week/hour buckets and --from/--to dates",
    "frt_start": "when the first-response clock starts",
    "frt_scope": "one first response per conversation, or one per resolution cycle",
    "bot_replies": "whether public bot replies count as a response",
    "agent_initiated": "agent-started conversations: time from the customer's first message, 0, "
    "or left out",
    "resolution_end": "resolution ends at the last or the first resolve",
    "resolution_start": "resolution starts at creation or at the first customer message",
    "reopen_window_h": "a reopen later than this many hours after a resolve starts a new "
    "contact (none = trust the source's reopens)",
    "cohort": "count a conversation in the period it was created, or when the event happened",
    "attribution": "credited (FRT to responder, CSAT to agent at rating, resolution to last "
    "assignee) or current_assignee for all",
    "csat_formula": "positive/responses, positive/(positive+negative), mean score, "
    "or %positive - %negative",
    "csat_ratings": "latest rating per conversation, or every rating",
    "csat_positive_min": "normalised score (0-1) at or above which a rating is positive "
    "(0.75 = 4 of 5)",
    "csat_negative_max": "normalised score below which a rating is negative (0.5 = 1-2 of 5)",
    "wait_abandoned": "whether abandoned contacts' time in queue counts in the wait",
    "short_abandon_s": "abandons shorter than this are short abandons, not abandoned or missed",
    "missed_rule": "missed = no agent reply before the customer left, or left the queue",
    "deflection": "deflected = resolved with no human agent message (bot or self-service), "
    "or only those a bot answered",
    "sla_first_response_s": "first-response target in seconds (overrides sla_target)",
    "sla_next_reply_s": "next-reply target in seconds, per customer wait (overrides sla_target)",
    "sla_resolution_s": "resolution target in seconds (overrides sla_target)",
    "sla_wait_s": "queue-wait target in seconds (default 120, DESIGN §1)",
    "pause_statuses": "statuses that pause the resolution SLA clock (comma-separated)",
    "concurrency_start": "an engagement counts from assignment, acceptance or first message",
    "concurrency_k": "report the share of busy time at >= k chats",
    "chat_capacity": "chats one agent can run at once (utilisation weight of a chat)",
    "utilisation_denominator": "time utilisation and occupancy divide by",
    "interval_min": "size of the 'interval' group in minutes (15, 30 or 60)",
    "eta_window_min": "minutes of recent answers used for the queue ETA in the snapshot",
}


@dataclass(frozen=True)
class MetricOptions:
    """Every definitional choice a metric can make (see ``docs/metrics.md``)."""

    clock: str = "calendar"
    schedule: str = "queue"
    timezone: str = "UTC"
    frt_start: str = "created"
    frt_scope: str = "conversation"
    bot_replies: str = "exclude"
    agent_initiated: str = "after_customer"
    resolution_end: str = "last"
    resolution_start: str = "created"
    reopen_window_h: float | None = None
    cohort: str = "created"
    attribution: str = "credited"
    csat_formula: str = "positive_share"
    csat_ratings: str = "latest"
    csat_positive_min: float = 0.75
    csat_negative_max: float = 0.5
    wait_abandoned: str = "exclude"
    short_abandon_s: float = 0.0
    missed_rule: str = "no_reply"
    deflection: str = "no_human_reply"
    sla_first_response_s: float | None = None
    sla_next_reply_s: float | None = None
    sla_resolution_s: float | None = None
    sla_wait_s: float | None = 120.0
    pause_statuses: tuple[str, ...] = field(default=("pending", "on_hold"))
    concurrency_start: str = "assignment"
    concurrency_k: int = 2
    chat_capacity: float = 3.0
    utilisation_denominator: str = "available_occupied"
    interval_min: int = 15
    eta_window_min: float = 60.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check(f.name, getattr(self, f.name))
        if not 0 <= self.csat_negative_max <= self.csat_positive_min <= 1:
            raise OptionError(
                "csat thresholds need 0 <= csat_negative_max <= csat_positive_min <= 1",
                "e.g. --option csat_positive_min=0.75 --option csat_negative_max=0.5",
            )

    def as_dict(self) -> dict[str, Any]:
        """Options as plain values (lists for tuples), for JSON and ``frame.attrs``."""
        out = dataclasses.asdict(self)
        out["pause_statuses"] = list(self.pause_statuses)
        return out

    def describe(self) -> str:
        """One line naming every option that differs from the default (or 'defaults')."""
        default = MetricOptions()
        changed = [
            f"{k}={_show(v)}" for k, v in self.as_dict().items() if v != default.as_dict()[k]
        ]
        return ", ".join(changed) if changed else "defaults"

    def replace(self, **changes: Any) -> MetricOptions:
        """A copy with some options changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def parse(cls, items: Iterable[str] = (), base: MetricOptions | None = None) -> MetricOptions:
        """Options from ``name=value`` strings, e.g. ``["clock=business", "timezone=UTC"]``.

        A name may be written with dashes (``frt-start``); errors show it as it was typed.
        """
        values: dict[str, str] = {}
        typed: dict[str, str] = {}
        for item in items:
            name, sep, value = item.partition("=")
            shown = name.strip()
            name = shown.replace("-", "_")
            if not sep or not name:
                raise OptionError(
                    f"--option {item!r} is not name=value",
                    "e.g. --option clock=business (see: supportstats metrics --help)",
                )
            values[name] = value.strip()
            typed[name] = shown
        return cls.from_mapping(values, base=base, typed=typed)

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, Any],
        base: MetricOptions | None = None,
        typed: Mapping[str, str] | None = None,
    ) -> MetricOptions:
        """Options from a mapping of names to values (strings are converted).

        ``typed`` maps a name to the way the user wrote it, for error messages.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            shown = (typed or {}).get(name, name)
            if name not in fields:
                close = difflib.get_close_matches(name, fields, n=1)
                raise OptionError(
                    f"unknown option {shown!r}" + (f" (did you mean {close[0]}?)" if close else ""),
                    "known options: " + ", ".join(fields),
                )
            value = _convert(name, fields[name].type, raw, shown)
            _check(name, value, shown, raw if isinstance(raw, str) else None)
            changes[name] = value
        return dataclasses.replace(base or cls(), **changes)


# Options holding a number that must be >= 0, and those that must be > 0.
_NOT_NEGATIVE = (
    "short_abandon_s",
    "eta_window_min",
    "reopen_window_h",
    "sla_first_response_s",
    "sla_next_reply_s",
    "sla_resolution_s",
    "sla_wait_s",
)
_POSITIVE = ("chat_capacity", "concurrency_k")
# A duration longer than a century is a typo, and past a few thousand years it would overflow
# the interval arithmetic of the warehouse. Hours and minutes options are bounded the same way.
_MAX_SECONDS = 100 * 365.25 * 86400
_PER_UNIT = {"_s": 1.0, "_min": 60.0, "_h": 3600.0}


def _check(name: str, value: Any, shown: str | None = None, typed: str | None = None) -> None:
    """Refuse a value option ``name`` cannot take; ``shown`` and ``typed`` are the name and the
    value as the user wrote them (messages quote the user's own words)."""
    shown = shown or name
    text = typed.strip() if typed is not None else str(value)
    if name in CHOICES and value not in CHOICES[name]:
        allowed = CHOICES[name]
        raise OptionError(
            f"option {shown}={value!r} is not one of {', '.join(allowed)}",
            f"{name}: {DESCRIPTIONS[name]}; e.g. --option {shown}={allowed[-1]}",
        )
    if name == "timezone":
        check_timezone(value, f"option {shown}=")
    if name == "interval_min" and value not in (15, 30, 60):
        raise OptionError(f"option {shown}={text} is not 15, 30 or 60", f"e.g. --option {shown}=30")
    if name in _NOT_NEGATIVE or name in _POSITIVE:
        if value is None:
            return
        if not math.isfinite(value) or value < 0 or (name in _POSITIVE and value == 0):
            bound = "> 0" if name in _POSITIVE else ">= 0"
            raise OptionError(f"option {shown}={text} must be a number {bound}", DESCRIPTIONS[name])
        unit = next((u for u in _PER_UNIT if name.endswith(u)), None)
        if unit and value * _PER_UNIT[unit] > _MAX_SECONDS:
            raise OptionError(f"option {shown}={text} is more than 100 years", DESCRIPTIONS[name])


def _convert(name: str, annotation: Any, raw: Any, shown: str | None = None) -> Any:
    if not isinstance(raw, str):
        return tuple(raw) if name == "pause_statuses" else raw
    text = raw.strip()
    kind = str(annotation)
    if name == "pause_statuses":
        return tuple(s.strip() for s in text.split(",") if s.strip())
    if "None" in kind and text.lower() in ("", "none", "null"):
        return None
    try:
        if kind.startswith("int"):
            return int(text)
        if kind.startswith("float"):
            return float(text)
    except ValueError:
        raise OptionError(
            f"option {shown or name}={text!r} is not a number", DESCRIPTIONS.get(name, "")
        ) from None
    return text


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(value)
    return str(value)
