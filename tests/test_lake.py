"""`supportstats db export --format parquet` and `lake.open_lake`: a warehouse written as a
Parquet lake and read back gives the same tables, types, row counts and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from supportstats.db import SCHEMA_VERSION, connect, open_warehouse
from supportstats.lake import LakeError, export_lake, open_lake, read_manifest
from supportstats.metrics import MetricOptions, Period, metrics_table, query, stored

FACTS = {t.name for t in stored.ALL_TABLES}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo warehouse (stored facts current), built once for the module."""
    from supportstats.demo import build_demo_warehouse

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_warehouse(db)
    return db


@pytest.fixture(scope="module")
def demo_lake(demo_db, tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("lakes") / "demo_lake"
    with open_warehouse(demo_db, read_only=True) as conn:
        export_lake(conn, lake)
    return lake


def _attached(lake: Path, db: Path) -> duckdb.DuckDBPyConnection:
    """The lake's views with the warehouse attached as ``w``."""
    conn = open_lake(lake)
    conn.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
    return conn


def test_every_table_round_trips_with_its_types_and_rows(demo_db, demo_lake):
    conn = _attached(demo_lake, demo_db)
    manifest = read_manifest(demo_lake)
    assert FACTS <= set(manifest.tables)  # the demo's facts are current: exported too
    assert manifest.tables["fact_conversation"].rows == 6000
    for name in manifest.tables:
        lake_types = conn.execute(f"DESCRIBE {name}").fetchall()
        wh_types = conn.execute(f"DESCRIBE w.{name}").fetchall()
        assert [r[:2] for r in lake_types] == [r[:2] for r in wh_types], name
        for a, b in ((name, f"w.{name}"), (f"w.{name}", name)):
            extra = conn.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})")
            assert extra.fetchall() == [(0,)], f"{a} has rows {b} lacks"
        rows = conn.execute(f"SELECT count(*) FROM w.{name}").fetchall()[0][0]
        assert manifest.tables[name].rows == rows, name


