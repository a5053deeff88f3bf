"""The demo warehouse: the committed sample imported, plus what ``make demo`` prints."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from supportstats.db import open_warehouse
from supportstats.importers import ImportResult, import_file
from supportstats.sample import FILES, SampleSpec, write_sample

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data" / "generic"


def sample_files() -> list[Path]:
    """The committed sample's CSV files, in import order (regenerated when absent)."""
    folder = SAMPLE_DIR
    if not all((folder / name).exists() for name in FILES):
        folder = Path(tempfile.mkdtemp(prefix="supportstats-sample-"))
        write_sample(SampleSpec(), folder)
    return [folder / name for name in FILES]


def build_demo_warehouse(db: Path) -> list[ImportResult]:
    """Import the sample into ``db`` (created if needed); a second run changes nothing."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open_warehouse(db) as conn:
        return [import_file(conn, path) for path in sample_files()]


def demo_report(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team scorecard and the agent report of the demo warehouse."""
    raise RuntimeError("wired once the reports land")


def demo_plan(db: Path) -> pd.DataFrame:
    """Tomorrow's chat staffing plan from the demo warehouse's history."""
    raise RuntimeError("wired once the planner's forecast lands")
