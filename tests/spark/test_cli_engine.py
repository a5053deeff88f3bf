"""``supportstats metrics --engine spark``: the flags, the one-line refusals, and one run on
the demo lake that gives the DuckDB engine's CSV (filters by agent name and channel)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from supportstats.cli import app

runner = CliRunner()


def test_spark_engine_needs_a_lake():
    result = runner.invoke(app, ["metrics", "--engine", "spark"])
    assert result.exit_code == 2
    assert "--lake DIR is missing" in result.output


@pytest.mark.parametrize(
    "extra, flag",
    [(["--sla"], "--sla"), (["--compare-source"], "--compare-source"),
     (["--by", "conversation"], "--by conversation")],
)  # fmt: skip
def test_spark_engine_names_what_it_cannot_do(tmp_path, extra, flag):
    result = runner.invoke(app, ["metrics", "--engine", "spark", "--lake", str(tmp_path), *extra])
    assert result.exit_code == 2
    assert f"--engine spark does not support {flag} yet" in result.output


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
