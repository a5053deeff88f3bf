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
from supportstats.planning import staff
from supportstats.planning.forecast import forecast, interval_history
from supportstats.planning.history import contact_history
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
    """Chat agents per 30 minutes for the day after the history ends.

    Forecast from the chat queue's history, then Erlang A staffing for 80 % answered in
    60 s, 3 chats per agent, 85 % occupancy cap and 30 % shrinkage (DESIGN §1 defaults).
    """
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn, DEMO_QUEUE)
    history = interval_history(contacts, "30min")
    predicted, _accuracy = forecast(history, horizon=f"{hours}h", interval="30min")
    frame = predicted.assign(
        interval_s=1800.0, sl_target=0.8, sl_threshold_s=60.0, max_occupancy=0.85,
        shrinkage=0.3, patience_s=90.0, concurrency=3,
    )  # fmt: skip
    plan = staff(frame)
    busy = plan[plan["volume"] >= 0.5]
    return busy[
        ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled", "service_level",
         "abandon_probability"]
    ].reset_index(drop=True)  # fmt: skip
