"""Handle time by concurrency: each stretch placed on its agent's c(t), computed by hand."""

from __future__ import annotations

import pytest

from supportstats.metrics import Filters, MetricOptions, Period, query
from supportstats.metrics.handle_concurrency import (
    handle_time_by_concurrency,
    stretch_concurrency,
)

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def _chats(wh):
    # a1: A 10:00-10:10 alone (600 s at 1 chat); B 10:20-10:40 (1200 s) with C 10:25-10:35
    #     (600 s) on top: B starts at 1 chat, mean (5 + 2 * 10 + 5) / 20 = 1.5; C starts at 2,
    #     mean 2. D is accepted 11:05 (ringing from 11:00 is not handled), alone: 1.
    # a2: E 10:00-10:30 with a ticket assigned all day (not live: not counted), 1 chat.
    for cid, created, agent in (
        ("A", "10:00", "a1"), ("B", "10:20", "a1"), ("C", "10:25", "a1"), ("D", "11:00", "a1"),
        ("E", "10:00", "a2"),
    ):  # fmt: skip
        wh.conv(cid, f"2024-03-04 {created}", assignee=agent)
    wh.conv("T", "2024-03-04 08:00", kind="ticket", channel="email", assignee="a2")
    wh.eng("A", "a1", "2024-03-04 10:00", "2024-03-04 10:10", accepted="2024-03-04 10:00")
    wh.eng("B", "a1", "2024-03-04 10:20", "2024-03-04 10:40", accepted="2024-03-04 10:20")
    wh.eng("C", "a1", "2024-03-04 10:25", "2024-03-04 10:35", accepted="2024-03-04 10:25")
    wh.eng("D", "a1", "2024-03-04 11:00", "2024-03-04 11:10", accepted="2024-03-04 11:05")
    wh.eng("E", "a2", "2024-03-04 10:00", "2024-03-04 10:30", accepted="2024-03-04 10:00")
    wh.eng("T", "a2", "2024-03-04 08:00", "2024-03-04 18:00")


def test_each_stretch_gets_its_agents_concurrency(wh):
    _chats(wh)
    rows = stretch_concurrency(query(wh.conn, period=DAY)).set_index("conversation_key")
    rows.index = rows.index.str.removeprefix("t:")
    assert rows.loc["A", "handle_s"] == 600 and rows.loc["A", "concurrency_at_start"] == 1
    assert rows.loc["B", "concurrency_at_start"] == 1
    assert rows.loc["B", "concurrency_mean"] == pytest.approx(1.5)
    assert rows.loc["C", "concurrency_at_start"] == 2 and rows.loc["C", "concurrency_mean"] == 2
    assert rows.loc["D", "handle_s"] == 300 and rows.loc["D", "concurrency_mean"] == 1
    assert rows.loc["E", "concurrency_at_start"] == 1  # the ticket is not live work
    assert "T" not in rows.index
    assert set(rows["stretch_agent_key"]) == {"t:a1", "t:a2"}


def test_handle_time_per_level_and_its_cost(wh):
    _chats(wh)
    table = handle_time_by_concurrency(query(wh.conn, period=DAY)).set_index("concurrency")
    # at start: level 1 = A 600, B 1200, D 300, E 1800; level 2 = C 600
    assert table["stretches"].to_dict() == {1: 4, 2: 1}
    assert table.loc[1, "handle_time_mean_s"] == (600 + 1200 + 300 + 1800) / 4
    assert table.loc[1, "handle_time_median_s"] == 900
    assert table.loc[2, "cost"] == pytest.approx(600 / 975)
    assert table.loc[1, "cost"] == 1 and table["share"].sum() == pytest.approx(1)
    by_mean = handle_time_by_concurrency(query(wh.conn, period=DAY), level="mean")
    # mean level: B's 1.5 rounds half up to 2, with C
    assert by_mean.set_index("concurrency")["stretches"].to_dict() == {1: 3, 2: 2}
    assert by_mean.attrs["options"]["concurrency_level"] == "mean"


def test_groups_filters_and_empty(wh):
    _chats(wh)
    by_agent = handle_time_by_concurrency(query(wh.conn, period=DAY, by=["agent"]))
    a1 = by_agent[by_agent["agent_key"] == "t:a1"].set_index("concurrency")
    assert a1["stretches"].to_dict() == {1: 3, 2: 1}
    assert a1.loc[2, "cost"] == pytest.approx(600 / 700)
    assert a1["share"].sum() == pytest.approx(1)
    only_a2 = handle_time_by_concurrency(query(wh.conn, period=DAY, filters=Filters(agent=("a2",))))
    assert only_a2["stretches"].tolist() == [1]
    empty = handle_time_by_concurrency(
        query(wh.conn, period=Period.from_dates("2024-05-01", "2024-05-01"))
    )
    assert empty.empty and "cost" in empty.columns
    with pytest.raises(ValueError, match="level"):
        handle_time_by_concurrency(query(wh.conn, period=DAY), level="peak")


def test_engagements_counted_from_acceptance(wh):
    # with concurrency_start=accept, D's ringing 11:00-11:05 is not an engagement: still 1
    _chats(wh)
    opts = MetricOptions(concurrency_start="accept")
    rows = stretch_concurrency(query(wh.conn, opts, DAY)).set_index("conversation_key")
    assert rows.loc["t:D", "concurrency_at_start"] == 1
    assert rows.loc["t:C", "concurrency_at_start"] == 2
