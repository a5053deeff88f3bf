"""Staffing planner: Erlang B/C/A, chat concurrency, interval staffing, forecast and backtest.

The maths modules (``erlang``, ``erlang_a``, ``chat``, ``staffing``) need only numpy and pandas
and use no other part of supportstats except :mod:`supportstats.errors`.

>>> import pandas as pd
>>> from supportstats.planning import staff
>>> staff(pd.DataFrame({"volume": [100], "interval_s": [1800], "aht_s": [180],
...                     "sl_target": [0.8], "sl_threshold_s": [20]}))["agents_raw"].tolist()
[14]
"""

from __future__ import annotations

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

__all__ = [
    "OUTPUT_COLUMNS",
    "SL_DEFINITIONS",
    "PlanningInputError",
    "ceil_exact",
    "chat_metrics",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "staff",
    "traffic_erlangs",
]
