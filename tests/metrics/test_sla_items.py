"""SLA items one by one (``sla_conversations``, ``metrics --sla --by conversation``): each
conversation x metric judged against its target, the breaches listed with value, target,
overrun and the agent credited; their counts are the attainment table's (issue 16)."""

from __future__ import annotations

import json

import pytest
from _build import four_tickets_with_frt_targets

from supportstats.errors import OptionError
from supportstats.metrics import MetricOptions, Period, query
from supportstats.metrics.sla import sla, sla_conversations

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def test_breaches_are_listed_with_value_target_and_agent(wh) -> None:  # noqa: ANN001
    four_tickets_with_frt_targets(wh)
    items = sla_conversations(query(wh.conn, period=DAY))
    frt = items[items["metric"] == "first_response"].set_index("conversation_id")
    assert frt["sla_status"].to_dict() == {
        "p1": "met", "p2": "breached", "p3": "met", "p4": "breached"
    }  # fmt: skip
    assert frt.loc["p2", "target_s"] == 3600 and frt.loc["p2", "value_s"] == 7200
    assert frt.loc["p2", "over_s"] == 3600  # two hours against one
    assert frt.loc["p1", "over_s"] == -1800  # met with half an hour to spare
    assert frt.loc["p3", "target_s"] == 14400  # the target of every priority
    assert frt.loc["p2", "agent_key"] == "t:a1"
    assert frt.loc["p2", "agent"] == "a1"  # no agent row: the source's id
    # p4 is still open: breached with no value, overrun counted up to now
    assert frt.loc["p4", "value_s"] != frt.loc["p4", "value_s"]  # NaN
    assert frt.loc["p4", "over_s"] > 0

    breaches = sla_conversations(query(wh.conn, period=DAY), "breached")
    assert sorted(breaches["conversation_id"]) == ["p2", "p4"]


def test_items_add_up_to_the_attainment_table(wh) -> None:  # noqa: ANN001
    four_tickets_with_frt_targets(wh)
    options = MetricOptions(sla_wait_s=60)
    table = sla(query(wh.conn, options, DAY, by=["channel"])).df()
    items = sla_conversations(query(wh.conn, options, DAY))
    for status in ("met", "breached", "pending"):
        counted = items[items["sla_status"] == status].groupby(["metric", "priority"]).size()
        expected = table.set_index(["metric", "sla_priority"])[status]
        expected = expected[expected > 0]
        assert counted.sort_index().tolist() == expected.sort_index().tolist(), status


def test_filters_apply_to_the_items(wh) -> None:  # noqa: ANN001
    four_tickets_with_frt_targets(wh)
    wh.conv("c1", "2024-03-04 09:00", priority="high", kind="chat", channel="chat")
    wh.msg("c1", "2024-03-04 09:00")
    wh.msg("c1", "2024-03-04 12:00", "agent", "a2")
    chat = sla_conversations(query(wh.conn, period=DAY, filters=_chat()), "breached")
    assert set(chat["conversation_id"]) == {"c1"}
    # a chat also queues: 3 h against the high target (1 h) and the wait target (120 s)
    assert dict(zip(chat["metric"], chat["target_s"], strict=True)) == {
        "first_response": 3600, "wait": 120
    }  # fmt: skip


def _chat():  # noqa: ANN202
    from supportstats.metrics import Filters

    return Filters.of(channel="chat")


def test_unknown_status_is_an_option_error(wh) -> None:  # noqa: ANN001
    with pytest.raises(OptionError, match="not one of met, breached, pending"):
        sla_conversations(query(wh.conn), "late")


def test_cli_lists_the_breaches(cli, db_path) -> None:  # noqa: ANN001
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _build import Warehouse

    wh = Warehouse(str(db_path))
    four_tickets_with_frt_targets(wh)
    wh.conn.close()
    args = ["metrics", "--sla", "--by", "conversation", "--from", "2024-03-04",
            "--to", "2024-03-04", "--db", db_path, "--format", "json"]  # fmt: skip
    result = cli(*args, "--sla-status", "breached")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(r["conversation_id"] for r in rows) == ["p2", "p4"]
    assert {r["sla_status"] for r in rows} == {"breached"}
    everything = json.loads(cli(*args).stdout)
    assert len(everything) == 4
    wrong = cli("metrics", "--sla-status", "breached", "--db", db_path)
    assert wrong.exit_code != 0
    assert "--sla --by conversation" in wrong.output
