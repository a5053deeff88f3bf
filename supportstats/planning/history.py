"""Read planning history from the warehouse: the only planning module that touches DuckDB.

Each function runs one file of ``supportstats/sql/planning/`` with parameters and returns a
DataFrame in the shape :mod:`supportstats.planning.forecast` and
:mod:`supportstats.planning.backtest` take.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from supportstats.sql import load_sql


def _frame(con: Any, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    sql = load_sql(f"planning/{name}.sql")
    # through Arrow: DuckDB's own pandas conversion warns under pandas 3
    return con.sql(sql, params=params or {}).to_arrow_table().to_pandas()


def contact_history(con: Any, queue: str | None = None) -> pd.DataFrame:
    """One row per conversation: ``conversation_key, queue_key, created_at, arrived_at,
    wait_s, answered, handle_s`` (times UTC, durations seconds)."""
    return _frame(con, "contacts", {"queue": queue})


def engagement_history(con: Any, queue: str | None = None) -> pd.DataFrame:
    """One row per engagement: ``agent_key, started_at, ended_at``."""
    return _frame(con, "engagements", {"queue": queue})


def status_history(con: Any) -> pd.DataFrame:
    """One row per agent status interval: ``agent_key, started_at, ended_at, status_class``."""
    return _frame(con, "agent_status")
