"""`supportstats demo`: the committed sample, a report and a plan, idempotent."""

from __future__ import annotations

import pandas as pd

from supportstats.db import connect
from supportstats.demo import SAMPLE_DIR, demo_plan, demo_report, last_week


def test_demo_builds_reports_and_is_idempotent(cli, tmp_path):
    db = tmp_path / "demo.duckdb"
    first = cli("demo", "--db", db)
    assert first.exit_code == 0, first.stderr
    assert "rows imported (9 files)" in first.stderr
    for title in ("Team scorecard", "Agents, last week", "Staffing plan"):
        assert title in first.stdout
    again = cli("demo", "--db", db)
    assert again.exit_code == 0
    assert "is up to date" in again.stderr
    with connect(db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM import_batch").fetchall() == [(9,)]


def test_demo_numbers_match_the_sample_files(tmp_path):
    from supportstats.demo import build_demo_warehouse

    db = tmp_path / "demo.duckdb"
    build_demo_warehouse(db)
    card, agents = demo_report(db)
    with connect(db, read_only=True) as conn:
        period = last_week(conn)
    # Mean chat wait of the last week, straight from the CSV: queue_enter -> queue_exit.
    events = pd.read_csv(SAMPLE_DIR / "events.csv", parse_dates=["occurred_at"])
    enter = events[events.event_type == "queue_enter"].set_index("conversation_id").occurred_at
    leave = events[events.event_type == "queue_exit"].set_index("conversation_id").occurred_at
    conv = pd.read_csv(SAMPLE_DIR / "conversations.csv", parse_dates=["created_at"])
    in_week = conv[(conv.created_at >= period.start) & (conv.created_at < period.end)]
    ids = leave.index.intersection(in_week.conversation_id)
    expected_wait = (leave[ids] - enter[ids]).dt.total_seconds().mean()
    wait = card.set_index("metric").loc["wait_mean_s", "value"]
    assert abs(wait - expected_wait) < 1e-6
    # Every conversation of the week is credited to exactly one agent row (or unassigned).
    assert agents["conversations"].sum() == len(in_week)


def test_demo_plan_staffs_every_busy_interval(tmp_path):
    from supportstats.demo import build_demo_warehouse

    db = tmp_path / "demo.duckdb"
    build_demo_warehouse(db)
    plan = demo_plan(db)
    assert len(plan) > 10
    assert (plan["agents_raw"] >= 1).all()
    assert (plan["agents_scheduled"] >= plan["agents_raw"]).all()
    # Erlang A answer: the 80 % target is met at the planned count.
    assert (plan["service_level"] >= 0.8 - 1e-9).all()
