"""Per-channel first-response targets (issue 16): the warehouse's SLA targets where it has
them (sla_target rows of first_response, or the sla_first_response_s option), the target most
of a channel's first responses are held to (in effect its most common priority's, a tie to
the stricter); the default of the channel's kind (chat 60 s, e-mail 4 h) only without any.
The CLI's ``report scorecard --by-channel`` prints the same rows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "metrics"))
from _build import Warehouse  # noqa: E402

from supportstats.cli import report as report_cli  # noqa: E402
from supportstats.metrics import MetricOptions, Period  # noqa: E402
from supportstats.reports import Targets, first_response_by_channel  # noqa: E402
from supportstats.reports.scorecard import first_response_targets  # noqa: E402

DAY = Period.from_dates("2024-03-04", "2024-03-04")
# (conversation, channel, priority, first reply after minutes)
CONVERSATIONS = [
    ("c1", "chat", "normal", 1),
    ("c2", "chat", "normal", 1),
    ("c3", "chat", "normal", 2),
    ("c4", "chat", "urgent", 1),
    ("e1", "email", "urgent", 30),
    ("e2", "email", "normal", 90),
    ("m1", "messaging", None, 60),
]


def fill(wh: Warehouse, targets: bool = True) -> None:
    """A generic SLA file: first response 10 min for urgent, 1 h for normal, 2 h otherwise
    (and a resolution target, which the first-response targets leave alone)."""
    if targets:
        wh.conn.execute(
            "insert into sla_policy (policy_key, source_system, source_id, name) "
            "values ('t:std', 't', 'std', 'Standard')"
        )
        wh.conn.execute(
            "insert into sla_target (policy_key, metric, priority, target_s) values "
            "('t:std', 'first_response', 'urgent', 600), "
            "('t:std', 'first_response', 'normal', 3600), "
            "('t:std', 'first_response', null, 7200)"
        )
    wh.conn.execute(
        "insert into sla_target (policy_key, metric, priority, target_s) values "
        "('t:std', 'resolution', null, 86400)"
    )
    for cid, channel, priority, minutes in CONVERSATIONS:
        kind = "chat" if channel == "chat" else "ticket"
        wh.conv(cid, "2024-03-04 09:00", priority=priority, kind=kind, channel=channel)
        wh.msg(cid, "2024-03-04 09:00")
        wh.msg(cid, f"2024-03-04 {9 + minutes // 60:02d}:{minutes % 60:02d}", "agent", "a1")


def by_channel(frame):  # noqa: ANN001, ANN201
    return frame.set_index("channel")


def test_each_channel_gets_the_target_most_of_its_first_responses_are_held_to() -> None:
    wh = Warehouse()
    fill(wh)
    frt = by_channel(first_response_by_channel(wh.conn, period=DAY))
    # chat: three normal, one urgent -> normal's 1 h (not the default 60 s)
    assert frt.loc["chat", "target_s"] == 3600
    assert frt.loc["chat", "target_from"] == "sla_target"
    assert bool(frt.loc["chat", "meets"])  # median 60 s
    # email: one urgent, one normal -> a tie goes to the stricter, 10 min (not 4 h)
    assert frt.loc["email", "target_s"] == 600
    assert not frt.loc["email", "meets"]  # median 1 h
    # no priority: the target of every priority
    assert frt.loc["messaging", "target_s"] == 7200
    assert frt["target_business_hours"].tolist() == [False, False, False]

    kinds = first_response_targets(wh.conn, period=DAY, by="kind").set_index("kind")
    assert kinds.loc["live", "target_s"] == 3600 and kinds.loc["live", "held"] == 3
    # tickets: urgent 1, normal 1, no priority 1 -> the stricter of the tie
    assert kinds.loc["ticket", "target_s"] == 600
    assert list(kinds.index) == ["live", "ticket"]


def test_without_first_response_targets_the_kind_defaults_apply() -> None:
    wh = Warehouse()
    fill(wh, targets=False)  # only a resolution target
    frt = by_channel(first_response_by_channel(wh.conn, period=DAY))
    assert frt["target_s"].to_dict() == {"chat": 60.0, "email": 14400.0, "messaging": 14400.0}
    assert set(frt["target_from"]) == {"default"}
    assert frt["target_business_hours"].isna().all()
    own = Targets(first_response_live_s=30.0, first_response_ticket_s=7200.0)
    frt = by_channel(first_response_by_channel(wh.conn, period=DAY, targets=own))
    assert frt.loc["chat", "target_s"] == 30 and frt.loc["email", "target_s"] == 7200
    kinds = first_response_targets(wh.conn, period=DAY, targets=own, by="kind")
    assert kinds["target_s"].tolist() == [30.0, 7200.0]
    assert kinds["target_from"].tolist() == ["default", "default"]


def test_the_option_overrides_the_warehouse_targets() -> None:
    wh = Warehouse()
    fill(wh)
    options = MetricOptions(sla_first_response_s=900)
    frt = by_channel(first_response_by_channel(wh.conn, options, DAY))
    assert set(frt["target_s"]) == {900.0}
    assert set(frt["target_from"]) == {"option"}


def test_a_channel_without_sla_held_first_responses_keeps_its_default() -> None:
    wh = Warehouse()
    fill(wh)
    wh.conn.execute("delete from sla_target where metric = 'first_response' and priority is null")
    # a call of a priority no target names keeps the live default
    wh.conv("v1", "2024-03-04 09:00", priority="low", kind="call", channel="voice")
    wh.msg("v1", "2024-03-04 09:00")
    wh.msg("v1", "2024-03-04 09:01", "agent", "a1")
    frt = by_channel(first_response_by_channel(wh.conn, period=DAY))
    assert frt.loc["voice", "target_s"] == 60 and frt.loc["voice", "target_from"] == "default"
    assert frt.loc["chat", "target_from"] == "sla_target"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    report_cli.register(app)
    return app


def test_cli_scorecard_by_channel_uses_the_same_targets(app: typer.Typer, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "w.duckdb"
    wh = Warehouse(str(path))
    fill(wh)
    wh.conn.close()
    args = ["report", "scorecard", "--by-channel", "--db", str(path)]
    args += ["--from", "2024-03-04", "--to", "2024-03-04"]
    r = CliRunner().invoke(app, [*args, "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    rows = {row["channel"]: row for row in json.loads(r.stdout)}
    assert rows["chat"]["target_s"] == 3600 and rows["chat"]["target_from"] == "sla_target"
    assert rows["email"]["target_s"] == 600 and rows["email"]["meets"] is False
    r = CliRunner().invoke(app, [*args, "--format", "table"], catch_exceptions=False)
    assert "1 h 00 min" in r.stdout and "10 min 00 s" in r.stdout
    # the defaults, for channels without SLA targets, are options too
    r = CliRunner().invoke(
        app,
        [*args, "--format", "json", "--option", "sla_first_response_s=45"],
        catch_exceptions=False,
    )
    assert {row["target_s"] for row in json.loads(r.stdout)} == {45}
