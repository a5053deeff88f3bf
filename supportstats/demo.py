"""The demo warehouse: the committed sample imported, plus what ``make demo`` prints."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from supportstats.db import open_warehouse
from supportstats.importers import ImportResult, import_file
from supportstats.metrics.period import Period
from supportstats.planning.history import contact_history
from supportstats.planning.plan import (
    StaffingTargets,
    plan_every_queue,
    plan_from_contacts,
    queue_summary,
)
from supportstats.reports.agents import agent_report
from supportstats.reports.scorecard import scorecard
from supportstats.sample import FILES, SampleSpec, write_sample

DEMO_QUEUE = "generic:Web chat"
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data" / "generic"


def sample_files() -> list[Path]:
    """The committed sample's CSV files, in import order (regenerated when absent)."""
    folder = SAMPLE_DIR
    if not all((folder / name).exists() for name in FILES):
        folder = Path(tempfile.mkdtemp(prefix="supportstats-sample-"))
        write_sample(SampleSpec(), folder)
    return [folder / name for name in FILES]


def build_demo_warehouse(db: Path, wait: float | str | None = None) -> list[ImportResult]:
    """Import the sample into ``db`` (created if needed); a second run changes nothing.
    ``wait``: how long to wait for a warehouse another process holds (db.connect)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open_warehouse(db, wait=wait) as conn:
        return [import_file(conn, path) for path in sample_files()]


def last_week(conn: duckdb.DuckDBPyConnection) -> Period:
    """The last seven days with contacts (so the scorecard has a previous week to beat)."""
    last = conn.execute("SELECT max(created_at)::DATE FROM conversation").fetchall()[0][0]
    return Period.from_dates(last - dt.timedelta(days=6), last)


def demo_report(db: Path, wait: float | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team scorecard and the agent report of the demo warehouse's last week."""
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        period = last_week(conn)
        card = scorecard(conn, period=period)
        agents = agent_report(conn, period=period)
    agent_columns = [
        c
        for c in (
            "agent", "conversations", "first_response_median_s", "resolution_median_s",
            "csat_score", "concurrency_mean", "occupancy", "utilisation", "missed",
        )
        if c in agents.columns
    ]  # fmt: skip
    return card, agents[agent_columns]


def demo_plan(db: Path, hours: int = 24, wait: float | str | None = None) -> pd.DataFrame:
    """Chat agents per interval for the day after the history ends (busy intervals only).

    :func:`~supportstats.planning.plan.plan_from_history` for the chat queue with the chat
    preset (``StaffingTargets.chat()``: 80 % answered in 60 s, 3 chats per agent, 85 %
    occupancy cap, 30 % shrinkage, Erlang A with 90 s patience), as the dashboard's staffing
    page and ``supportstats plan`` with the same options.
    """
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn, DEMO_QUEUE)
    plan = plan_from_contacts(
        contacts, StaffingTargets.chat(), horizon=f"{hours}h", queue=DEMO_QUEUE
    ).plan
    busy = plan[plan["volume"] >= 0.5]
    return busy[
        ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled", "service_level",
         "abandon_probability"]
    ].reset_index(drop=True)  # fmt: skip


def demo_queues(db: Path, hours: int = 24, wait: float | str | None = None) -> pd.DataFrame:
    """Every queue's staffing for the day after the history ends, one row per queue: its
    channel and model (chat: Erlang A; e-mail and WhatsApp: the backlog model), contacts
    forecast, agent-hours scheduled, peak agents scheduled and team leads at that peak.

    :func:`~supportstats.planning.plan.plan_every_queue` with each queue's channel preset
    and the default roster rules, as ``supportstats plan --horizon 24h``.
    """
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn)
    return queue_summary(plan_every_queue(contacts, horizon=f"{hours}h").plan)
