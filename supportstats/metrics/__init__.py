"""Support metrics over the canonical warehouse (DESIGN.md §4, docs/metrics.md).

Every metric is SQL in ``supportstats/sql/metrics/`` over the conversation facts
(``sql/views/conversation_facts.sql``); Python only picks fixed fragments from options and
binds parameters. Typical use::

    from supportstats.metrics import MetricOptions, Period, query, metrics_table
    q = query(conn, MetricOptions(clock="business"), Period.from_dates("2024-03-01", "2024-03-31"),
              by=["agent"])
    frame = metrics_table(q)          # one row per agent, frame.attrs["options"] says how

Family functions (``first_response(q)``, ``resolution(q)``, ``csat(q)``, ...) return DuckDB
relations for further SQL.
"""

from __future__ import annotations

from supportstats.metrics._query import Query, query
from supportstats.metrics.concurrency import concurrency
from supportstats.metrics.csat import csat
from supportstats.metrics.missed import missed
from supportstats.metrics.options import MetricOptions
from supportstats.metrics.period import Filters, Period
from supportstats.metrics.resolution import resolution
from supportstats.metrics.response import first_response, next_reply
from supportstats.metrics.table import metrics_table
from supportstats.metrics.utilisation import utilisation
from supportstats.metrics.volume import duration, handle_time, volume, wait

__all__ = [
    "Filters",
    "MetricOptions",
    "Period",
    "Query",
    "concurrency",
    "csat",
    "duration",
    "first_response",
    "handle_time",
    "metrics_table",
    "missed",
    "next_reply",
    "query",
    "resolution",
    "utilisation",
    "volume",
    "wait",
]
