"""The fixture warehouse shared by the dashboard, browser and notebook tests.

A small seeded sample (``supportstats sample`` with 1,500 conversations over 14 days and 4
agents: dense enough that chats queue and abandon), imported with the Python API.
"""

from __future__ import annotations

from pathlib import Path

from supportstats.db import open_warehouse
from supportstats.importers import import_file
from supportstats.sample import FILES, SampleSpec, write_sample

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboards" / "streamlit_app.py"
SPEC = SampleSpec(conversations=1500, days=14, agents=4, seed=11)
# every page must also work when the data holds a single day (no previous period, one point)
ONE_DAY = SampleSpec(conversations=150, days=1, agents=3, seed=5)


def write_csvs(folder: Path, spec: SampleSpec = SPEC) -> Path:
    """The sample's canonical CSVs in ``folder``."""
    write_sample(spec, folder)
    return folder


def one_utc_day(csv: Path, day: str) -> None:
    """Keep only the conversations created on ``day`` (UTC) and the rows that name them: the
    sample's local day (Europe/Madrid) starts an hour before the UTC one."""
    import pandas as pd

    conversations = pd.read_csv(csv / "conversations.csv", dtype=str, keep_default_na=False)
    kept = conversations[conversations["created_at"].str.startswith(day)]
    kept.to_csv(csv / "conversations.csv", index=False)
    for name in ("messages.csv", "events.csv", "engagements.csv", "ratings.csv"):
        rows = pd.read_csv(csv / name, dtype=str, keep_default_na=False)
        rows[rows["conversation_id"].isin(kept["conversation_id"])].to_csv(csv / name, index=False)


def build_warehouse(folder: Path, spec: SampleSpec = SPEC) -> Path:
    """Write the sample CSVs into ``folder/csv`` and import them into a new warehouse (for a
    one-day spec, only the conversations of its first UTC day)."""
    csv = write_csvs(folder / "csv", spec)
    if spec.days == 1:
        one_utc_day(csv, spec.start)
    db = folder / "warehouse.duckdb"
    with open_warehouse(db) as conn:
        for name in FILES:
            result = import_file(conn, csv / name)
            assert result.rows_rejected == 0, result
    return db
