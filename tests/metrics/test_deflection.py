"""Self-service deflection: conversations resolved without a person (issue 15, item 3).

Hand-computed on a small day; every test runs on demand and on stored facts (conftest).
"""

from __future__ import annotations

import json
import math

import pytest
from _build import Warehouse
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.metrics import MetricOptions, Period, metrics_table, query
from supportstats.reports import Targets, scorecard

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def _day(wh) -> None:
    # D1 chat: the bot answers, resolved                    -> deflected (bot)
    wh.conv("D1", "2024-03-04 09:00")
    wh.msg("D1", "2024-03-04 09:00")
    wh.msg("D1", "2024-03-04 09:01", "bot")
    wh.ev("D1", "2024-03-04 09:05", "resolve")
    # D2 ticket: nobody replies, the customer solves it     -> deflected (self-service)
    wh.conv("D2", "2024-03-04 10:00", kind="ticket", channel="email")
    wh.msg("D2", "2024-03-04 10:00")
    wh.ev("D2", "2024-03-04 10:30", "resolve")
    # D3 chat: a person replies                             -> not deflected
    wh.conv("D3", "2024-03-04 11:00", assignee="a1")
    wh.msg("D3", "2024-03-04 11:00")
    wh.msg("D3", "2024-03-04 11:01", "agent", "a1")
    wh.ev("D3", "2024-03-04 11:05", "resolve")
    # D4 chat: the customer abandons the queue, closed      -> not deflected
    wh.conv("D4", "2024-03-04 12:00")
    wh.msg("D4", "2024-03-04 12:00")
    wh.ev("D4", "2024-03-04 12:00", "queue_enter")
    wh.ev("D4", "2024-03-04 12:02", "abandon")
    wh.ev("D4", "2024-03-04 12:03", "resolve")
    # D5 chat: the bot answers, still open                  -> not deflected (not resolved)
    wh.conv("D5", "2024-03-04 13:00")
    wh.msg("D5", "2024-03-04 13:00")
    wh.msg("D5", "2024-03-04 13:01", "bot")
    # D6 chat an agent started                              -> not deflectable
    wh.conv("D6", "2024-03-04 14:00", initiated_by="agent")
    wh.msg("D6", "2024-03-04 14:00", "agent", "a1")
    wh.ev("D6", "2024-03-04 14:10", "resolve")
    # D7 call without messages, resolved                    -> not deflectable (cannot tell)
    wh.conv("D7", "2024-03-04 15:00", kind="call", channel="voice")
    wh.ev("D7", "2024-03-04 15:10", "resolve")
    # D8 chat: a1 accepted it (talked by phone?), no message -> not deflected (a person took it)
    wh.conv("D8", "2024-03-04 16:00", assignee="a1")
    wh.msg("D8", "2024-03-04 16:00")
    wh.eng("D8", "a1", "2024-03-04 16:01", "2024-03-04 16:10", accepted="2024-03-04 16:01")
    wh.ev("D8", "2024-03-04 16:10", "resolve")
    # D9 bot greeting only (automation), resolved           -> deflected, but not by a bot reply
    wh.conv("D9", "2024-03-04 17:00")
    wh.msg("D9", "2024-03-04 17:00")
    wh.msg("D9", "2024-03-04 17:00", "bot", automation="greeting")
    wh.ev("D9", "2024-03-04 17:05", "resolve")


def test_deflection_counts_conversations_resolved_without_a_person(wh) -> None:
    _day(wh)
    row = metrics_table(query(wh.conn, period=DAY), families=["volume", "resolution"]).iloc[0]
    # deflectable: D1 D2 D3 D4 D5 D8 D9 (not D6, agent-started; not D7, no messages)
    assert row["contacts"] == 9
    assert row["deflectable"] == 7
    # deflected: D1 (bot), D2 (self-service), D9 (only a greeting)
    assert row["deflected"] == 3
    assert row["deflection_rate"] == pytest.approx(3 / 7)


