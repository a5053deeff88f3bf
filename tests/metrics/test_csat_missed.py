"""CSAT (scales, latest rating, formulas, Wilson) and wait / abandoned / missed."""

from __future__ import annotations

import pytest

from supportstats.metrics import MetricOptions, csat, metrics_table, missed, query, wait


def test_rating_changed_twice_counts_latest(wh):
    # c1 rated 1, then 2, then 5 -> latest 5 (positive); c2 rated 3 (neutral, not positive)
    wh.conv("c1", "2024-03-04 09:00")
    wh.rate("c1", "2024-03-04 10:00", "1", agent="a1")
    wh.rate("c1", "2024-03-04 10:05", "2", agent="a1")
    wh.rate("c1", "2024-03-04 10:10", "5", agent="a1")
    wh.conv("c2", "2024-03-04 09:00")
    wh.rate("c2", "2024-03-04 10:00", "3", agent="a2")
    row = csat(query(wh.conn)).df().iloc[0]
    assert row["csat_responses"] == 2
    assert row["csat_positive"] == 1
    assert row["csat_score"] == 0.5
    allr = csat(query(wh.conn, MetricOptions(csat_ratings="all"))).df().iloc[0]
    assert allr["csat_responses"] == 4
    assert allr["csat_negative"] == 2  # 1 and 2 of 5 (3 of 5 is neutral)
    assert allr["csat_score"] == 0.25


def test_scales_formulas_and_wilson(wh):
    # binary good, binary bad, 3-level okay, 1-10 scale 10 -> scores 1, 0, 0.5, 1
    for cid, raw, scale in (("b1", "good", "binary"), ("b2", "bad", "binary"),
                            ("b3", "okay", "3-level"), ("b4", "10", "1-10")):  # fmt: skip
        wh.conv(cid, "2024-03-04 09:00")
        wh.rate(cid, "2024-03-04 10:00", raw, scale=scale)
    q = query(wh.conn)
    row = csat(q).df().iloc[0]
    assert row["csat_score"] == 0.5  # 2 positive of 4
    assert row["csat_mean"] == pytest.approx(2.5 / 4)
    # Wilson 95 % for 2/4: centre 0.5, half-width 1.96 * sqrt(.0625 + .0600) / 1.9604 = .35
    assert row["csat_ci_low"] == pytest.approx(0.1500, abs=1e-4)
    assert row["csat_ci_high"] == pytest.approx(0.8500, abs=1e-4)
    rated = csat(query(wh.conn, MetricOptions(csat_formula="positive_of_rated"))).df()
    assert rated.iloc[0]["csat_score"] == pytest.approx(2 / 3)  # okay is neither
    net = csat(query(wh.conn, MetricOptions(csat_formula="net"))).df().iloc[0]
    assert net["csat_score"] == pytest.approx((2 - 1) / 4)
    assert net["csat_ci_low"] != net["csat_ci_low"]  # no interval for net


def test_response_rate_and_agent_at_rating(wh):
    # 3 surveys offered (2 rating rows + 1 csat_request message), 2 answered; the rating of
    # c1 goes to a1 (agent at rating) although a2 is the current assignee
    wh.conv("c1", "2024-03-04 09:00", assignee="a2")
    wh.rate("c1", "2024-03-04 10:00", "4", agent="a1")
    wh.conv("c2", "2024-03-04 09:00", assignee="a2")
    wh.rate("c2", "2024-03-04 10:00", "5", agent="a2")
    wh.conv("c3", "2024-03-04 09:00", assignee="a2")
    wh.msg("c3", "2024-03-04 09:30", "system", kind="csat_request")
    row = csat(query(wh.conn)).df().iloc[0]
    assert row["csat_offered"] == 3
    assert row["csat_response_rate"] == pytest.approx(2 / 3)
    per = csat(query(wh.conn, by=["agent"])).df().set_index("agent_key")
    assert per.loc["t:a1", "csat_responses"] == 1
    assert per.loc["t:a2", "csat_responses"] == 1
    assert per.loc["t:a2", "csat_offered"] == 2


def _queue_fixture(wh):
    # q1 answered after 30 s; q2 abandoned after 5 s (short); q3 abandoned after 200 s;
    # q4 answered after 90 s; t1 ticket with no queue
    wh.conv("q1", "2024-03-04 09:00")
    wh.ev("q1", "2024-03-04 09:00", "queue_enter")
    wh.eng("q1", "a1", "2024-03-04 09:00:20", "2024-03-04 09:10", accepted="2024-03-04 09:00:30")
    wh.conv("q2", "2024-03-04 09:00")
    wh.ev("q2", "2024-03-04 09:00", "queue_enter")
    wh.ev("q2", "2024-03-04 09:00:05", "abandon")
    wh.conv("q3", "2024-03-04 09:00")
    wh.ev("q3", "2024-03-04 09:00", "queue_enter")
    wh.ev("q3", "2024-03-04 09:03:20", "queue_exit")
    wh.conv("q4", "2024-03-04 09:00")
    wh.ev("q4", "2024-03-04 09:00", "queue_enter")
    wh.eng("q4", "a2", "2024-03-04 09:01", "2024-03-04 09:10", first_msg="2024-03-04 09:01:30")
    wh.conv("t1", "2024-03-04 09:00", kind="ticket", channel="email")
    wh.msg("t1", "2024-03-04 09:00")


def test_wait_abandoned_short_abandon(wh):
    _queue_fixture(wh)
    w = wait(query(wh.conn)).df().iloc[0]
    assert w["wait_count"] == 2 and w["wait_mean_s"] == 60  # (30 + 90) / 2
    inc = wait(query(wh.conn, MetricOptions(wait_abandoned="include"))).df().iloc[0]
    assert inc["wait_mean_s"] == pytest.approx((30 + 90 + 5 + 200) / 4)
    m = missed(query(wh.conn)).df().iloc[0]
    assert (m["queued"], m["answered"], m["abandoned"], m["short_abandoned"]) == (4, 2, 2, 0)
    assert m["missed"] == 2  # q2, q3: customers left, nobody answered; t1 is still open
    short = missed(query(wh.conn, MetricOptions(short_abandon_s=10))).df().iloc[0]
    assert (short["abandoned"], short["short_abandoned"], short["missed"]) == (1, 1, 1)
    row = metrics_table(query(wh.conn), families=["missed"]).iloc[0]
    assert row["abandon_rate"] == 0.5


def test_missed_rules_and_status_missed(wh):
    # a chat the source marks missed, with no queue events: missed under both rules
    wh.conv("m1", "2024-03-04 09:00", status_current="missed")
    # a ticket closed with no reply: missed under no_reply, not under in_queue
    wh.conv("m2", "2024-03-04 09:00", kind="ticket", channel="email")
    wh.msg("m2", "2024-03-04 09:00")
    wh.ev("m2", "2024-03-04 12:00", "close")
    assert missed(query(wh.conn)).df().iloc[0]["missed"] == 2
    in_queue = missed(query(wh.conn, MetricOptions(missed_rule="in_queue"))).df().iloc[0]
    assert in_queue["missed"] == 1
