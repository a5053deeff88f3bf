"""Helpers the importer tests share: UTC datetimes, read-only queries, real data set imports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from supportstats.db import connect
from supportstats.importers import import_file
from tests.bad_input._corpus import rows  # noqa: F401 (the data-set tests import it here)

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"


def utc(*args: int) -> datetime:
    """A UTC datetime from year, month, day[, hour, minute, second]."""
    return datetime(*args, tzinfo=UTC)


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


def frt_by_hand_sql(where: str = "true") -> str:
    """Per conversation: first public, non-automated agent message minus creation (seconds).

    The independent check the vendor importer tests compare against; ``where`` narrows the
    conversations (a condition on ``c``, written by the test).
    """
    return f"""
SELECT c.source_id, epoch(min(m.created_at) FILTER (WHERE m.author_role = 'agent'
       AND m.visibility = 'public' AND m.automation = 'none')) - epoch(c.created_at)
FROM conversation c LEFT JOIN message_all m USING (conversation_key)
WHERE {where} GROUP BY c.source_id, c.created_at ORDER BY 1
"""


def resolution_by_hand_sql(where: str = "true") -> str:
    """Per conversation: last resolve event minus creation (seconds); see frt_by_hand_sql."""
    return f"""
SELECT c.source_id, epoch(max(e.occurred_at) FILTER (WHERE e.event_type = 'resolve'))
       - epoch(c.created_at)
FROM conversation c LEFT JOIN conversation_event_all e USING (conversation_key)
WHERE {where} GROUP BY c.source_id, c.created_at ORDER BY 1
"""


KILLER = """
import sys, time
from pathlib import Path
from supportstats.db import connect
from supportstats.importers import import_file

conn = connect(sys.argv[1])

def on_progress(fraction, label):
    # Called on the main thread once each statement ends: hold the import there, its rows
    # written but not committed, until the test kills the process.
    if label.startswith(sys.argv[4]) and fraction >= 1.0:
        Path(sys.argv[3]).write_text("written")
        time.sleep(120)

import_file(conn, sys.argv[2], progress=on_progress)
"""


def kill_import_after(db: Path, path: Path, label: str, marker: Path) -> None:
    """Import ``path`` into ``db`` in a subprocess and SIGKILL it once the statement whose
    progress label starts with ``label`` has finished (``path`` must be 4 MiB or more, so
    the import reports progress)."""
    assert path.stat().st_size >= 4 << 20
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(db), str(path), str(marker), label],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