def test_deflection_bot_reply_counts_only_what_a_bot_answered(wh) -> None:
    _day(wh)
    opts = MetricOptions(deflection="bot_reply")
    row = metrics_table(query(wh.conn, opts, DAY), families=["volume", "resolution"]).iloc[0]
    assert row["deflectable"] == 7
    assert row["deflected"] == 1  # D1
    assert row["deflection_rate"] == pytest.approx(1 / 7)


def test_deflection_by_channel_is_empty_where_no_messages_say(wh) -> None:
    _day(wh)
    df = metrics_table(
        query(wh.conn, period=DAY, by=["channel"]), families=["volume", "resolution"]
    )
    rows = df.set_index("channel")
    # chat: D1 D3 D4 D5 D8 D9 deflectable, D1 D9 deflected; email: D2 of D2; voice: no data
    assert rows.loc["chat", "deflection_rate"] == pytest.approx(2 / 6)
    assert rows.loc["email", "deflection_rate"] == 1.0
    assert rows.loc["voice", "deflectable"] == 0
    assert math.isnan(rows.loc["voice", "deflection_rate"])


def test_a_source_without_messages_has_no_deflection_rate(wh) -> None:
    # a call log: resolved calls, no messages at all -> unknown, not 0 % or 100 %
    for i in range(3):
        wh.conv(f"c{i}", f"2024-03-04 0{i + 1}:00", kind="call", channel="voice")
        wh.ev(f"c{i}", f"2024-03-04 0{i + 1}:05", "resolve")
    row = metrics_table(query(wh.conn, period=DAY)).iloc[0]
    assert row["resolved"] == 3
    assert row["deflectable"] == 0 and row["deflected"] == 0
    assert math.isnan(row["deflection_rate"])
    card = scorecard(wh.conn, period=DAY).set_index("metric")
    assert math.isnan(card.loc["deflection_rate", "value"])
    assert card.loc["deflection_rate", "meets"] is None


def test_deflection_on_the_scorecard(wh) -> None:
    _day(wh)
    card = scorecard(wh.conn, period=DAY).set_index("metric")
    assert card.loc["deflection_rate", "value"] == pytest.approx(3 / 7)
    assert math.isnan(card.loc["deflection_rate", "target"])  # no target unless one is set
    card = scorecard(wh.conn, period=DAY, targets=Targets(deflection_rate=0.17))
    row = card.set_index("metric").loc["deflection_rate"]
    assert row["target"] == 0.17 and row["comparison"] == ">=" and row["meets"] is True


def test_deflection_through_the_cli(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    wh = Warehouse(str(path))
    _day(wh)
    wh.conn.close()
    runner = CliRunner()
    common = ["--db", str(path), "--from", "2024-03-04", "--to", "2024-03-04"]
    out = runner.invoke(app, ["metrics", *common, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert (data["deflectable"], data["deflected"]) == (7, 3)
    assert data["deflection_rate"] == pytest.approx(3 / 7)
    out = runner.invoke(
        app,
        ["metrics", *common, "--by", "channel", "--format", "json", "-o", "deflection=bot_reply"],
    )
    assert out.exit_code == 0, out.output
    by = {r["channel"]: r for r in json.loads(out.stdout)}
    assert by["chat"]["deflected"] == 1 and by["voice"]["deflection_rate"] is None
    out = runner.invoke(app, ["metrics", *common, "--by", "channel", "--format", "csv"])
    assert out.exit_code == 0, out.output
    header, *lines = out.stdout.strip().splitlines()
    cols = header.split(",")
    voice = next(line.split(",") for line in lines if line.startswith("voice"))
    assert voice[cols.index("deflection_rate")] == ""
    out = runner.invoke(app, ["report", "scorecard", *common, "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = {r["metric"]: r for r in json.loads(out.stdout)}
    assert rows["deflection_rate"]["value"] == pytest.approx(3 / 7)
    out = runner.invoke(
        app, ["report", "scorecard", *common, "--deflection-target", "0.5", "--format", "csv"]
    )
    assert out.exit_code == 0, out.output
    line = next(x for x in out.stdout.splitlines() if x.startswith("deflection_rate"))
    assert line.split(",")[1:5] == [str(3 / 7), "0.5", ">=", "False"]
