"""Implausible times (issue 15, item 7): one rule for every time an import writes.

A time before 1970-01-02 or more than a day after the import, or a span inside a row that runs
backwards by more than a minute, rejects the row with its column, value and why
(importers/_plausible.py); ``--keep-implausible`` loads it. Spans across rows and files are
left out by the metrics (tests/metrics/test_backwards_spans.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from supportstats.db import connect
from supportstats.importers import ImportOptions, import_file

CONVERSATIONS = """\
conversation_id,created_at,first_response_at,resolved_at,channel
c1,2024-03-01T10:00:00Z,2024-03-01T10:05:00Z,2024-03-01T11:00:00Z,chat
c2,2024-03-01T10:00:00Z,,2023-11-01T10:00:00Z,chat
c3,2024-03-01T10:00:00Z,,9999-12-31T00:00:00Z,chat
c4,1900-01-01T00:00:00Z,,,chat
c5,2024-03-01T10:00:00Z,2024-03-01T09:00:00Z,,chat
c6,2024-03-01T10:00:00Z,2024-03-01T09:59:30Z,,chat
c7,1970-01-01T00:00:00Z,,,chat
"""


def _rejects(conn) -> list[tuple]:
    return conn.execute(
        "SELECT line_number, column_name, reason FROM import_reject ORDER BY line_number"
    ).fetchall()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_conversations_with_implausible_times_are_rejected(tmp_path: Path, kind: str) -> None:
    path = _write(tmp_path, "conversations.csv", CONVERSATIONS)
    if kind == "jsonl":  # the staged way (JSON) as well as the single pass (CSV)
        import csv
        import json

        with path.open(encoding="utf-8") as handle:
            records = [{k: v or None for k, v in r.items()} for r in csv.DictReader(handle)]
        path = _write(
            tmp_path, "conversations.jsonl", "".join(json.dumps(r) + "\n" for r in records)
        )
    with connect(tmp_path / "w.duckdb") as conn:
        result = import_file(conn, path)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 2, 5)
        loaded = conn.execute("SELECT source_id FROM conversation ORDER BY 1").fetchall()
        # c6: a first response 30 s before creation is two clocks, within the minute allowed
        assert loaded == [("c1",), ("c6",)]
        got = _rejects(conn)
    first = 1 if kind == "jsonl" else 2  # JSON Lines have no header line
    assert [(line - first + 2, column) for line, column, _ in got] == [
        (3, "resolved_at"),
        (4, "resolved_at"),
        (5, "created_at"),
        (6, "first_response_at"),
        (8, "created_at"),
    ]
    reasons = [reason for _, _, reason in got]
    assert reasons[0].startswith(
        "resolved_at 2023-11-01 10:00:00 UTC is before created_at 2024-03-01 10:00:00 UTC "
        "by 121.0 days: a span cannot run backwards"
    )
    assert reasons[1].startswith("resolved_at 9999-12-31 00:00:00 UTC is more than a day after")
    assert reasons[2].startswith("created_at 1900-01-01 00:00:00 UTC is before 1970-01-02")
    assert "by 60.0 min" in reasons[3]
    assert reasons[4].startswith("created_at 1970-01-01 00:00:00 UTC is before 1970-01-02")
    assert all(reason.endswith("--keep-implausible to load such rows") for reason in reasons)


def test_keep_implausible_loads_them_and_is_another_import(tmp_path: Path) -> None:
    path = _write(tmp_path, "conversations.csv", CONVERSATIONS)
    with connect(tmp_path / "w.duckdb") as conn:
        first = import_file(conn, path)
        kept = import_file(conn, path, ImportOptions(keep_implausible=True))
        assert not kept.skipped and kept.replaced == [first.batch_id]
        assert (kept.rows_read, kept.rows_loaded, kept.rows_rejected) == (7, 7, 0)
        assert "--keep-implausible: False -> True" in kept.changed
        assert import_file(conn, path, ImportOptions(keep_implausible=True)).skipped
        assert conn.execute("SELECT count(*) FROM conversation").fetchall() == [(7,)]


CHILD_FILES = {
    # entity file, the bad row's column, a reason fragment
    "messages.csv": (
        "message_id,conversation_id,created_at,author_role\n"
        "m1,c1,2024-03-01T10:00:00Z,customer\n"
        "m2,c1,9999-12-31T23:59:59Z,agent\n",
        "created_at",
        "more than a day after the import",
    ),
    "events.csv": (
        "event_id,conversation_id,occurred_at,event_type\n"
        "e1,c1,2024-03-01T11:00:00Z,resolve\n"
        "e2,c1,0201-03-01T11:00:00Z,resolve\n",
        "occurred_at",
        "is before 1970-01-02",
    ),
    "engagements.csv": (
        "engagement_id,conversation_id,agent,started_at,accepted_at,ended_at\n"
        "g1,c1,a1,2024-03-01T10:00:00Z,2024-03-01T09:59:21Z,2024-03-01T10:10:00Z\n"
        "g2,c1,a1,2024-03-01T10:00:00Z,2024-03-01T10:00:05Z,2024-03-01T09:00:00Z\n",
        "ended_at",
        "ended_at 2024-03-01 09:00:00 UTC is before started_at 2024-03-01 10:00:00 UTC",
    ),
    "ratings.csv": (
        "rating_id,conversation_id,rating,offered_at,rated_at\n"
        "r1,c1,5,2024-03-01T11:00:00Z,2024-03-01T11:05:00Z\n"
        "r2,c1,4,2024-03-02T11:00:00Z,2024-03-01T11:05:00Z\n",
        "rated_at",
        "is before offered_at",
    ),
    "agent_status.csv": (
        "agent,started_at,ended_at,status\n"
        "a1,2024-03-01T08:00:00Z,2024-03-01T12:00:00Z,online\n"
        "a1,2024-03-01T13:00:00Z,2024-03-01T12:30:00Z,online\n",
        "ended_at",
        "by 30.0 min",
    ),
}


@pytest.mark.parametrize("name", sorted(CHILD_FILES))
def test_every_entity_rejects_its_implausible_row(tmp_path: Path, name: str) -> None:
    text, column, reason = CHILD_FILES[name]
    path = _write(tmp_path, name, text)
    with connect(tmp_path / "w.duckdb") as conn:
        result = import_file(conn, path)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
        (got,) = _rejects(conn)
        kept = import_file(conn, path, ImportOptions(keep_implausible=True))
        assert (kept.rows_loaded, kept.rows_rejected) == (2, 0)
    assert got[0] == 3 and got[1] == column and reason in got[2], got


def test_a_vendor_file_rejects_its_implausible_row(tmp_path: Path) -> None:
    """The rule is the pipeline's: a vendor importer (TWCS) meets it without code of its own."""
    tiny = Path(__file__).resolve().parents[1] / "data" / "twcs" / "twcs_tiny.csv"
    data = tiny.read_bytes()  # as bytes: the file holds a bare carriage return
    bad = data.replace(b"Tue Oct 31 22:10:00 +0000 2017", b"Tue Oct 31 22:10:00 +0000 1960", 1)
    assert bad != data
    path = tmp_path / "twcs_bad.csv"
    path.write_bytes(bad)
    with connect(tmp_path / "before.duckdb") as conn:
        before = import_file(conn, tiny)
    with connect(tmp_path / "after.duckdb") as conn:
        after = import_file(conn, path)
        assert after.rows_read == before.rows_read
        assert after.rows_rejected == before.rows_rejected + 1
        reasons = [r for _, _, r in _rejects(conn) if "1970-01-02" in r]
    assert reasons and reasons[0].startswith("created_at 1960-10-31 22:10:00 UTC is before")
