"""Handle time: per-conversation sums of agent stretches, split by agent on transfers."""

from __future__ import annotations

import pytest

from supportstats.metrics import MetricOptions, Period, metrics_table, query

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def _transfers(wh):
    # A: a1 09:00-09:10 (600 s), transferred to a2 09:10-09:30 (1200 s), back to a1
    #    09:30-09:35 (300 s): A's handle time 2100 s; a1 900 s, a2 1200 s.
    # B: a1 alone, accepted 10:05, ended 10:20: 900 s.
    # C: a ticket assigned to a2 all day: no handle time.
    wh.conv("A", "2024-03-04 09:00", assignee="a1")
    wh.conv("B", "2024-03-04 10:00", assignee="a1")
    wh.conv("C", "2024-03-04 08:00", kind="ticket", channel="email", assignee="a2")
    wh.eng("A", "a1", "2024-03-04 09:00", "2024-03-04 09:10", accepted="2024-03-04 09:00")
    wh.eng("A", "a2", "2024-03-04 09:10", "2024-03-04 09:30", accepted="2024-03-04 09:10")
    wh.eng("A", "a1", "2024-03-04 09:30", "2024-03-04 09:35", accepted="2024-03-04 09:30")
    wh.eng("B", "a1", "2024-03-04 10:00", "2024-03-04 10:20", accepted="2024-03-04 10:05")
    wh.eng("C", "a2", "2024-03-04 08:00", "2024-03-04 18:00")


def test_handle_time_per_conversation_and_per_agent(wh):
    _transfers(wh)
    total = metrics_table(query(wh.conn, period=DAY), families=["handle_time"]).iloc[0]
    assert total["handle_time_count"] == 2
    assert total["handle_time_mean_s"] == (2100 + 900) / 2
    assert total["handle_time_median_s"] == 1500
    assert total["handle_time_p90_s"] == pytest.approx(900 + 0.9 * 1200)
    by_agent = metrics_table(query(wh.conn, period=DAY, by=["agent"]), families=["handle_time"])
    rows = by_agent.set_index("agent_key")
    # a1: A (600 + 300 = 900) and B (900); a2: A (1200)
    assert rows.loc["t:a1", "handle_time_count"] == 2
    assert rows.loc["t:a1", "handle_time_mean_s"] == 900
    assert rows.loc["t:a2", "handle_time_count"] == 1
    assert rows.loc["t:a2", "handle_time_median_s"] == 1200


def test_handle_time_current_assignee_gets_whole_conversations(wh):
    _transfers(wh)
    opts = MetricOptions(attribution="current_assignee")
    df = metrics_table(query(wh.conn, opts, DAY, by=["agent"]), families=["handle_time"])
    rows = df.set_index("agent_key")
    assert rows.loc["t:a1", "handle_time_count"] == 2
    assert rows.loc["t:a1", "handle_time_mean_s"] == (2100 + 900) / 2


def test_handle_time_by_hour_with_event_cohort(wh):
    _transfers(wh)
    # cohort=event: each stretch counts in the hour it ended; A's stretches all end in hour 9
    opts = MetricOptions(cohort="event")
    df = metrics_table(query(wh.conn, opts, DAY, by=["hour"]), families=["handle_time"])
    rows = df.set_index("hour_of_day")
    assert rows.loc[9, "handle_time_count"] == 1 and rows.loc[9, "handle_time_mean_s"] == 2100
    assert rows.loc[10, "handle_time_mean_s"] == 900
