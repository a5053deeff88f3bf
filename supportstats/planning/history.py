"""Read planning history from the warehouse: the only planning module that touches DuckDB.

Each function runs one file of ``supportstats/sql/planning/`` with parameters and returns a
DataFrame in the shape :mod:`supportstats.planning.forecast` and
:mod:`supportstats.planning.backtest` take.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from supportstats.planning.targets import REPLY_HANDLE_S
from supportstats.sql import load_sql


def _frame(con: Any, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    sql = load_sql(f"planning/{name}.sql")
    # through Arrow: DuckDB's own pandas conversion warns under pandas 3
    return con.sql(sql, params=params or {}).to_arrow_table().to_pandas()


def contact_history(
    con: Any, queue: str | None = None, *, reply_handle_s: float = REPLY_HANDLE_S
) -> pd.DataFrame:
    """One row per offered conversation: ``conversation_key, queue_key, channel, created_at,
    arrived_at, wait_s, answered, handle_s, handle_basis`` (times UTC, durations seconds).

    Offered contacts and handle time are decided per queue (contacts.sql): a queue with
    engagements takes the sum of a conversation's engagements (``handle_basis``
    ``engagements``); a queue without any (e-mail, messaging) takes its agent replies x
    ``reply_handle_s`` seconds (``agent_replies``; docs/staffing.md, "Every queue")."""
    return _frame(con, "contacts", {"queue": queue, "reply_handle_s": float(reply_handle_s)})


def engagement_history(con: Any, queue: str | None = None) -> pd.DataFrame:
    """One row per engagement: ``agent_key, started_at, ended_at``."""
    return _frame(con, "engagements", {"queue": queue})


def status_history(con: Any) -> pd.DataFrame:
    """One row per agent status interval: ``agent_key, started_at, ended_at, status_class``."""
    return _frame(con, "agent_status")