def test_the_derived_views_and_metrics_read_the_lake_as_the_warehouse(demo_db, demo_lake):
    conn = _attached(demo_lake, demo_db)
    for view in ("message_all", "conversation_event_all", "rating_all"):
        n = conn.execute(f"SELECT count(*) FROM {view}").fetchall()
        assert n == conn.execute(f"SELECT count(*) FROM w.{view}").fetchall(), view
    conn.close()

    def agents(c: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        period = Period.from_dates("2026-01-01", "2026-03-31")
        return metrics_table(query(c, MetricOptions(), period, by=["agent"]))

    with open_warehouse(demo_db, read_only=True) as wh:
        expected = agents(wh)
    lake = open_lake(demo_lake)
    assert stored.is_current(lake)  # the lake's stored facts are read
    got = agents(lake)
    assert len(got) == 11  # the demo's agents
    pd.testing.assert_frame_equal(got, expected)
    lake.execute("DROP TABLE fact_state")  # computed from the canonical tables instead
    assert not stored.is_current(lake)
    pd.testing.assert_frame_equal(agents(lake), expected)


def test_stored_facts_of_a_lake_changed_since_the_export_are_not_read(demo_lake, tmp_path):
    import shutil

    lake = tmp_path / "lake"
    shutil.copytree(demo_lake, lake)
    assert stored.is_current(open_lake(lake))
    shutil.rmtree(lake / "conversation" / "source_system=generic" / "month=2026-02")
    assert not stored.is_current(open_lake(lake))


def test_manifest_describes_each_table(demo_db, demo_lake):
    data = json.loads((demo_lake / "manifest.json").read_text())
    assert set(data) == {
        "format", "lake_version", "schema_version", "supportstats_version", "exported_at",
        "facts_definition", "data_fingerprint", "tables",
    }  # fmt: skip
    assert (data["format"], data["lake_version"]) == ("supportstats-lake", 1)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["facts_definition"] == stored.definition()
    assert not {"schema_version", "fact_state", "fact_pending"} & set(data["tables"])
    conv = data["tables"]["conversation"]
    assert conv["partition_by"] == ["source_system", "month"]
    assert conv["time_column"] == "created_at"
    assert conv["rows"] == 6000
    assert ["created_at", "TIMESTAMP WITH TIME ZONE"] in conv["columns"]
    assert ["tags", "VARCHAR[]"] in conv["columns"]
    assert ["raw", "JSON"] in conv["columns"]
    assert conv["columns"][0] == ["conversation_key", "VARCHAR"]  # computed: stored in the lake
    assert data["tables"]["agent"]["partition_by"] == ["source_system"]
    assert data["tables"]["agent_team"]["partition_by"] == []  # no source_system
    assign = data["tables"]["fact_assignment"]
    assert (assign["partition_by"], assign["time_column"]) == ([], "started_at")
    assert data["tables"]["contact"] == {
        "columns": data["tables"]["contact"]["columns"],
        "partition_by": [],  # empty: one file, so the columns are still there
        "rows": 0,
        "time_column": None,
    }
    assert (demo_lake / "contact" / "data_0.parquet").is_file()
    assert (demo_lake / "fact_assignment" / "data_0.parquet").is_file()
    months = sorted(
        p.name for p in (demo_lake / "conversation" / "source_system=generic").iterdir()
    )
    assert months == ["month=2026-01", "month=2026-02"]


@pytest.fixture
def odd_warehouse(db_path: Path) -> Path:
    """Rows written outside an import (so the stored facts are not current) that test the
    partition folders: a source with a slash, a source that looks like a number, a time just
    past midnight at +01:00 (still January in UTC) and a rating without a time."""
    with connect(db_path) as conn:
        conn.execute(
            "INSERT INTO conversation (source_system, source_id, created_at, tags) VALUES "
            "('a/b', '1', '2024-02-01 00:30:00+01', ['x', 'y']), "
            "('2024', '2', '2024-03-15 12:00:00+00', NULL)"
        )
        conn.execute(
            "INSERT INTO rating (conversation_key, source_system, source_id, raw_value) "
            "VALUES ('2024:2', '2024', 'r1', '5')"
        )
    return db_path


def test_partition_folders_and_values_read_back(odd_warehouse, tmp_path):
    lake = tmp_path / "lake"
    with open_warehouse(odd_warehouse, read_only=True) as conn:
        manifest = export_lake(conn, lake)
    assert manifest.facts_definition is None
    assert not FACTS & set(manifest.tables)  # not current: left out
    assert (lake / "conversation/source_system=a%2Fb/month=2024-01/data_0.parquet").is_file()
    assert (lake / "conversation/source_system=2024/month=2024-03/data_0.parquet").is_file()
    null_month = lake / "rating/source_system=2024/month=__HIVE_DEFAULT_PARTITION__"
    assert (null_month / "data_0.parquet").is_file()
    read = open_lake(lake)
    rows = read.execute(
        "SELECT source_system, conversation_key, tags FROM conversation ORDER BY source_id"
    ).fetchall()
    assert rows == [("a/b", "a/b:1", ["x", "y"]), ("2024", "2024:2", None)]
    assert read.execute("SELECT source_system, rated_at FROM rating").fetchall() == [("2024", None)]


def test_a_failed_export_leaves_nothing_behind(demo_db, demo_lake, tmp_path):
    def fail_at_third(what: str, step: int, steps: int) -> None:
        if step == 3:
            raise RuntimeError("disk gone")

    target = tmp_path / "lake"
    with open_warehouse(demo_db, read_only=True) as conn, pytest.raises(RuntimeError):
        export_lake(conn, target, progress=fail_at_third)
    assert list(tmp_path.iterdir()) == []  # neither the lake nor its temporary folder

    before = (demo_lake / "manifest.json").read_text()
    with open_warehouse(demo_db, read_only=True) as conn, pytest.raises(RuntimeError):
        export_lake(conn, demo_lake, progress=fail_at_third, overwrite=True)
    assert (demo_lake / "manifest.json").read_text() == before  # the old lake is intact
    assert sorted(p.name for p in demo_lake.parent.iterdir()) == ["demo_lake"]


def _files(lake: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(lake)): p.read_bytes() for p in lake.rglob("*.parquet") if p.is_file()
    }


def test_cli_export_refuses_a_taken_folder_and_overwrites_a_lake(cli, demo_db, tmp_path):
    lake = tmp_path / "lake"
    first = cli("db", "export", "--format", "parquet", lake, "--db", demo_db)
    assert first.exit_code == 0, first.stderr
    assert "Exported 29 tables (74,297 rows, with stored facts" in first.stderr
    files = _files(lake)
    manifest = json.loads((lake / "manifest.json").read_text())

    again = cli("db", "export", lake, "--db", demo_db)
    assert again.exit_code == 2
    assert again.stderr.splitlines() == [
        f"Error: {lake} is not empty",
        "Hint: pick a new folder, or add --overwrite to replace the lake there",
    ]

    replaced = cli("db", "export", lake, "--db", demo_db, "--overwrite")
    assert replaced.exit_code == 0, replaced.stderr
    assert _files(lake) == files  # idempotent: the same bytes
    second = json.loads((lake / "manifest.json").read_text())
    assert {**second, "exported_at": None} == {**manifest, "exported_at": None}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]  # no temporary folders


