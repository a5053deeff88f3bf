"""The planner's CLI contract: command names, options, columns, streams and errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from supportstats.cli.plan import register, week_table
from supportstats.planning import OUTPUT_COLUMNS


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def run(app, *args):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_erlang_json(app):
    result = run(app, "erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "180",
                 "--sl-target", "0.8", "--sl-threshold-s", "20", "--shrinkage", "0.3",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["agents_raw"], out["agents_scheduled"], out["binding_constraint"]) == (14, 20, "sl")
    assert round(out["service_level"], 3) == 0.888 and out["abandon_probability"] is None


def test_erlang_a_chat_and_reverse(app):
    base = ["erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "180", "-f", "json"]
    out = json.loads(run(app, *base, "--patience-s", "60", "--agents", "12").stdout)
    assert out["model"] == "erlang_a" and out["binding_constraint"] == "given"
    assert 0 < out["abandon_probability"] < 0.2
    virtual = json.loads(run(app, *base, "--patience-s", "60", "--agents", "12",
                             "--sl-definition", "virtual").stdout)  # fmt: skip
    assert virtual["service_level"] > out["service_level"]
    chat = json.loads(run(app, *base, "--concurrency", "3").stdout)
    assert (chat["slots"], chat["agents_raw"]) == (14, 5)


def test_erlang_table_goes_to_stdout(app):
    result = run(app, "erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "180")
    assert result.exit_code == 0 and "agents_scheduled" in result.stdout and result.stderr == ""


def test_erlang_error_is_two_lines_on_stderr(app):
    result = run(app, "erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "-5")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "Error: --aht-s: -5 is negative\nHint: handle times must be positive seconds\n"
    )


def test_staff_csv_contract(app, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"interval_start": ["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"],
                  "queue": "billing", "volume": [100, 0, 40], "interval_s": 1800, "aht_s": 180,
                  "sl_target": 0.8, "sl_threshold_s": 20, "shrinkage": 0.3, "team": "north",
                  "patience_s": [None, None, 120]}).to_csv(src, index=False)  # fmt: skip
    result = run(app, "staff", str(src))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    out = pd.read_csv(io.StringIO(result.stdout))
    assert set(OUTPUT_COLUMNS) <= set(out.columns) and len(lines) == 4
    assert out["team"].tolist() == ["north"] * 3
    assert out["agents_scheduled"].tolist()[:2] == [20, 0]
    assert out["model"].tolist() == ["erlang_c", "erlang_c", "erlang_a"]


def test_staff_output_file_and_json(app, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("volume,interval_s,aht_s,sl_target,sl_threshold_s\n100,1800,180,0.8,20\n")
    target = tmp_path / "plan.json"
    result = run(app, "staff", str(src), "--format", "json", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())[0]["agents_raw"] == 14
    assert "Wrote 1 rows" in result.stderr


def test_staff_bad_row(app, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("volume,interval_s,aht_s,sl_target,sl_threshold_s\n1,1800,180,0.8,20\n"
                   "2,1800,180,0.8,20\n3,1800,-5,0.8,20\n")  # fmt: skip
    result = run(app, "staff", str(src))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {src}: row 3, column aht_s: -5 is negative\n")


def test_every_command_has_help_with_an_example(app):
    for command in ("erlang", "staff", "forecast", "plan", "backtest"):
        result = run(app, command, "--help")
        assert result.exit_code == 0 and "Example: supportstats " + command in result.stdout


def test_week_table_pivots_first_week():
    times = pd.date_range("2024-03-04", periods=48 * 8, freq="30min")
    plan = pd.DataFrame({"interval_start": times, "agents_scheduled": range(len(times))})
    table = week_table(plan)
    assert table.shape == (48, 8) and table.columns[1] == "Mon 03-04"
    assert table.loc[1, "Tue 03-05"] == 49


def test_wired_into_the_main_app():
    from supportstats.cli import app as main_app

    result = run(main_app, "erlang", "--volume", "100", "--interval-s", "1800", "--aht-s", "180",
                 "--shrinkage", "0.3", "-f", "json")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.stdout)["agents_scheduled"] == 20


def test_bad_duration_option(app, tmp_path):
    result = run(app, "forecast", "--db", str(tmp_path / "x.duckdb"), "--horizon", "soon")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --horizon 'soon' is not a duration\n")
