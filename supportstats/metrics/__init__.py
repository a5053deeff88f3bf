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

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

# Every public name and the submodule that defines it. They are imported on first use
# (PEP 562 ``__getattr__``), not here: the light modules (``options``, ``period``) then load
# without pandas and duckdb, which keeps ``supportstats --help`` fast.
_EXPORTS: dict[str, str] = {
    "Filters": "period",
    "MetricOptions": "options",
    "Period": "period",
    "Query": "_query",
    "concurrency": "concurrency",
    "csat": "csat",
    "duration": "volume",
    "first_response": "response",
    "handle_time": "volume",
    "metrics_table": "table",
    "missed": "missed",
    "next_reply": "response",
    "query": "_query",
    "resolution": "resolution",
    "utilisation": "utilisation",
    "volume": "volume",
    "wait": "volume",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """An exported name, imported from its submodule on first use; else a submodule
    (``supportstats.metrics.stored``), as when this package imported everything."""
    home = _EXPORTS.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Importing a submodule sets it as an attribute of this package; for ``concurrency``,
    ``csat``, ``missed``, ``resolution``, ``utilisation`` and ``volume`` that attribute would
    hide the function of the same name. Skip it, so the name stays the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            name in _EXPORTS
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
