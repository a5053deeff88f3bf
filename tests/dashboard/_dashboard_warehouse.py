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


def write_csvs(folder: Path) -> Path:
    """The sample's canonical CSVs in ``folder``."""
    write_sample(SPEC, folder)
    return folder


def build_warehouse(folder: Path) -> Path:
    """Write the sample CSVs into ``folder/csv`` and import them into a new warehouse."""
    csv = write_csvs(folder / "csv")
    db = folder / "warehouse.duckdb"
    with open_warehouse(db) as conn:
        for name in FILES:
            result = import_file(conn, csv / name)
            assert result.rows_rejected == 0, result
    return db
