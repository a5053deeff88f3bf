"""Agent report, scorecard, Gini, and the metrics/report CLI through a Typer app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "metrics"))
from _build import Warehouse  # noqa: E402

from supportstats.cli import metrics as metrics_cli  # noqa: E402
from supportstats.cli import report as report_cli  # noqa: E402
from supportstats.metrics import Period  # noqa: E402
from supportstats.reports import agent_report, gini, scorecard  # noqa: E402


def _fill(wh: Warehouse) -> None:
    # Feb: 2 chats, 1 abandoned. Mar: a1 gets 3 chats (FRT 60, 120, 300; 2 resolved; 1 rated 5
    # and 1 rated 2), a2 gets 1 chat (FRT 600, resolved, abandoned none), 1 abandoned chat.
    wh.agent("a1", "Ann", team="t1")
    wh.agent("a2", "Bob", team="t1")
    wh.team("t1", "Chat")
    wh.conv("f1", "2024-02-10 09:00", assignee="a1", team="t1")
    wh.ev("f1", "2024-02-10 09:00", "queue_enter")
    wh.eng("f1", "a1", "2024-02-10 09:01", "2024-02-10 09:20", accepted="2024-02-10 09:01")
    wh.conv("f2", "2024-02-10 10:00", team="t1")
    wh.ev("f2", "2024-02-10 10:00", "queue_enter")
    wh.ev("f2", "2024-02-10 10:05", "abandon")
    for i, (frt, agent, resolved, score) in enumerate(
        [
            (60, "a1", True, "5"),
            (120, "a1", True, "2"),
            (300, "a1", False, None),
            (600, "a2", True, None),
        ]  # fmt: skip
    ):
        cid = f"m{i}"
        wh.conv(cid, f"2024-03-0{i + 1} 09:00", assignee=agent, team="t1")
        wh.ev(cid, f"2024-03-0{i + 1} 09:00", "queue_enter")
        wh.msg(cid, f"2024-03-0{i + 1} 09:00")
        wh.msg(cid, f"2024-03-0{i + 1} 09:{frt // 60:02d}", "agent", agent)
        wh.eng(cid, agent, f"2024-03-0{i + 1} 09:00", f"2024-03-0{i + 1} 09:30",
               first_msg=f"2024-03-0{i + 1} 09:{frt // 60:02d}")  # fmt: skip
        if resolved:
            wh.ev(cid, f"2024-03-0{i + 1} 09:30", "resolve")
        if score:
            wh.rate(cid, f"2024-03-0{i + 1} 09:31", score, agent=agent)
    wh.conv("m9", "2024-03-05 09:00", team="t1")
    wh.ev("m9", "2024-03-05 09:00", "queue_enter")
    wh.ev("m9", "2024-03-05 09:01", "abandon")


MARCH = Period.from_dates("2024-03-01", "2024-03-31")


def test_agent_report_values():
    wh = Warehouse()
    _fill(wh)
    df = agent_report(wh.conn, period=MARCH).set_index("agent")
    ann = df.loc["Ann"]
    assert ann["team"] == "Chat"
    assert ann["conversations"] == 3
    assert ann["first_response_median_s"] == 120
    assert ann["first_response_p90_s"] == pytest.approx(120 + 0.8 * 180)
    assert ann["resolution_median_s"] == 1800
    assert ann["csat_score"] == 0.5 and ann["csat_responses"] == 2
    assert ann["concurrency_max"] == 1
    assert df.loc["Bob", "first_response_median_s"] == 600
    assert df["conversations"].sum() == 5  # 3 + 1 + the unassigned abandoned chat


def test_gini_values():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == 0.75
    assert gini([3, 1]) == pytest.approx(0.25)  # |3-1| * 2 / (2 * 4 * 2)


def test_scorecard_against_targets_and_previous_period():
    wh = Warehouse()
    _fill(wh)
    sc = scorecard(wh.conn, period=MARCH).set_index("metric")
    # waits (first agent message): 60, 120, 300, 600 -> mean 270 > 120
    assert sc.loc["wait_mean_s", "value"] == 270 and not sc.loc["wait_mean_s", "meets"]
    assert sc.loc["csat_score", "value"] == 0.5 and not sc.loc["csat_score", "meets"]
    assert sc.loc["resolution_rate", "value"] == pytest.approx(3 / 5)
    # abandonment 1/5 now vs 1/2 in the 31 days before: target 0.5 * 0.85 = 0.425 -> met
    assert sc.loc["abandon_rate", "previous"] == 0.5
    assert sc.loc["abandon_rate", "target"] == pytest.approx(0.425)
    assert bool(sc.loc["abandon_rate", "meets"])
    assert sc.loc["load_gini", "value"] == pytest.approx(0.25)  # 3 vs 1 conversations


@pytest.fixture
def cli_db(tmp_path):
    path = tmp_path / "w.duckdb"
    wh = Warehouse(str(path))
    _fill(wh)
    wh.conn.close()
    return path


@pytest.fixture
def app():
    app = typer.Typer()
    metrics_cli.register(app)
    report_cli.register(app)
    return app


def run(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_cli_metrics_json_object_and_by_agent(app, cli_db):
    r = run(app, "metrics", "--db", cli_db, "--from", "2024-03-01", "--to", "2024-03-31",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    one = json.loads(r.stdout)
    assert isinstance(one, dict)
    assert one["contacts"] == 5 and one["answered"] == 4 and one["abandoned"] == 1
    assert one["first_response_median_s"] == pytest.approx(210)
    assert "options: defaults" in r.stderr
    r = run(app, "metrics", "--db", cli_db, "--by", "agent", "--format", "json",
            "--from", "2024-03-01", "--to", "2024-03-31")  # fmt: skip
    rows = json.loads(r.stdout)
    assert [row["agent"] for row in rows] == ["Ann", "Bob", None]
    assert [row["contacts"] for row in rows] == [3, 1, 1]


def test_cli_conversation_export_and_csv(app, cli_db):
    r = run(app, "metrics", "--db", cli_db, "--by", "conversation", "--format", "csv",
            "--from", "2024-03-01", "--to", "2024-03-31")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("source_system,conversation_id,created_at")
    assert len(lines) == 1 + 5


def test_cli_bad_option_is_a_clean_error(app, cli_db):
    r = run(app, "metrics", "--db", cli_db, "--option", "clock=wall")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: option clock='wall' is not one of calendar, business")
    assert "Hint:" in r.stderr and "Traceback" not in r.stderr and r.stdout == ""
    r = run(app, "metrics", "--db", cli_db, "--by", "planet")
    assert r.exit_code == 2 and "cannot group by 'planet'" in r.stderr


def test_cli_reports_and_help(app, cli_db):
    r = run(app, "report", "agents", "--db", cli_db, "--format", "csv")
    assert r.exit_code == 0 and r.stdout.startswith("agent_key,agent,team,conversations")
    r = run(app, "report", "scorecard", "--db", cli_db, "--format", "json",
            "--from", "2024-03-01", "--to", "2024-03-31")  # fmt: skip
    assert {row["metric"] for row in json.loads(r.stdout)} >= {"wait_mean_s", "load_gini"}
    r = run(app, "report", "snapshot", "--db", cli_db, "--as-of", "2024-03-05T09:00:30Z",
            "--show", "summary", "--format", "json")  # fmt: skip
    assert json.loads(r.stdout)["contacts_waiting"] == 1
    for cmd in (["metrics"], ["report", "agents"], ["report", "scorecard"],
                ["report", "snapshot"]):  # fmt: skip
        assert "Example: supportstats" in run(app, *cmd, "--help").stdout


def test_cli_conversation_export_streams_in_batches(app, cli_db, monkeypatch):
    """--by conversation is written batch by batch; tiny batches give the same CSV and JSON
    as one batch (one header, one list)."""
    from supportstats.metrics import conversations as module

    args = ["metrics", "--db", cli_db, "--by", "conversation", "--from", "2024-03-01",
            "--to", "2024-03-31", "--format"]  # fmt: skip
    whole_csv, whole_json = run(app, *args, "csv").stdout, run(app, *args, "json").stdout
    monkeypatch.setattr(module, "BATCH_ROWS", 1)  # one DuckDB vector per batch
    real = module.conversation_batches
    seen: list[int] = []

    def two_row_batches(q, rows=module.BATCH_ROWS):
        for batch in real(q, rows):
            for start in range(0, len(batch), 2):
                part = batch.iloc[start : start + 2]
                seen.append(len(part))
                yield part

    monkeypatch.setattr(module, "conversation_batches", two_row_batches)
    assert run(app, *args, "csv").stdout == whole_csv
    assert json.loads(run(app, *args, "json").stdout) == json.loads(whole_json)
    assert len(json.loads(whole_json)) == 5 and seen[:3] == [2, 2, 1]
