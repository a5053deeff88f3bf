"""Helpers the importer tests share: UTC datetimes, read-only queries, real data set imports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from supportstats.db import connect
from supportstats.importers import import_file

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"


def utc(*args: int) -> datetime:
    """A UTC datetime from year, month, day[, hour, minute, second]."""
    return datetime(*args, tzinfo=UTC)


def rows(db: Path, sql: str) -> list[tuple]:
    """All rows of ``sql`` on the warehouse file ``db``, opened read-only."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def import_twice(tmp_path_factory: pytest.TempPathFactory, path: Path, name: str) -> Path:
    """Import a real data set into a fresh warehouse, check that a second import is a no-op,
    and return the warehouse path (the test is skipped when the data set is absent)."""
    if not path.exists():
        pytest.skip(f"real data set not found at {path}")
    db = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    conn = connect(db)
    try:
        first = import_file(conn, path)
        again = import_file(conn, path)
    finally:
        conn.close()
    assert again.skipped and again.batch_id == first.batch_id
    return db
