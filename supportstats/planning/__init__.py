"""Staffing planner: Erlang B/C/A, chat concurrency, interval staffing, forecast and backtest.

The maths modules (``erlang``, ``erlang_a``, ``chat``, ``staffing``) need only numpy and pandas
and use no other part of supportstats except :mod:`supportstats.errors`.
:mod:`supportstats.planning.plan` runs a whole plan (forecast, then staffing) for every caller,
with the defaults in :class:`~supportstats.planning.targets.StaffingTargets`.

The names below are imported when first used, so ``supportstats.planning.targets`` (plain
Python) can be read by the CLI without loading numpy and pandas.

>>> import pandas as pd
>>> from supportstats.planning import staff
>>> staff(pd.DataFrame({"volume": [100], "interval_s": [1800], "aht_s": [180],
...                     "sl_target": [0.8], "sl_threshold_s": [20]}))["agents_raw"].tolist()
[14]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportstats.planning._validate import PlanningInputError
    from supportstats.planning.chat import chat_metrics
    from supportstats.planning.erlang import (
        erlang_b,
        erlang_c,
        erlang_c_metrics,
        traffic_erlangs,
    )
    from supportstats.planning.erlang_a import SL_DEFINITIONS, erlang_a_metrics
    from supportstats.planning.staffing import OUTPUT_COLUMNS, ceil_exact, staff
    from supportstats.planning.targets import StaffingTargets

_HOMES = {
    "OUTPUT_COLUMNS": "staffing",
    "SL_DEFINITIONS": "erlang_a",
    "PlanningInputError": "_validate",
    "StaffingTargets": "targets",
    "ceil_exact": "staffing",
    "chat_metrics": "chat",
    "erlang_a_metrics": "erlang_a",
    "erlang_b": "erlang",
    "erlang_c": "erlang",
    "erlang_c_metrics": "erlang",
    "staff": "staffing",
    "traffic_erlangs": "erlang",
}

__all__ = [
    "OUTPUT_COLUMNS",
    "SL_DEFINITIONS",
    "PlanningInputError",
    "StaffingTargets",
    "ceil_exact",
    "chat_metrics",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "staff",
    "traffic_erlangs",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
