"""Drill-down links and download names: where a row of one page leads, and what a file
downloaded from a page is called.

A drill-down is the Conversations page with the same filters plus the row's own (an agent's
conversations: the selection with ``agent=<key>``), as a URL whose query string is the
sidebar's (``dashboards.filters``: the CLI's flag names), so it can also be opened in a new
tab or shared.
"""

from __future__ import annotations

import re
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
