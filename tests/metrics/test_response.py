"""First response and next-reply time: hand-computed values on tiny fixtures."""

from __future__ import annotations

import pytest

from supportstats.metrics import MetricOptions, first_response, metrics_table, next_reply, query
from supportstats.metrics.sla import sla


def frt_by_conv(wh, **opts):
    q = query(wh.conn, MetricOptions(**opts), by=["conversation"])
    from supportstats.metrics.conversations import conversations

    df = conversations(q)
    return dict(zip(df["conversation_id"], df["first_response_s"], strict=True))


def test_bot_reply_and_internal_note_do_not_count(wh):
    # created 09:00; bot 09:01; internal agent note 09:02; automated trigger 09:03;
    # human public reply 09:05 -> FRT 300 s (bot_replies=include -> 60 s)
    wh.conv("c1", "2024-03-04 09:00")
    wh.msg("c1", "2024-03-04 09:00")
    wh.msg("c1", "2024-03-04 09:01", "bot")
    wh.msg("c1", "2024-03-04 09:02", "agent", "a1", visibility="internal")
    wh.msg("c1", "2024-03-04 09:03", "agent", "a1", automation="trigger")
    wh.msg("c1", "2024-03-04 09:05", "agent", "a1")
    assert frt_by_conv(wh)["c1"] == 300
    assert frt_by_conv(wh, bot_replies="include")["c1"] == 60


def test_agent_initiated_options(wh):
    # agent writes first at 10:00, customer answers 10:30, agent replies 10:40
    wh.conv("c2", "2024-03-04 10:00", initiated_by="agent")
    wh.msg("c2", "2024-03-04 10:00", "agent", "a1")
    wh.msg("c2", "2024-03-04 10:30")
    wh.msg("c2", "2024-03-04 10:40", "agent", "a1")
    assert frt_by_conv(wh)["c2"] == 600  # after_customer: 10:30 -> 10:40
    assert frt_by_conv(wh, agent_initiated="zero")["c2"] == 0  # opener counts
    assert frt_by_conv(wh, agent_initiated="exclude")["c2"] != frt_by_conv(wh)["c2"]


def test_frt_start_options(wh):
    # created 09:00, first customer message 09:10, assigned 09:20, reply 09:30
    wh.conv("c3", "2024-03-04 09:00")
    wh.msg("c3", "2024-03-04 09:10")
    wh.msg("c3", "2024-03-04 09:30", "agent", "a1")
    wh.eng("c3", "a1", "2024-03-04 09:20", "2024-03-04 09:40")
    assert frt_by_conv(wh)["c3"] == 1800
    assert frt_by_conv(wh, frt_start="first_customer_message")["c3"] == 1200
    assert frt_by_conv(wh, frt_start="assignment")["c3"] == 600


def test_handoff_start_and_reply_after_assignment(wh):
    # bot handles until handoff 09:50; reply 09:55 -> 300 s from handoff
    wh.conv("c4", "2024-03-04 09:00")
    wh.msg("c4", "2024-03-04 09:00")
    wh.ev("c4", "2024-03-04 09:50", "bot_handoff")
    wh.msg("c4", "2024-03-04 09:55", "agent", "a1")
    assert frt_by_conv(wh, frt_start="handoff_or_reopen")["c4"] == 300
    # reply before assignment: the first reply at/after the assignment (10:10) counts
    wh.conv("c5", "2024-03-04 10:00")
    wh.msg("c5", "2024-03-04 10:00")
    wh.msg("c5", "2024-03-04 10:01", "agent", "a1")
    wh.eng("c5", "a2", "2024-03-04 10:05", "2024-03-04 10:30")
    wh.msg("c5", "2024-03-04 10:10", "agent", "a2")
    assert frt_by_conv(wh, frt_start="assignment")["c5"] == 300


def test_open_conversation_without_reply_has_no_frt(wh):
    wh.conv("c6", "2024-03-04 09:00")
    wh.msg("c6", "2024-03-04 09:00")
    row = metrics_table(query(wh.conn)).iloc[0]
    assert row["contacts"] == 1
    assert row["first_response_count"] == 0
    assert row["first_response_mean_s"] != row["first_response_mean_s"]  # NaN


def test_frt_stats_and_credit_to_responder(wh):
    # FRTs 60, 120, 600 -> mean 260, median 120, p90 = 120 + 0.8 * 480 = 504
    for i, (reply, agent) in enumerate([("09:01", "a1"), ("09:02", "a1"), ("09:10", "a2")]):
        wh.conv(f"k{i}", "2024-03-04 09:00", assignee="a1")
        wh.msg(f"k{i}", "2024-03-04 09:00")
        wh.msg(f"k{i}", f"2024-03-04 {reply}", "agent", agent)
    total = first_response(query(wh.conn)).df().iloc[0]
    assert total["first_response_mean_s"] == pytest.approx(260)
    assert total["first_response_median_s"] == 120
    assert total["first_response_p90_s"] == pytest.approx(504)
    per = first_response(query(wh.conn, by=["agent"])).df().set_index("agent_key")
    assert per.loc["t:a1", "first_response_count"] == 2
    assert per.loc["t:a2", "first_response_mean_s"] == 600  # credited to the responder
    cur = first_response(
        query(wh.conn, MetricOptions(attribution="current_assignee"), by=["agent"])
    )
    assert cur.df().set_index("agent_key").loc["t:a1", "first_response_count"] == 3


def test_next_reply_time(wh):
    # customer 09:00, agent 09:05 (first response), customer 09:10 + 09:12, agent 09:20 -> 600;
    # customer 09:30, bot 09:31, agent 09:40 -> 600 (bots excluded) or 60 (included)
    wh.conv("n1", "2024-03-04 09:00")
    for at, role in [("09:00", "customer"), ("09:05", "agent"), ("09:10", "customer"),
                     ("09:12", "customer"), ("09:20", "agent"), ("09:30", "customer"),
                     ("09:31", "bot"), ("09:40", "agent")]:  # fmt: skip
        wh.msg("n1", f"2024-03-04 {at}", role, "a1" if role == "agent" else None)
    df = next_reply(query(wh.conn)).df().iloc[0]
    assert df["next_reply_count"] == 2
    assert df["next_reply_mean_s"] == 600
    inc = next_reply(query(wh.conn, MetricOptions(bot_replies="include"))).df().iloc[0]
    assert inc["next_reply_mean_s"] == pytest.approx((600 + 60) / 2)


def test_next_reply_sla_target_option(wh):
    # customer waits of 600 s and 300 s after the first response; a 400 s target meets one
    wh.conv("n1", "2024-03-04 09:00")
    for at, role in [("09:00", "customer"), ("09:05", "agent"), ("09:10", "customer"),
                     ("09:20", "agent"), ("09:30", "customer"), ("09:35", "agent")]:  # fmt: skip
        wh.msg("n1", f"2024-03-04 {at}", role, "a1" if role == "agent" else None)
    rows = sla(query(wh.conn, MetricOptions(sla_next_reply_s=400))).df()
    row = rows[rows["metric"] == "next_reply"].iloc[0]
    assert (row["target_s"], row["met"], row["breached"]) == (400, 1, 1)
    assert not (sla(query(wh.conn)).df()["metric"] == "next_reply").any()
