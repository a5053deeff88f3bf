"""Definition options of every metric: one frozen dataclass, parsed from ``--option name=value``.

The names are the ones in DESIGN.md §4 and research/analytics.md §6, named by what they change.
Defaults match the majority of vendors. Every result carries the options it was computed with
(``frame.attrs["options"]``), so a number is never shown without its definition.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from supportstats.errors import OptionError

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
    "sla_first_response_s": "first-response target in seconds (overrides sla_target)",
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
    sla_first_response_s: float | None = None
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
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise OptionError(
                    f"option {name}={value!r} is not one of {', '.join(allowed)}",
                    f"{name}: {DESCRIPTIONS[name]}; e.g. --option {name}={allowed[-1]}",
                )
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise OptionError(
                f"option timezone={self.timezone!r} is not a known timezone",
                "use an IANA name such as Europe/Berlin or America/New_York",
            ) from None
        if self.interval_min not in (15, 30, 60):
            raise OptionError(
                f"option interval_min={self.interval_min} is not 15, 30 or 60",
                "e.g. --option interval_min=30",
            )
        positive = (
            "short_abandon_s",
            "chat_capacity",
            "concurrency_k",
            "eta_window_min",
            "reopen_window_h",
            "sla_first_response_s",
            "sla_resolution_s",
            "sla_wait_s",
        )
        for name in positive:
            value = getattr(self, name)
            if value is not None and (value != value or value < 0):
                raise OptionError(f"option {name}={value} must be >= 0", DESCRIPTIONS[name])
        if self.chat_capacity == 0 or self.concurrency_k == 0:
            raise OptionError(
                "options chat_capacity and concurrency_k must be > 0",
                "e.g. --option chat_capacity=3 --option concurrency_k=2",
            )
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
        """Options from ``name=value`` strings, e.g. ``["clock=business", "timezone=UTC"]``."""
        values: dict[str, str] = {}
        for item in items:
            name, sep, value = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or not name:
                raise OptionError(
                    f"--option {item!r} is not name=value",
                    "e.g. --option clock=business (see: supportstats metrics --help)",
                )
            values[name] = value.strip()
        return cls.from_mapping(values, base=base)

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Any], base: MetricOptions | None = None
    ) -> MetricOptions:
        """Options from a mapping of names to values (strings are converted)."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in fields:
                raise OptionError(
                    f"unknown option {name!r}",
                    "known options: " + ", ".join(fields),
                )
            changes[name] = _convert(name, fields[name].type, raw)
        return dataclasses.replace(base or cls(), **changes)


def _convert(name: str, annotation: Any, raw: Any) -> Any:
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
            f"option {name}={text!r} is not a number", DESCRIPTIONS.get(name, "")
        ) from None
    return text


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(value)
    return str(value)
