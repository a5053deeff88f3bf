"""Group-by columns and row filters, as fixed SQL fragments chosen from whitelists.

Each metric family says which columns of its rows are the time anchor, the credited agent and
the team (a :class:`Scope`); :func:`dims` turns ``--by`` names into ``expr as column`` lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportstats.errors import OptionError
from supportstats.metrics.options import MetricOptions

# --by name -> (output column, SQL with {t} = time anchor, {agent}, {team})
GROUPS: dict[str, tuple[str, str]] = {
    "agent": ("agent_key", "{agent}"),
    "team": ("team_key", "{team}"),
    "channel": ("channel", "f.channel"),
    "queue": ("queue_key", "f.queue_key"),
    "priority": ("priority", "f.priority"),
    "kind": ("kind", "f.kind"),
    "source": ("source_system", "f.source_system"),
    "day": ("day", "date_trunc('day', {local})::date"),
    "week": ("week", "date_trunc('week', {local})::date"),
    "month": ("month", "date_trunc('month', {local})::date"),
    "hour_of_day": ("hour_of_day", "hour({local})"),
    "day_of_week": ("day_of_week", "dayofweek({local})"),
    "interval": ("interval_start", "time_bucket(to_minutes($interval_min), {local})"),
}
ALIASES = {
    "hour": "hour_of_day",
    "dow": "day_of_week",
    "weekday": "day_of_week",
    "interval15": "interval",
    "interval30": "interval",
    "interval60": "interval",
    "agents": "agent",
    "teams": "team",
    "channels": "channel",
    "queues": "queue",
}
TIME_GROUPS = ("day", "week", "month", "hour_of_day", "day_of_week", "interval")
CONVERSATION = "conversation"


@dataclass(frozen=True)
class Scope:
    """How one family's rows map onto groups: event time, credited agent, team (SQL)."""

    event_time: str
    agent: str
    team: str = "f.team_key"
    created_time: str = "f.created_at"

    def anchor(self, options: MetricOptions) -> str:
        """Time the period and time groups use: creation (cohort=created) or the event."""
        return self.created_time if options.cohort == "created" else self.event_time


def normalise_by(by: Sequence[str], options: MetricOptions | None = None) -> list[str]:
    """Canonical --by names (aliases resolved, duplicates dropped), or OptionError."""
    out: list[str] = []
    for raw in by:
        for part in raw.split(","):
            name = part.strip().lower().replace("-", "_")
            if not name:
                continue
            name = ALIASES.get(name, name)
            if name not in GROUPS and name != CONVERSATION:
                raise OptionError(
                    f"cannot group by {part.strip()!r}",
                    "group by any of: " + ", ".join([*GROUPS, CONVERSATION]),
                )
            if name not in out:
                out.append(name)
    if CONVERSATION in out and len(out) > 1:
        raise OptionError(
            "--by conversation gives one row per conversation and combines with no other group",
            "use --by conversation alone, and filters (--channel, --agent, ...) to narrow it",
        )
    return out


def columns(by: Sequence[str]) -> list[str]:
    """Output column names of the groups, in --by order."""
    return [GROUPS[b][0] for b in by]


def local_time(ts: str, options: MetricOptions) -> str:
    """SQL of ``ts`` (TIMESTAMPTZ) as wall-clock time in the reporting timezone.

    For UTC plain arithmetic on microseconds: eight times faster than the ICU conversion on
    ten million rows, and the same result.
    """
    if options.timezone == "UTC":
        return f"make_timestamp(epoch_us({ts}))"
    # the cast says which way timezone() goes (a no-op here; the Spark engine needs it)
    return f"timezone($tz, ({ts})::timestamptz)"


def dims(by: Sequence[str], scope: Scope, options: MetricOptions) -> str:
    """``expr as column,`` for each group (empty when there is none), for a SELECT list."""
    t = scope.anchor(options)
    local = local_time(t, options)
    parts = [
        GROUPS[b][1].format(t=t, local=local, agent=scope.agent, team=scope.team)
        + f" as {GROUPS[b][0]}"
        for b in by
    ]
    return "".join(p + ",\n    " for p in parts)


def names(by: Sequence[str]) -> str:
    """``column,`` for each group (empty when there is none)."""
    return "".join(c + ", " for c in columns(by))


def where(scope: Scope, options: MetricOptions) -> str:
    """Period (on the cohort anchor) and filters (parameters ``$f_*``), as one condition."""
    t = scope.anchor(options)
    return f"""({t} >= $start and {t} < $end)
    and ($f_channel::varchar[] is null or list_contains($f_channel, f.channel))
    and ($f_queue::varchar[] is null or list_contains($f_queue, f.queue_key))
    and ($f_source::varchar[] is null or list_contains($f_source, f.source_system))
    and ($f_tag::varchar[] is null or list_has_any(f.tags, $f_tag))
    and ($f_team::varchar[] is null or list_contains($f_team, {scope.team}))
    and ($f_agent::varchar[] is null or list_contains($f_agent, {scope.agent}))"""
