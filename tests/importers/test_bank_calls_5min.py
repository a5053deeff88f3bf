"""The 5-minute call-count importer: a hand-made file, then the real fpp3 bank_calls file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _importer_helpers import DATASETS, REPO, import_twice, rows, utc

from supportstats.importers import choose_importer, probe

TINY = REPO / "tests" / "data" / "bank_calls_5min" / "calls_5min_tiny.csv"
REAL = DATASETS / "bank_calls_5min_2003" / "bank_calls_5min.csv"


def test_detected_as_bank_calls_5min() -> None:
    assert choose_importer(probe(TINY)).SOURCE == "bank_calls_5min"


def test_tiny_counts_become_interval_aggregates(cli, db_path: Path) -> None:
    result = cli("import", TINY, "--db", db_path)
    assert result.exit_code == 1  # two rows rejected
    assert rows(
        db_path,
        "SELECT report, grain, period_start, period_end, metric, value, unit "
        "FROM source_aggregate ORDER BY period_start",
    ) == [
        ("bank_calls_5min", "interval", utc(2003, 3, 3, 7), utc(2003, 3, 3, 7, 5),
         "calls_handled", 111.0, "count"),
        ("bank_calls_5min", "interval", utc(2003, 3, 3, 7, 5), utc(2003, 3, 3, 7, 10),
         "calls_handled", 113.0, "count"),
        ("bank_calls_5min", "interval", utc(2003, 3, 3, 7, 10), utc(2003, 3, 3, 7, 15),
         "calls_handled", 76.0, "count"),
        ("bank_calls_5min", "interval", utc(2003, 3, 4, 21), utc(2003, 3, 4, 21, 5),
         "calls_handled", 42.0, "count"),
    ]  # fmt: skip
    assert rows(
        db_path, "SELECT line_number, column_name, reason FROM import_reject ORDER BY 1"
    ) == [
        (5, "Calls", "Calls 'abc' is not a whole number of calls"),
        (6, "DateTime", "duplicate interval 2003-03-03T07:05:00Z; the first row was kept"),
    ]
    # nothing event-level is invented from counts
    assert rows(db_path, "SELECT count(*) FROM conversation") == [(0,)]


def test_z_is_read_as_local_time(cli, db_path: Path) -> None:
    # 07:00 in New York on 3 March 2003 (EST, UTC-5) is 12:00 UTC
    cli("import", TINY, "--db", db_path, "--timezone", "America/New_York")
    assert rows(db_path, "SELECT min(period_start) FROM source_aggregate") == [
        (utc(2003, 3, 3, 12),)
    ]


def test_corrected_file_replaces_counts(cli, db_path: Path, tmp_path: Path) -> None:
    cli("import", TINY, "--db", db_path)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("DateTime,Calls\n2003-03-03T07:00:00Z,120\n")
    assert cli("import", fixed, "--db", db_path).exit_code == 0
    assert rows(
        db_path,
        "SELECT count(*), sum(value), max(value) FILTER (WHERE period_start = "
        "'2003-03-03 07:00:00+00') FROM source_aggregate",
    ) == [(4, 120.0 + 113 + 76 + 42, 120.0)]


def test_other_file_forced_is_refused(cli, db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("interval,volume\n2024-01-01 08:00,3\n")
    result = cli("import", other, "--db", db_path, "--source", "bank_calls_5min")
    assert result.exit_code == 2
    assert "not a 5-minute call-count file (missing columns DateTime, Calls)" in result.stderr


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    db = import_twice(tmp_path_factory, REAL, "b5")
    return db, pd.read_csv(REAL)


def test_real_counts_and_totals(real) -> None:
    db, frame = real
    assert rows(db, "SELECT rows_read, rows_loaded, rows_rejected FROM import_batch") == [
        (len(frame), len(frame), 0)
    ]
    assert len(frame) == 27_716
    assert rows(db, "SELECT count(*), sum(value) FROM source_aggregate") == [
        (len(frame), float(frame.Calls.sum()))
    ]
    # per day: 164 days of 169 intervals, and the same daily totals as pandas
    frame["day"] = frame.DateTime.str[:10]
    daily = frame.groupby("day").Calls.agg(["size", "sum"])
    ours = rows(
        db,
        "SELECT strftime(period_start, '%Y-%m-%d'), count(*), sum(value)::BIGINT "
        "FROM source_aggregate GROUP BY 1 ORDER BY 1",
    )
    assert ours == [(d, int(n), int(s)) for d, n, s in daily.itertuples()]
    assert len(ours) == 164 and {n for _, n, _ in ours} == {169}
    # each interval ends where the next begins within a day: 07:00 .. 21:05
    assert rows(
        db,
        "SELECT DISTINCT strftime(min(period_start), '%H:%M'), strftime(max(period_end), "
        "'%H:%M') FROM source_aggregate GROUP BY period_start::DATE",
    ) == [("07:00", "21:05")]
