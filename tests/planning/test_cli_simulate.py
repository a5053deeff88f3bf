"""``supportstats simulate``: the CLI contract (columns, formats, seeds), schedules, iteration,
handle times from a real warehouse, and one-line errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from supportstats.cli.simulate import register
from supportstats.db import connect
from supportstats.planning import staff

CONTRACT = [
    "interval_start", "agents", "service_level_erlang", "service_level_sim",
    "service_level_sim_low", "service_level_sim_high", "asa_sim_s", "abandon_sim",
]  # fmt: skip


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def group() -> None:  # a group, so that "simulate" is a subcommand as in supportstats
        """supportstats"""

    register(app)
    return app


def run(app, *args):
    return CliRunner().invoke(app, ["simulate", *map(str, args)], catch_exceptions=False)


def intervals(n: int = 8, volume: float = 60.0, **extra) -> pd.DataFrame:
    times = pd.date_range("2026-01-05 08:00", periods=n, freq="15min").strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame({
        "interval_start": times, "volume": volume, "interval_s": 900, "aht_s": 120.0,
        "sl_target": 0.8, "sl_threshold_s": 20, **extra,
    })  # fmt: skip


@pytest.fixture
def plan_csv(tmp_path):
    """A staff output: agents_raw are the agents on the phones."""
    path = tmp_path / "plan.csv"
    staff(intervals()).to_csv(path, index=False)
    return path


def test_csv_has_the_contract_columns(app, plan_csv):
    result = run(app, plan_csv, "--replications", "3", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    out = pd.read_csv(io.StringIO(result.stdout))
    assert list(out.columns[: len(CONTRACT)]) == CONTRACT and len(out) == 8
    assert (out["agents"] == staff(intervals())["agents_raw"]).all()
    low, mid, high = (out[f"service_level_sim{s}"] for s in ("_low", "", "_high"))
    assert ((low <= mid) & (mid <= high)).all() and out["abandon_sim"].eq(0).all()
    assert result.stderr.startswith("Simulated 3 replications of 8 intervals")


def test_json_is_one_object_per_interval(app, plan_csv):
    result = run(app, plan_csv, "--replications", "2", "--format", "json")
    rows = json.loads(result.stdout)
    assert len(rows) == 8 and set(CONTRACT) <= set(rows[0])
    assert rows[0]["interval_start"] == "2026-01-05 08:00"


def test_same_seed_same_output(app, plan_csv):
    first = run(app, plan_csv, "--replications", "3", "--seed", "5").stdout
    assert run(app, plan_csv, "--replications", "3", "--seed", "5").stdout == first
    assert run(app, plan_csv, "--replications", "3", "--seed", "6").stdout != first


def test_iterate_adds_the_iterated_agents(app, tmp_path):
    path = tmp_path / "thin.csv"
    intervals(agents=9).to_csv(path, index=False)  # 8 Erlangs on 9 agents: far below 80 %
    result = run(app, path, "--replications", "4", "--iterate", "--max-iterations", "6")
    assert result.exit_code == 0, result.stderr
    out = pd.read_csv(io.StringIO(result.stdout))
    assert list(out.columns[: len(CONTRACT) + 1]) == [*CONTRACT, "agents_iterated"]
    assert (out["agents_iterated"] > out["agents"]).all() and (
        out["service_level_sim"] >= 0.8
    ).all()
    assert "Iterated:" in result.stderr and "every interval meets its target" in result.stderr


def test_a_schedule_is_replayed_from_its_coverage(app, tmp_path):
    plan = tmp_path / "plan.csv"
    intervals(n=3, shrinkage=0.3).to_csv(plan, index=False)
    coverage = tmp_path / "coverage.csv"
    pd.DataFrame({"interval_start": intervals(n=3)["interval_start"], "required": 14,
                  "scheduled": [20, 15, 14]}).to_csv(coverage, index=False)  # fmt: skip
    result = run(app, plan, "--coverage", coverage, "--replications", "2")
    assert result.exit_code == 0, result.stderr
    # floor(20 x 0.7) = 14, floor(10.5) = 10, floor(9.8) = 9
    assert pd.read_csv(io.StringIO(result.stdout))["agents"].tolist() == [14, 10, 9]
    short = tmp_path / "short.csv"
    pd.read_csv(coverage).head(2).to_csv(short, index=False)
    bad = run(app, plan, "--coverage", short)
    assert bad.exit_code == 2 and bad.stderr.startswith(
        f"Error: {short}: no row for interval_start 2026-01-05 08:30 (plan row 3)\nHint: "
    )


def test_one_queue_of_several(app, tmp_path):
    path = tmp_path / "two.csv"
    pd.concat([intervals(n=4, agents=12, queue="chat"), intervals(n=4, agents=3, queue="mail",
              volume=5.0)]).to_csv(path, index=False)  # fmt: skip
    both = pd.read_csv(io.StringIO(run(app, path, "--replications", "2").stdout))
    assert both["queue"].tolist() == ["chat"] * 4 + ["mail"] * 4
    mail = pd.read_csv(io.StringIO(run(app, path, "--queue", "mail", "--replications", "2").stdout))
    assert mail["agents"].tolist() == [3] * 4
    missing = run(app, path, "--queue", "voice")
    assert missing.exit_code == 2 and "--queue voice: not in" in missing.stderr


def test_history_handle_times_from_a_warehouse(app, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    start = pd.Timestamp("2026-01-01 09:00")
    calls = pd.DataFrame({"i": range(40), "t0": [start + pd.Timedelta(minutes=5 * i)
                                                 for i in range(40)]})  # fmt: skip
    con.register("calls", calls)
    con.execute("""
        insert into conversation (source_system, source_id, kind, queue_key, created_at)
        select 'test', 'c' || i, 'call', 'q1', t0::timestamptz from calls
    """)
    con.execute("""
        insert into engagement (engagement_key, conversation_key, source_system, source_id,
                                agent_key, started_at, ended_at)
        select 'e' || i, 'test:c' || i, 'test', 'e' || i, 'a1', t0::timestamptz,
               t0::timestamptz + interval 90 seconds
        from calls
    """)
    con.close()
    path = tmp_path / "q1.csv"
    intervals(n=12, agents=10, queue="q1").to_csv(path, index=False)
    fixed = run(app, path, "--handle-times", "history", "--db", db, "--replications", "10")
    assert fixed.exit_code == 0, fixed.stderr
    out = pd.read_csv(io.StringIO(fixed.stdout))
    # every call took 90 s: constant handle times (M/D/c, rescaled to the plan's 120 s) wait
    # about half as long as Erlang C's exponential ones at the same load (8 Erlangs, 10 agents)
    assert out["asa_sim_s"].mean() < 0.8 * out["asa_erlang_s"].mean()
    monkeypatch.delenv("SUPPORTSTATS_DB", raising=False)
    no_db = run(app, path, "--handle-times", "history")
    assert (no_db.exit_code, no_db.stdout) == (2, "")
    assert no_db.stderr.startswith("Error: --handle-times history needs --db\nHint: ")
    other = tmp_path / "q2.csv"
    intervals(n=2, agents=10, queue="q2").to_csv(other, index=False)
    broken = tmp_path / "broken.csv"
    intervals(n=2, agents=10, queue="q1").assign(volume=[5, -1]).to_csv(broken, index=False)
    missing_db = tmp_path / "nowhere.duckdb"  # the plan is refused before a warehouse is read
    refused = run(app, broken, "--handle-times", "history", "--db", missing_db)
    assert "row 2, column volume: -1 is negative" in refused.stderr
    none = run(app, other, "--handle-times", "history", "--db", db)
    assert none.exit_code == 2 and "only 0 handle times of queue q2" in none.stderr


@pytest.mark.parametrize(
    ("change", "args", "error"),
    [
        (lambda f: f.drop(columns="agents"), [],
         "plan.csv: missing column agents (or agents_raw) (found: interval_start, volume"),
        (lambda f: f.assign(volume=[60, 60, -5, 60]), [],
         "plan.csv: row 3, column volume: -5 is negative"),
        (lambda f: f, ["--replications", "0"], "--replications 0 is not between 1 and 10,000"),
        (lambda f: f.drop(index=1), [],
         "plan.csv: row 2, column interval_start: 2026-01-05 08:30 does not start where row 1 "
         "ends (2026-01-05 08:00 + 900 s)"),
        (lambda f: f, ["--output", "nowhere/out.csv"], "--output nowhere/out.csv: the folder"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(app, tmp_path, change, args, error):
    path = tmp_path / "plan.csv"
    change(intervals(n=4, agents=10)).to_csv(path, index=False)
    result = run(app, path, *args)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: ") and lines[1].startswith("Hint: ")
    assert error in lines[0]


def test_the_cli_bound_is_the_planner_s():
    from supportstats.cli import simulate as cli_simulate
    from supportstats.planning import simulate as planning_simulate

    assert cli_simulate.MAX_REPLICATIONS == planning_simulate.MAX_REPLICATIONS


def test_table_format_and_warmup_option(app, plan_csv):
    result = run(app, plan_csv, "--replications", "2", "--format", "table", "--warmup", "2h")
    assert result.exit_code == 0 and "service_level_sim" in result.stdout
    bad = run(app, plan_csv, "--warmup", "soon")
    assert bad.exit_code == 2 and "--warmup 'soon' is not a duration" in bad.stderr


def test_chat_paces_per_level(app, tmp_path):
    path = tmp_path / "chat.csv"
    intervals(n=4, agents=5, patience_s=60.0).to_csv(path, index=False)
    result = run(app, path, "--aht-by-level", "180,210,240", "--replications", "3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    # Erlang Chat (chat_metrics) at 5 agents, 4 chats a minute: 15.44 % abandon (CCmath)
    assert {round(r["abandon_erlang"], 4) for r in rows} == {0.1544}
    bad = run(app, path, "--aht-by-level", "180,fast")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: --aht-by-level '180,fast' is not a list of 1 to 100")
    raised = run(app, path, "--aht-by-level", "180,210,240", "--iterate", "--replications", "3")
    out = pd.read_csv(io.StringIO(raised.stdout))
    assert (out["agents_iterated"] >= out["agents"]).all()  # 5 agents: 72 % by Erlang Chat
    assert out["agents_iterated"].sum() > out["agents"].sum()
    assert (out["service_level_sim"] >= 0.8).all()
