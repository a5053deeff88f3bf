"""What the Data page and ``db info`` / ``db rejects --summary`` show: date coverage per source
and rejected rows counted per reason (issue 16)."""

from __future__ import annotations

import json

from supportstats.db import open_warehouse
from supportstats.warehouse_info import coverage, reject_reasons


def test_coverage_per_source_and_reasons_counted(cli, tmp_path, db_path) -> None:  # noqa: ANN001
    good = tmp_path / "c.csv"
    good.write_text(
        "conversation_id,created_at\na,2024-01-01 09:00\nb,2024-01-03 17:30\nc,2024-01-03\n"
        "d,not a date\ne,also not\nf,\n"
    )
    result = cli("import", good, "--db", db_path)
    assert result.exit_code == 1, result.output  # some rows rejected: 1, the rest loaded
    with open_warehouse(db_path, read_only=True) as conn:
        covered = coverage(conn)
        reasons = reject_reasons(conn)
        one = reject_reasons(conn, batch=2)
    row = covered.set_index("source").loc["generic"]
    assert row["conversations"] == 3 and row["days_with_conversations"] == 2
    assert str(row["first_created_at"])[:16] == "2024-01-01 09:00"
    assert str(row["last_created_at"])[:16] == "2024-01-03 17:30"
    assert (row["batches"], row["rows_loaded"], row["rows_rejected"]) == (1, 3, 3)
    assert reasons["rows"].sum() == 3
    assert set(reasons["kind"]) == {"rejected"}
    assert reasons["rows"].is_monotonic_decreasing
    assert one.empty  # no batch 2

    info = json.loads(cli("db", "info", "--db", db_path, "--format", "json").stdout)
    assert info["coverage"][0]["conversations"] == 3
    summary = cli("db", "rejects", "--summary", "--db", db_path, "--format", "json")
    assert summary.exit_code == 0
    assert sum(r["rows"] for r in json.loads(summary.stdout)) == 3


def test_empty_warehouse_has_no_coverage(db_path) -> None:  # noqa: ANN001
    with open_warehouse(db_path):
        pass
    with open_warehouse(db_path, read_only=True) as conn:
        assert coverage(conn).empty
        assert reject_reasons(conn).empty
