"""Engagements and chats served per agent (issue 15, item 2): each agent stretch of a
conversation is an engagement, served when the agent sent a public human message in it, so a
transferred chat counts for every agent who wrote in it.

Hand-computed on a small day; every test with ``wh`` runs on demand and on stored facts.
"""

from __future__ import annotations

import csv
import io
import json

from _build import Warehouse
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.metrics import MetricOptions, Period, metrics_table, query
from supportstats.reports import agent_report

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def _day(wh: Warehouse) -> None:
    wh.agent("a1", "Ann")
    wh.agent("a2", "Bob")
    # A chat: a1 writes (09:02), transfers to a2 who writes (09:12), back to a1 who does not
    #   -> a1: 2 engagements, 1 served; a2 (the expert): 1 engagement, served
    wh.conv("A", "2024-03-04 09:00", assignee="a1")
    wh.msg("A", "2024-03-04 09:00")
    wh.eng("A", "a1", "2024-03-04 09:00", "2024-03-04 09:10")
    wh.msg("A", "2024-03-04 09:02", "agent", "a1")
    wh.eng("A", "a2", "2024-03-04 09:10", "2024-03-04 09:30")
    wh.msg("A", "2024-03-04 09:12", "agent", "a2")
    wh.eng("A", "a1", "2024-03-04 09:30", "2024-03-04 09:35")
    # B chat: the source says a1's first message was at 10:01 (no message rows) -> served
    wh.conv("B", "2024-03-04 10:00", assignee="a1")
    wh.eng("B", "a1", "2024-03-04 10:00", "2024-03-04 10:20", first_msg="2024-03-04 10:01")
    # C chat: offered to a2, not taken; a1 writes only a note, a trigger message, and a
    #   public message after the stretch ended -> a2 and a1 not served
    wh.conv("C", "2024-03-04 11:00", assignee="a1")
    wh.msg("C", "2024-03-04 11:00")
    wh.eng("C", "a2", "2024-03-04 11:00", "2024-03-04 11:01")
    wh.eng("C", "a1", "2024-03-04 11:01", "2024-03-04 11:20")
    wh.msg("C", "2024-03-04 11:05", "agent", "a1", visibility="internal")
    wh.msg("C", "2024-03-04 11:06", "agent", "a1", automation="trigger")
    wh.msg("C", "2024-03-04 11:25", "agent", "a1")
    # D ticket without engagements: assignee events a1 08:00, a2 09:00, resolved 12:00;
    #   a1 replies 08:30 -> a1 served; a2 never writes -> not served
    wh.conv("D", "2024-03-04 08:00", kind="ticket", channel="email")
    wh.msg("D", "2024-03-04 08:00")
    wh.ev("D", "2024-03-04 08:00", "assignee", to_value="t:a1")
    wh.msg("D", "2024-03-04 08:30", "agent", "a1")
    wh.ev("D", "2024-03-04 09:00", "assignee", to_value="t:a2")
    wh.ev("D", "2024-03-04 12:00", "resolve")
    # E the next day: a1 serves it, outside the period
    wh.conv("E", "2024-03-05 09:00", assignee="a1")
    wh.eng("E", "a1", "2024-03-05 09:00", "2024-03-05 09:10", first_msg="2024-03-05 09:01")


def test_engagements_and_chats_served_per_agent(wh) -> None:
    _day(wh)
    df = metrics_table(query(wh.conn, period=DAY, by=["agent"]))
    rows = df.set_index("agent_key")
    # a1: A (2: served, not), B (served), C (not), D (served)
    assert rows.loc["t:a1", ["engagements", "chats_served"]].tolist() == [5, 3]
    # a2: A (served, by transfer), C (offer not taken), D (never wrote)
    assert rows.loc["t:a2", ["engagements", "chats_served"]].tolist() == [3, 1]
    # answered and conversations credit whole conversations to one agent: a2 has D (the
    # last assignee, who never wrote) and no credit for the transferred chat A
    assert rows.loc["t:a2", ["contacts", "answered"]].tolist() == [1, 1]
    assert rows.loc["t:a1", ["contacts", "answered"]].tolist() == [3, 3]
    total = metrics_table(query(wh.conn, period=DAY), families=["engagements"]).iloc[0]
    assert total[["engagements", "chats_served"]].tolist() == [8, 4]
    # handle time still counts the live stretches only: chats A, B and C, not ticket D
    ht = metrics_table(query(wh.conn, period=DAY), families=["handle_time"]).iloc[0]
    assert ht["handle_time_count"] == 3


def test_engagements_by_channel_and_event_cohort(wh) -> None:
    _day(wh)
    df = metrics_table(query(wh.conn, period=DAY, by=["channel"]), families=["engagements"])
    rows = df.set_index("channel")
    assert rows.loc["chat", ["engagements", "chats_served"]].tolist() == [6, 3]
    assert rows.loc["email", ["engagements", "chats_served"]].tolist() == [2, 1]
    # cohort=event dates a stretch by its start: by hour, A's three stretches are in hour 9
    opts = MetricOptions(cohort="event")
    df = metrics_table(query(wh.conn, opts, DAY, by=["hour"]), families=["engagements"])
    hours = df.set_index("hour_of_day")
    assert hours.loc[9, ["engagements", "chats_served"]].tolist() == [4, 2]  # A x3, D's a2
    assert hours.loc[8, ["engagements", "chats_served"]].tolist() == [1, 1]  # D's a1


def test_agent_report_has_engagements_and_chats_served(wh) -> None:
    _day(wh)
    report = agent_report(wh.conn, period=DAY)
    cols = list(report.columns)
    assert cols.index("engagements") == cols.index("answered") + 1
    assert cols.index("chats_served") == cols.index("engagements") + 1
    rows = report.set_index("agent")
    assert rows.loc["Ann", ["conversations", "engagements", "chats_served"]].tolist() == [3, 5, 3]
    assert rows.loc["Bob", ["conversations", "engagements", "chats_served"]].tolist() == [1, 3, 1]
    # credited to the current assignee, every engagement goes to the conversation's agent
    opts = MetricOptions(attribution="current_assignee")
    rows = agent_report(wh.conn, opts, DAY).set_index("agent")
    assert rows.loc["Ann", ["engagements", "chats_served"]].tolist() == [6, 3]
    assert rows.loc["Bob", ["engagements", "chats_served"]].tolist() == [2, 1]


def test_chats_served_through_the_cli(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    wh = Warehouse(str(path))
    _day(wh)
    wh.conn.close()
    runner = CliRunner()
    common = ["--db", str(path), "--from", "2024-03-04", "--to", "2024-03-04"]
    out = runner.invoke(app, ["report", "agents", *common, "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = {r["agent"]: r for r in json.loads(out.stdout)}
    assert (rows["Ann"]["engagements"], rows["Ann"]["chats_served"]) == (5, 3)
    assert (rows["Bob"]["engagements"], rows["Bob"]["chats_served"]) == (3, 1)
    out = runner.invoke(app, ["report", "agents", *common, "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = {r["agent"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert (rows["Bob"]["engagements"], rows["Bob"]["chats_served"]) == ("3", "1")
    out = runner.invoke(app, ["metrics", *common, "--by", "agent", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = {r["agent"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert (rows["Ann"]["engagements"], rows["Ann"]["chats_served"]) == ("5", "3")
    out = runner.invoke(app, ["metrics", *common, "--metric", "engagements", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"engagements": 8, "chats_served": 4}
