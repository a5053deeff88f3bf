"""Filters as people type them (issue 15, item 8): a queue, team or agent by name or key,
channels in any case, a clear error for a value that matches nothing, and an open period that
says what it is and leaves out no row."""

from __future__ import annotations

import pytest
from _build import Warehouse
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.errors import OptionError
from supportstats.metrics import Filters, Period, metrics_table, query


def _queues(wh: Warehouse) -> None:
    wh.queue("wa", channel="messaging")
    wh.conn.execute("update queue set name = 'WhatsApp' where source_id = 'wa'")
    wh.queue("web", channel="chat")
    wh.conn.execute("update queue set name = 'Web chat' where source_id = 'web'")
    wh.agent("a1", "Ana García")
    wh.conn.execute("update agent set email = 'ana@example.com'")
    wh.conv("c1", "2024-03-04 09:00", queue="wa", channel="messaging", assignee="a1")
    wh.conv("c2", "2024-03-04 09:10", queue="wa", channel="messaging")
    wh.conv("c3", "2024-03-04 09:20", queue="web", channel="chat", assignee="a1")
    # a queue key with no queue row (no queues file imported)
    wh.conv("c4", "2024-03-04 09:30", queue="phone", channel="voice")


def _contacts(wh: Warehouse, **filters: list[str]) -> int:
    row = metrics_table(query(wh.conn, filters=Filters.of(**filters)), families=["volume"])
    return int(row.iloc[0]["contacts"])


@pytest.mark.parametrize("typed", ["WhatsApp", "whatsapp", "t:wa", "wa"])
def test_queue_by_name_key_or_source_id(wh, typed):
    _queues(wh)
    assert _contacts(wh, queue=[typed]) == 2


def test_queue_key_without_a_queue_row_and_several_values(wh):
    _queues(wh)
    assert _contacts(wh, queue=["t:phone"]) == _contacts(wh, queue=["phone"]) == 1
    assert _contacts(wh, queue=["WhatsApp", "Web chat"]) == 3


@pytest.mark.parametrize("typed", ["Ana García", "ana garcía", "ana@example.com", "t:a1", "a1"])
def test_agent_by_name_email_or_key(wh, typed):
    _queues(wh)
    assert _contacts(wh, agent=[typed]) == 2


@pytest.mark.parametrize("typed", ["Messaging", "MESSAGING", "messaging"])
def test_channel_and_source_in_any_case(wh, typed):
    _queues(wh)
    assert _contacts(wh, channel=[typed]) == 2
    assert _contacts(wh, source=["T"]) == 4


@pytest.mark.parametrize(
    ("filters", "says", "hint"),
    [
        ({"queue": ["Whatsap"]}, "--queue 'Whatsap' matches no queue", "WhatsApp (t:wa)"),
        ({"agent": ["Bob"]}, "--agent 'Bob' matches no agent", "Ana García (t:a1)"),
        ({"channel": ["phone"]}, "--channel 'phone' matches no channel", "chat, messaging"),
        ({"team": ["Chat"]}, "--team 'Chat' matches no team", "no team rows"),
    ],
)
def test_a_value_that_matches_nothing_is_an_error_naming_what_there_is(wh, filters, says, hint):
    _queues(wh)
    with pytest.raises(OptionError) as caught:
        query(wh.conn, filters=Filters.of(**filters))
    assert says in str(caught.value)
    assert hint in caught.value.hint


def test_open_period_says_what_it_is_and_keeps_every_row(wh):
    _queues(wh)
    wh.conv("old", "1850-06-01 12:00")
    wh.conv("far", "2500-01-01 12:00")
    assert Period().describe() == "all dates"
    assert Period.from_dates("2024-03-01").describe() == "from 2024-03-01 00:00Z"
    assert Period.from_dates(None, "2024-03-31").describe() == "until 2024-04-01 00:00Z"
    assert _contacts(wh) == 6  # 1900..2200 used to drop the two far-away rows silently


def test_cli_queue_by_name_and_title(tmp_path):
    db = tmp_path / "w.duckdb"
    wh = Warehouse(str(db))
    _queues(wh)
    wh.conn.close()
    result = CliRunner().invoke(
        app, ["metrics", "--db", str(db), "--queue", "WhatsApp", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"contacts": 2' in result.stdout
    assert "Period: all dates" in result.stderr
    bad = CliRunner().invoke(app, ["metrics", "--db", str(db), "--queue", "nosuch"])
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[0] == "Error: --queue 'nosuch' matches no queue in the warehouse"


def test_reports_take_the_queue_filter(tmp_path):
    db = tmp_path / "w.duckdb"
    wh = Warehouse(str(db))
    _queues(wh)
    wh.conn.close()
    agents = CliRunner().invoke(
        app, ["report", "agents", "--db", str(db), "--queue", "whatsapp", "--format", "json"]
    )
    assert agents.exit_code == 0, agents.output
    assert '"conversations": 1' in agents.stdout  # c1 of WhatsApp's two is Ana's
    card = CliRunner().invoke(
        app, ["report", "scorecard", "--db", str(db), "--queue", "Web chat", "--format", "csv"]
    )
    assert card.exit_code == 0, card.output
    bad = CliRunner().invoke(app, ["report", "scorecard", "--db", str(db), "--queue", "Fax"])
    assert bad.exit_code == 2 and "matches no queue" in bad.stderr
