"""Drill-down links and download names: where a row of one page leads, and what a file
downloaded from a page is called.

A drill-down is the Conversations page with the same filters plus the row's own (an agent's
conversations: the selection with ``agent=<key>``), as a URL whose query string is the
sidebar's (``dashboards.filters``: the CLI's flag names), so it can also be opened in a new
tab or shared. A chart's point drills down the same way (:func:`drill_query`): its
``customdata`` names the filters it stands for (a day, a channel, an agent).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from dashboards import data

CONVERSATIONS = "conversations"  # the Conversations page's URL path
CONVERSATIONS_PAGE = "app_pages/conversations.py"


def query(sel: data.Selection, **only: str | None) -> dict[str, list[str]]:
    """The query string of ``sel`` with some list filters replaced by one value each
    (``agent="generic:agent_01"``); ``None`` or an empty value clears that filter."""
    from dashboards.filters import to_url

    params = to_url(sel.without(*only))
    for name, value in only.items():
        if value:
            params[name] = [value]
    return params


def conversations_url(sel: data.Selection, **only: str | None) -> str:
    """Relative URL of the Conversations page filtered as ``sel`` and ``only``."""
    return f"{CONVERSATIONS}?{urlencode(query(sel, **only), doseq=True)}"


# the time buckets a chart's point may stand for: the days each covers
TIMES = ("day", "week", "month")


def _days(name: str, value: str) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(value[:10])
    if name == "week":
        return start, start + dt.timedelta(days=6)
    if name == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start.replace(day=1), following - dt.timedelta(days=1)
    return start, start


def drill_query(
    sel: data.Selection, points: Iterable[Mapping[str, Any]]
) -> dict[str, list[str]] | None:
    """The Conversations page's query string for the points selected in a chart: ``sel`` with
    the filters the points stand for (their ``customdata``, ``charts.drill_data``:
    ``day=2026-01-08``, ``channel=chat``, ``agent=<key>``, ``team=<key>``). A day, week or
    month sets the period (several points: from the first to the last, within ``sel``'s
    period); a list filter replaces the sidebar's (several points: any of their values); the
    other filters and options stay. None when no point carries a filter (nothing to drill)."""
    dates: list[tuple[dt.date, dt.date]] = []
    lists: dict[str, list[str]] = {}
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, str):
            custom = [custom]
        for pair in custom or ():
            name, sep, value = str(pair).partition("=")
            if not sep or not value:
                continue
            if name in TIMES:
                try:
                    dates.append(_days(name, value))
                except ValueError:
                    continue
            elif name in data.LIST_FILTERS:
                lists.setdefault(name, [])
                if value not in lists[name]:
                    lists[name].append(value)
    if not dates and not lists:
        return None
    drilled = sel.without(*lists)
    changes: dict[str, Any] = {
        ("channels" if name == "channel" else name): tuple(values) for name, values in lists.items()
    }
    if dates:
        first = max(min(d for d, _ in dates), dt.date.fromisoformat(sel.start))
        last = min(max(d for _, d in dates), dt.date.fromisoformat(sel.end))
        if first <= last:
            changes |= {"start": first.isoformat(), "end": last.isoformat()}
    from dashboards.filters import to_url

    return to_url(dataclasses.replace(drilled, **changes))


_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")
MAX_NAME = 150  # characters before the extension: names stay portable


def file_name(what: str, sel: data.Selection, extension: str) -> str:
    """``conversations_2026-01-26_2026-02-01_channel-chat.csv``: what, the period, then each
    list filter and option that differs from the default (``agent-generic-agent_01``,
    ``clock-business``), in the URL's order; characters a file name should not hold become
    ``-``."""
    parts = [what, sel.start, sel.end]
    for name, values in query(sel).items():
        if name in ("from", "to"):
            continue
        parts.append(_UNSAFE.sub("-", f"{name}-{'+'.join(values)}").strip("-"))
    stem = "_".join(parts)
    if len(stem) > MAX_NAME:
        stem = stem[:MAX_NAME].rstrip("-_+")
    return f"{stem}.{extension}"