@pytest.mark.parametrize(
    ("setup", "args", "code", "message"),
    [
        ("other", ["--overwrite"], 2, "is not empty and not a supportstats lake"),
        ("file", [], 2, "is a file, not a folder for the lake"),
        ("no_parent", [], 2, "does not exist"),
    ],
)
def test_cli_export_errors(cli, demo_db, tmp_path, setup, args, code, message):
    target = tmp_path / "lake"
    if setup == "other":
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    elif setup == "file":
        target.write_text("a file")
    elif setup == "no_parent":
        target = tmp_path / "missing" / "lake"
    result = cli("db", "export", target, "--db", demo_db, *args)
    assert result.exit_code == code
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: ") and lines[1].startswith("Hint: ")
    assert message in lines[0]
    if setup == "other":
        assert (target / "notes.txt").read_text() == "mine"


def test_cli_export_writes_parquet_only(cli, demo_db, tmp_path):
    result = cli("db", "export", tmp_path / "lake", "--db", demo_db, "--format", "csv")
    assert result.exit_code == 2
    assert "'csv' is not one of 'parquet'" in result.stderr
    assert not (tmp_path / "lake").exists()


def test_cli_export_of_a_missing_warehouse(cli, tmp_path):
    result = cli("db", "export", tmp_path / "lake", "--db", tmp_path / "nope.duckdb")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: warehouse {tmp_path / 'nope.duckdb'} does not exist")
    assert not (tmp_path / "lake").exists()


def _manifest(lake: Path, **changes) -> None:
    data = json.loads((lake / "manifest.json").read_text())
    data.update(changes)
    (lake / "manifest.json").write_text(json.dumps(data))


def test_open_lake_refuses_what_it_cannot_read(demo_lake, tmp_path):
    with pytest.raises(LakeError, match="has no manifest.json"):
        open_lake(tmp_path)
    with pytest.raises(LakeError, match="is not a folder"):
        open_lake(tmp_path / "missing")
    lake = tmp_path / "copy"
    lake.mkdir()
    (lake / "manifest.json").write_text((demo_lake / "manifest.json").read_text())
    _manifest(lake, format="something-else")
    with pytest.raises(LakeError, match="is not a supportstats lake manifest"):
        open_lake(lake)
    _manifest(lake, format="supportstats-lake", lake_version=2)
    with pytest.raises(LakeError, match="has lake_version 2; this supportstats reads 1"):
        open_lake(lake)
    _manifest(lake, lake_version=1, schema_version=SCHEMA_VERSION + 1)
    with pytest.raises(LakeError, match=f"has warehouse schema version {SCHEMA_VERSION + 1}"):
        open_lake(lake)
    bad = {"t": {"columns": [["x", "INTEGER) FROM x; DROP TABLE y; --"]], "partition_by": []}}
    _manifest(lake, schema_version=SCHEMA_VERSION, tables=bad)
    with pytest.raises(LakeError, match="is not a plain SQL name and DuckDB type"):
        open_lake(lake)
    _manifest(lake, tables={"../up": {"columns": [["x", "INTEGER"]]}})
    with pytest.raises(LakeError, match="table name '../up' is not a plain SQL name"):
        open_lake(lake)
    _manifest(lake, tables={"conversation": {"columns": [["x", "INTEGER"]]}})
    with pytest.raises(LakeError, match="names table conversation but there is no folder"):
        open_lake(lake)
    (lake / "conversation").mkdir()
    with pytest.raises(LakeError, match="table conversation: IO Error: No files found"):
        open_lake(lake)
    duckdb.sql(
        "COPY (SELECT 1 AS x) TO $p (FORMAT parquet)",
        params={"p": str(lake / "conversation" / "a.parquet")},
    )
    with pytest.raises(LakeError, match="lacks what the schema's views read"):
        open_lake(lake)  # a lake with no conversation_source, message, ...


def test_export_while_an_import_writes_fails_at_once_with_wait_0(demo_db, tmp_path):
    from tests.bad_input._corpus import assert_clean_error, run
    from tests.bad_input._holder import Holder

    db = tmp_path / "busy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    lake = tmp_path / "lake"
    with Holder(db, "write") as holder:
        outcome = run("db", "export", lake, "--db", db, "--wait", "0")
    assert_clean_error(outcome, 3, contains=f"warehouse {db} is busy")
    assert f"pid {holder.pid}" in outcome.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.duckdb"]  # no lake, no temp


def test_a_full_disk_under_the_lake_is_not_blamed_on_the_warehouse(
    cli, demo_db, tmp_path, monkeypatch
):
    # DuckDB's words when the lake's disk fills (as seen on a 300 KB tmpfs); the warehouse's
    # own fault check must not take them for a full warehouse disk
    def full(*_args):
        raise duckdb.IOException('Could not write file "t/data_0.parquet": No space left on device')

    monkeypatch.setattr("supportstats.lake._export_table", full)
    lake = tmp_path / "lake"
    result = cli("db", "export", lake, "--db", demo_db)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-2:] == [
        f'Error: cannot write the lake {lake}: Could not write file "t/data_0.parquet": No '
        "space left on device",
        "Hint: free some disk space or pick another folder; nothing was changed there",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
