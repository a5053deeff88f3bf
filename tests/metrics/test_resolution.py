"""Resolution time, resolved, one-touch, reopen: hand-computed values."""

from __future__ import annotations

import pytest

from supportstats.metrics import MetricOptions, metrics_table, query, resolution


def test_reopen_last_and_first_resolve(wh):
    # created 09:00, resolved 10:00, reopened 11:00, resolved again 13:00
    wh.conv("r1", "2024-03-04 09:00", assignee="a1")
    wh.msg("r1", "2024-03-04 09:00")
    wh.msg("r1", "2024-03-04 09:30", "agent", "a1")
    wh.ev("r1", "2024-03-04 10:00", "resolve")
    wh.ev("r1", "2024-03-04 11:00", "reopen")
    wh.ev("r1", "2024-03-04 13:00", "resolve")
    last = resolution(query(wh.conn)).df().iloc[0]
    assert last["resolution_mean_s"] == 4 * 3600  # created -> last resolve
    assert last["reopened"] == 1 and last["reopens"] == 1
    assert last["one_touch"] == 0  # reopened
    first = resolution(query(wh.conn, MetricOptions(resolution_end="first"))).df().iloc[0]
    assert first["resolution_mean_s"] == 3600


def test_reopen_window_makes_late_reopen_a_new_contact(wh):
    # resolved 10:00, reopened 2 days later, resolved again: with a 24 h window the reopen
    # does not count and resolution ends at the first resolve
    wh.conv("r2", "2024-03-04 09:00")
    wh.ev("r2", "2024-03-04 10:00", "resolve")
    wh.ev("r2", "2024-03-06 10:00", "reopen")
    wh.ev("r2", "2024-03-06 11:00", "resolve")
    opts = MetricOptions(reopen_window_h=24)
    row = resolution(query(wh.conn, opts)).df().iloc[0]
    assert row["reopens"] == 0
    assert row["resolution_mean_s"] == 3600
    assert resolution(query(wh.conn)).df().iloc[0]["reopens"] == 1


def test_still_open_after_reopen_is_not_resolved(wh):
    wh.conv("r3", "2024-03-04 09:00")
    wh.ev("r3", "2024-03-04 10:00", "resolve")
    wh.ev("r3", "2024-03-04 12:00", "reopen")
    wh.conv("r4", "2024-03-04 09:00")  # never resolved
    row = metrics_table(query(wh.conn), families=["volume", "resolution"]).iloc[0]
    assert row["contacts"] == 2
    assert row["resolved"] == 0
    assert row["resolution_rate"] == 0
    assert row["reopen_rate"] == 1.0  # 1 reopened of 1 ever resolved


def test_one_touch_and_rates(wh):
    # o1: one human reply, resolved -> one-touch; o2: two replies; o3: status-event resolve
    for cid, replies in (("o1", 1), ("o2", 2)):
        wh.conv(cid, "2024-03-04 09:00")
        wh.msg(cid, "2024-03-04 09:00")
        for i in range(replies):
            wh.msg(cid, f"2024-03-04 09:1{i}", "agent", "a1")
        wh.ev(cid, "2024-03-04 10:00", "resolve")
    wh.conv("o3", "2024-03-04 09:00")
    wh.ev("o3", "2024-03-04 09:30", "status", from_value="open", to_value="solved")
    wh.ev("o3", "2024-03-08 09:30", "close")  # close after solve does not stretch it
    row = metrics_table(query(wh.conn), families=["volume", "resolution"]).iloc[0]
    assert row["resolved"] == 3
    assert row["one_touch"] == 1
    assert row["one_touch_rate"] == pytest.approx(1 / 3)
    assert row["resolution_median_s"] == 3600
    assert row["resolution_mean_s"] == pytest.approx((3600 + 3600 + 1800) / 3)


def test_resolution_credited_to_last_assignee_after_transfer(wh):
    # a1 09:00-09:30, transferred to a2 09:30-10:00, resolved 10:00 -> credited to a2
    wh.conv("x1", "2024-03-04 09:00", assignee="a2")
    wh.eng("x1", "a1", "2024-03-04 09:00", "2024-03-04 09:30", accepted="2024-03-04 09:01")
    wh.eng("x1", "a2", "2024-03-04 09:30", "2024-03-04 10:00", accepted="2024-03-04 09:31")
    wh.ev("x1", "2024-03-04 10:00", "resolve")
    df = resolution(query(wh.conn, by=["agent"])).df().set_index("agent_key")
    assert list(df.index) == ["t:a2"]
    assert df.loc["t:a2", "resolved"] == 1


def test_cohort_event_counts_by_resolve_time(wh):
    # created in February, resolved in March
    wh.conv("e1", "2024-02-28 09:00")
    wh.ev("e1", "2024-03-01 09:00", "resolve")
    from supportstats.metrics import Period

    march = Period.from_dates("2024-03-01", "2024-03-31")
    created = resolution(query(wh.conn, period=march)).df().iloc[0]
    event = resolution(query(wh.conn, MetricOptions(cohort="event"), march)).df().iloc[0]
    assert created["resolved"] == 0
    assert event["resolved"] == 1
    assert event["resolution_mean_s"] == 2 * 86400  # 2024 is a leap year: Feb 29 exists


def test_ticket_assignee_events_by_source_id(wh):
    # a ticket with no engagements: assignee events name the agent by source id ('a1', then
    # 'a2'); resolved by a2 -> credited to t:a2; tickets get no handle time
    wh.agent("a1", "Ann")
    wh.agent("a2", "Bob")
    wh.conv("tk", "2024-03-04 09:00", kind="ticket", channel="email")
    wh.ev("tk", "2024-03-04 09:05", "assignee", to_value="a1")
    wh.ev("tk", "2024-03-04 10:00", "assignee", to_value="a2")
    wh.ev("tk", "2024-03-04 12:00", "resolve")
    df = metrics_table(query(wh.conn, by=["agent"]), families=["resolution", "handle_time"])
    assert list(df["agent"]) == ["Bob"]
    assert df.iloc[0]["resolved"] == 1
    assert df.iloc[0]["handle_time_count"] == 0
