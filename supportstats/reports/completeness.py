"""Incomplete periods: the days, weeks or months whose figures will still change.

A day the export stopped in the middle of, or whose conversations are still open, looks like
a collapse on a trend line (100 % abandonment, 20 % resolution). :func:`incomplete_periods`
is the one rule the dashboard's charts and tiles use to mark such periods. A period (one row
of ``metrics_table(query(..., by=["day"]))``, or ``week``/``month``) is **incomplete** when:

1. **not over**: it ends after *now* (the current day, week or month);
2. **cut off**: it holds the warehouse's last contact (the latest conversation created, over
   every channel and filter: where the export stopped), and that contact came more than
   :data:`CUTOFF_TOLERANCE_S` (1 hour) before the period ends. A quiet evening looks the same
   as an export cut off in the afternoon; the mark goes away when a later import brings a
   contact in the last hour or on a later day;
3. **mostly open**: more than :data:`OPEN_SHARE` (half) of its conversations are neither
   resolved nor abandoned yet (``contacts - resolved - abandoned``), so the outcome metrics
   (resolution rate, resolution time, CSAT) describe the few that finished first.

Period boundaries are local midnights in the ``timezone`` the metrics bucketed by.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from supportstats.formatting import duration, percent
from supportstats.metrics import MetricOptions

CUTOFF_TOLERANCE_S = 3600.0
OPEN_SHARE = 0.5
TIME_GROUPS = ("day", "week", "month")
# a contact dated later than this after now is not where the export stopped (a typo year)
_FUTURE = dt.timedelta(days=1)


def last_contact(conn: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the latest conversation in the warehouse was created (UTC), or None when empty.

    Conversations dated more than a day after now (kept with ``--keep-implausible``) are not
    where the export stopped and are left out.
    """
    row = conn.execute(
        "select max(created_at) from conversation where created_at <= $limit",
        {"limit": dt.datetime.now(dt.UTC) + _FUTURE},
    ).fetchone()
    value = row[0] if row else None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def period_bounds(start: dt.date, time: str) -> tuple[dt.datetime, dt.datetime]:
    """Local (naive) start and end of the ``time`` period beginning on ``start``."""
    begin = dt.datetime.combine(start, dt.time())
    if time == "day":
        return begin, begin + dt.timedelta(days=1)
    if time == "week":
        return begin, begin + dt.timedelta(days=7)
    if time == "month":
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return begin, dt.datetime(year, month, 1)
    raise ValueError(f"not a period: {time!r} (one of {', '.join(TIME_GROUPS)})")


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).replace(tzinfo=None)


def incomplete_periods(
    table: pd.DataFrame,
    time: str = "day",
    *,
    last: dt.datetime | None,
    now: dt.datetime | None = None,
    timezone: str = "UTC",
) -> pd.Series:
    """Why each period of ``table`` is incomplete (text), or None where it is complete.

    ``table`` has a ``time`` column of period starts (dates) and, for the *mostly open* rule,
    ``contacts``, ``resolved`` and ``abandoned`` (a table without them is judged on time
    only). ``last`` is :func:`last_contact`; ``now`` defaults to the current time. The result
    is aligned with ``table``'s index. See the module docstring for the three rules.

    Example: a day whose data ends at 20:46 gives ``"data ends 20:46, 3 h 14 min before the
    day ends"``.
    """
    tz = ZoneInfo(timezone)
    now_local = _local(now or dt.datetime.now(dt.UTC), tz)
    last_local = _local(last, tz) if last is not None else None
    reasons: list[str | None] = []
    for _, row in table.iterrows():
        start = row.get(time)
        if start is None or start != start:
            reasons.append(None)
            continue
        begin, end = period_bounds(pd.Timestamp(start).date(), time)
        reason = None
        if end > now_local:
            reason = f"this {time} is not over"
        elif last_local is not None and begin <= last_local < end:
            gap = (end - last_local).total_seconds()
            if gap > CUTOFF_TOLERANCE_S:
                when = last_local.strftime("%H:%M" if time == "day" else "%a %H:%M")
                reason = f"data ends {when}, {duration(gap)} before the {time} ends"
        if reason is None:
            reason = _mostly_open(row)
        reasons.append(reason)
    return pd.Series(reasons, index=table.index, dtype=object, name="incomplete")


def _mostly_open(row: pd.Series) -> str | None:
    try:
        contacts = float(row["contacts"])
        closed = sum(
            f for f in (float(row.get(c, 0) or 0) for c in ("resolved", "abandoned")) if f == f
        )
    except (KeyError, TypeError, ValueError):
        return None
    if not contacts or contacts != contacts:
        return None
    share = max(contacts - closed, 0.0) / contacts
    if share > OPEN_SHARE:
        return f"{percent(share, 0)} of its conversations still open"
    return None


def mark_incomplete(
    conn: duckdb.DuckDBPyConnection,
    table: pd.DataFrame,
    time: str = "day",
    options: MetricOptions | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """``table`` with an ``incomplete`` column (:func:`incomplete_periods`), in the options'
    timezone; attrs are kept."""
    options = options or MetricOptions()
    out = table.copy()
    out["incomplete"] = incomplete_periods(
        table, time, last=last_contact(conn), now=now, timezone=options.timezone
    )
    out.attrs = dict(table.attrs)
    return out
