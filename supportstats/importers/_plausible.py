"""One plausibility rule for every time an import writes (docs/importers.md#implausible-times).

Each importer parses its source's times its own way; what a parsed time may be is decided
here, once, for every canonical table, and the pipeline applies it to every staged table it
writes (:meth:`ImportContext.upsert`, and as one more predicate of the single-pass load). A
row is rejected, with its column, value and why, when

* a time is **outside the plausible range**: before 1970-01-02 (the Unix epoch's day, where a
  zero written for "no time" lands, or a mistyped year such as 1900 or 0201) or more than a
  day after the import (:data:`FUTURE_SLACK`: a wrong time zone moves a time by at most 14
  hours, and no export holds what has not happened yet; a year 9999 "never" is no date);
* a **span inside the row runs backwards** (:data:`SPANS`: resolved before created, an
  agent stretch ending before it started, a rating given before it was offered, ...) by more
  than :data:`SKEW_S` seconds. Two systems' clocks differ by seconds: the bank call log's
  agent clock runs up to 39 s behind its switch's (147 of 27,162 calls in February 1999 are
  "accepted" before their service started), and such rows are data, not defects.

``--keep-implausible`` (``ImportOptions.keep_implausible``) loads such rows as they are; the
metrics never average a backwards span in either way (views/conversation_facts.sql).
Spans across rows (a resolve event before its conversation was created, the two from
different files) cannot be judged at import: the metrics leave those durations out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# The earliest plausible time (inclusive): the day after the Unix epoch.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
# How far after the import a time may be: the forecast leaves contacts out past the same day
# (planning/forecast.FUTURE_SLACK).
FUTURE_SLACK = timedelta(days=1)
# A span inside one row may run backwards by this many seconds (two clocks) and load.
SKEW_S = 60

# The time columns of each canonical table an import writes.
TIMES: dict[str, tuple[str, ...]] = {
    "conversation": ("created_at", "first_response_at", "resolved_at"),
    "message": ("created_at",),
    "conversation_event": ("occurred_at",),
    "engagement": ("started_at", "accepted_at", "first_agent_message_at", "ended_at"),
    "rating": ("offered_at", "rated_at"),
    "agent_status_interval": ("started_at", "ended_at"),
    "source_aggregate": ("period_start", "period_end"),
}

# (start, end) pairs within one row: the end may not come before the start.
SPANS: dict[str, tuple[tuple[str, str], ...]] = {
    "conversation": (("created_at", "first_response_at"), ("created_at", "resolved_at")),
    "engagement": (
        ("started_at", "accepted_at"),
        ("started_at", "first_agent_message_at"),
        ("started_at", "ended_at"),
        ("accepted_at", "ended_at"),
    ),
    "rating": (("offered_at", "rated_at"),),
    "agent_status_interval": (("started_at", "ended_at"),),
    "source_aggregate": (("period_start", "period_end"),),
}

KEEP_HINT = "fix it in the source, or import with --keep-implausible to load such rows"


@dataclass(frozen=True)
class TimeCheck:
    """SQL over a staged row: whether a time is implausible, and which column and why."""

    bad: str
    column: str
    reason: str


def bounds(now: datetime | None = None) -> dict[str, Any]:
    """The query parameters of a :class:`TimeCheck`: the plausible range at ``now``."""
    now = now or datetime.now(UTC)
    return {"ss_earliest": EARLIEST, "ss_latest": now + FUTURE_SLACK}


def _shown(column: str) -> str:
    """SQL: a TIMESTAMPTZ as '2024-03-01 10:00:00 UTC' (infinite ones as DuckDB writes them)."""
    return (
        f"CASE WHEN isfinite({column}) THEN strftime(timezone('UTC', {column}), "
        f"'%Y-%m-%d %H:%M:%S') || ' UTC' ELSE {column}::VARCHAR END"
    )


def _span_text(seconds: str) -> str:
    """SQL: a positive number of seconds as '90 s', '30.0 min', '3.5 h' or '121.7 days'."""
    return (
        f"CASE WHEN {seconds} < 120 THEN round({seconds})::BIGINT || ' s' "
        f"WHEN {seconds} < 7200 THEN round({seconds} / 60, 1) || ' min' "
        f"WHEN {seconds} < 172800 THEN round({seconds} / 3600, 1) || ' h' "
        f"ELSE round({seconds} / 86400, 1) || ' days' END"
    )


def time_check(target: str, columns: Collection[str]) -> TimeCheck | None:
    """The check of ``target``'s times among the staged ``columns`` (None: nothing to check)."""
    times = [c for c in TIMES.get(target, ()) if c in columns]
    if not times:
        return None
    spans = [(a, b) for a, b in SPANS.get(target, ()) if a in columns and b in columns]
    cases: list[tuple[str, str, str]] = []  # (condition, column, reason)
    for c in times:
        cases.append((
            f"{c} < $ss_earliest",
            c,
            f"'{c} ' || {_shown(c)} || ' is before 1970-01-02: not a plausible time (a zero "
            f"for no time, or a mistyped year); {KEEP_HINT}'",
        ))  # fmt: skip
        cases.append((
            f"{c} > $ss_latest",
            c,
            f"'{c} ' || {_shown(c)} || ' is more than a day after the import (' || "
            f"{_shown('$ss_latest')} || ' at the latest): not a plausible time; {KEEP_HINT}'",
        ))  # fmt: skip
    for a, b in spans:
        back = f"(epoch({a}) - epoch({b}))"
        cases.append((
            f"{back} > {SKEW_S}",
            b,
            f"'{b} ' || {_shown(b)} || ' is before {a} ' || {_shown(a)} || ' by ' || "
            f"{_span_text(back)} || ': a span cannot run backwards; {KEEP_HINT}'",
        ))  # fmt: skip
    # NULL (no time, or epoch() of an infinite one) is no defect: OR and WHEN pass it over.
    bad = "(" + " OR ".join(w for w, _, _ in cases) + ")"
    column = "CASE " + " ".join(f"WHEN {w} THEN '{c}'" for w, c, _ in cases) + " END"
    reason = "CASE " + " ".join(f"WHEN {w} THEN {r}" for w, _, r in cases) + " END"
    return TimeCheck(bad=bad, column=column, reason=reason)
