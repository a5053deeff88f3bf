"""Real-time snapshot "as of" an instant: queue, waits, agents online (docs/metrics.md#snapshot)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from supportstats.metrics._query import query
from supportstats.metrics._sql import frame, render
from supportstats.metrics.options import MetricOptions


@dataclass(frozen=True)
class Snapshot:
    """The state at ``as_of``: a one-row summary, the waiting contacts, the agents."""

    as_of: dt.datetime
    summary: pd.DataFrame
    waiting: pd.DataFrame
    agents: pd.DataFrame


def snapshot(
    conn: duckdb.DuckDBPyConnection,
    as_of: dt.datetime | None = None,
    options: MetricOptions | None = None,
) -> Snapshot:
    """Contacts waiting, longest wait, queue position and expected wait per waiting contact,
    agents online and their current load, at ``as_of`` (default: now, UTC).

    Expected wait = queue position / the queue's answer rate over the last
    ``eta_window_min`` minutes (NULL when nobody was answered then).
    """
    options = options or MetricOptions()
    at = as_of or dt.datetime.now(dt.UTC)
    params = {
        "as_of": at,
        "eta_window_min": options.eta_window_min,
        "chat_capacity": options.chat_capacity,
    }
    # the stored facts when they are current (as every report reads them), else built now
    q = query(conn, options)
    waiting = frame(conn, render("metrics/snapshot_waiting", facts=q.facts()), params)
    agents = frame(conn, render("metrics/snapshot_agents", asg=q.assignments()), params)
    summary = pd.DataFrame(
        [
            {
                "as_of": at,
                "contacts_waiting": len(waiting),
                "longest_wait_s": waiting["waiting_s"].max() if len(waiting) else None,
                "agents_online": int(agents["online"].sum()) if len(agents) else 0,
                "engagements_open": int(agents["engagements_open"].sum()) if len(agents) else 0,
            }
        ]
    )
    for f in (summary, waiting, agents):
        f.attrs["options"] = options.as_dict()
    return Snapshot(at, summary, waiting, agents)


def last_instant(conn: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The last moment the warehouse has contacts for (the latest conversation creation, UTC),
    a snapshot's natural "as of" for an export; None when it holds no conversations."""
    value = conn.execute("select max(created_at) from conversation").fetchall()[0][0]
    if value is None:
        return None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
