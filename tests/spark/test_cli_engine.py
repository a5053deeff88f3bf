"""``supportstats metrics --engine spark``: the flags, the one-line refusals, a run on the
demo lake that gives the DuckDB engine's CSV (filters by agent name and channel), and the
vendor's own numbers (``--compare-source``) on the vendor lake."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.spark.compare import differences

runner = CliRunner()


def test_spark_engine_needs_a_lake():
    result = runner.invoke(app, ["metrics", "--engine", "spark"])
    assert result.exit_code == 2
    assert "--lake DIR is missing" in result.output


def test_lake_without_spark_engine_is_refused(tmp_path):
    result = runner.invoke(app, ["metrics", "--lake", str(tmp_path)])
    assert result.exit_code == 2
    assert "go with --engine spark" in result.output


def test_unknown_engine(tmp_path):
    result = runner.invoke(app, ["metrics", "--engine", "polars"])
    assert result.exit_code == 2 and "unknown --engine" in result.output


@pytest.mark.spark
@pytest.mark.slow
def test_spark_cli_gives_the_duckdb_csv(demo_lake, spark):
    db, lake = demo_lake
    common = ["metrics", "--by", "team", "--agent", "ana garcía", "--channel", "CHAT",
              "-m", "volume", "-m", "first_response", "--format", "csv"]  # fmt: skip
    duck = runner.invoke(app, [*common, "--db", str(db)])
    on_spark = runner.invoke(app, [*common, "--engine", "spark", "--lake", str(lake)])
    assert duck.exit_code == 0, duck.output
    assert on_spark.exit_code == 0, on_spark.output
    rows = [line for line in duck.stdout.splitlines() if line.startswith(("team_key", "generic"))]
    assert len(rows) == 2 and ",719," in rows[1]
    assert [
        line for line in on_spark.stdout.splitlines() if line.startswith(("team_key", "generic"))
    ] == rows


@pytest.mark.spark
@pytest.mark.slow
def test_spark_cli_compares_with_the_vendor_as_duckdb(vendor_lake, spark):
    """--compare-source (a table the metrics command used to refuse on Spark)."""
    db, lake = vendor_lake
    common = ["metrics", "--compare-source", "--by", "channel", "--format", "csv"]
    duck = runner.invoke(app, [*common, "--db", str(db)])
    on_spark = runner.invoke(app, [*common, "--engine", "spark", "--lake", str(lake)])
    assert duck.exit_code == 0, duck.output
    assert on_spark.exit_code == 0, on_spark.output
    expected, actual = (_csv(r.stdout) for r in (duck, on_spark))
    assert len(expected) >= 2 and {"channel", "metric", "ours_mean"} <= set(expected.columns)
    # the same rows; means within 1e-9 (a sum's last bits depend on the order of addition)
    assert not differences(expected, actual, ["channel", "metric"], ["conversations"])


@pytest.mark.spark
@pytest.mark.slow
def test_spark_cli_lists_the_sla_breaches_as_duckdb(demo_lake, spark):
    """--sla --by conversation --sla-status breached (refused on Spark until the target
    look-up became a join); --to yesterday, so both judge open items as of today 00:00."""
    db, lake = demo_lake
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    common = ["metrics", "--sla", "--by", "conversation", "--sla-status", "breached",
              "--to", yesterday, "-o", "sla_first_response_s=300", "--format", "csv"]  # fmt: skip
    duck = runner.invoke(app, [*common, "--db", str(db)])
    on_spark = runner.invoke(app, [*common, "--engine", "spark", "--lake", str(lake)])
    assert duck.exit_code == 0, duck.output
    assert on_spark.exit_code == 0, on_spark.output
    expected, actual = (_csv(r.stdout) for r in (duck, on_spark))
    assert len(expected) > 10 and set(expected["sla_status"]) == {"breached"}
    keys = ["source_system", "conversation_id", "metric", "wait_no"]
    assert not differences(expected, actual, keys, ["wait_no"])


def _csv(text: str):
    import io

    import pandas as pd

    lines = [line for line in text.splitlines() if "," in line]
    return pd.read_csv(io.StringIO("\n".join(lines)))
