"""Concurrency, occupancy/utilisation, SLA attainment and the snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from _build import four_tickets_with_frt_targets

from supportstats.metrics import MetricOptions, Period, concurrency, query, utilisation
from supportstats.metrics.sla import sla
from supportstats.metrics.snapshot import snapshot

DAY = Period.from_dates("2024-03-04", "2024-03-04")


def _two_chats(wh):
    # a1: chat A 09:00-10:00 (accepted 09:10), chat B 09:30-10:30, call C 11:00-11:30
    wh.conv("A", "2024-03-04 09:00")
    wh.conv("B", "2024-03-04 09:30")
    wh.conv("C", "2024-03-04 11:00", kind="call", channel="voice")
    wh.eng("A", "a1", "2024-03-04 09:00", "2024-03-04 10:00", accepted="2024-03-04 09:10")
    wh.eng("B", "a1", "2024-03-04 09:30", "2024-03-04 10:30", accepted="2024-03-04 09:30")
    wh.eng("C", "a1", "2024-03-04 11:00", "2024-03-04 11:30", accepted="2024-03-04 11:00")


def test_concurrency_time_weighted(wh):
    _two_chats(wh)
    # c=1 09:00-09:30, 2 09:30-10:00, 1 10:00-10:30, 1 11:00-11:30: busy 7200 s,
    # mean (1800 + 3600 + 1800 + 1800) / 7200 = 1.25, share >= 2 = 0.25
    row = concurrency(query(wh.conn, period=DAY, by=["agent"])).df().iloc[0]
    assert row["busy_s"] == 7200
    assert row["concurrency_mean"] == 1.25
    assert row["concurrency_max"] == 2
    assert row["concurrency_share_ge_k"] == 0.25
    acc = concurrency(query(wh.conn, MetricOptions(concurrency_start="accept"), DAY)).df()
    assert acc.iloc[0]["busy_s"] == 7200 - 600  # A counts from 09:10


def test_concurrency_by_hour_splits_segments(wh):
    _two_chats(wh)
    df = concurrency(query(wh.conn, period=DAY, by=["agent", "hour"])).df()
    hours = df.set_index("hour_of_day")
    assert hours.loc[9, "busy_s"] == 3600 and hours.loc[9, "concurrency_mean"] == 1.5
    assert hours.loc[10, "busy_s"] == 1800 and hours.loc[10, "concurrency_max"] == 1
    assert hours.loc[11, "busy_s"] == 1800


def test_utilisation_from_status_and_from_engagements(wh):
    _two_chats(wh)
    # a1 available 08:00-12:00 (14400 s); busy 7200 -> occupancy 0.5;
    # load: chats weigh 1/3: (1800 + 2*1800 + 1800)/3 = 2400, call 1800 -> 4200 / 14400
    wh.status("a1", "2024-03-04 08:00", "2024-03-04 12:00", "available")
    row = utilisation(query(wh.conn, period=DAY, by=["agent"])).df().iloc[0]
    assert row["utilisation_source"] == "status"
    assert row["occupancy"] == 0.5
    assert row["utilisation"] == pytest.approx(4200 / 14400)
    # a2 has no status: span 13:00-15:00 per day, busy 1 h -> 0.5
    wh.conv("D", "2024-03-04 13:00")
    wh.conv("E", "2024-03-04 14:00")
    wh.eng("D", "a2", "2024-03-04 13:00", "2024-03-04 13:30")
    wh.eng("E", "a2", "2024-03-04 14:30", "2024-03-04 15:00")
    df = utilisation(query(wh.conn, period=DAY, by=["agent"])).df().set_index("agent_key")
    assert df.loc["t:a2", "utilisation_source"] == "engagements"
    assert df.loc["t:a2", "occupancy"] == 0.5


def test_sla_attainment_per_priority_and_targets(wh):
    # FRT: p1 high 30 min (target high 1 h: met), p2 high 2 h (breached),
    # p3 low 2 h (low target 4 h: met), p4 low open for 5 h with no reply (breached)
    four_tickets_with_frt_targets(wh)
    df = sla(query(wh.conn, period=Period.from_dates("2024-03-04", "2024-03-04"))).df()
    frt = df[df["metric"] == "first_response"].set_index("sla_priority")
    assert (frt.loc["high", "met"], frt.loc["high", "breached"]) == (1, 1)
    assert (frt.loc["low", "met"], frt.loc["low", "breached"]) == (1, 1)
    assert frt.loc["high", "attainment"] == 0.5
    over = sla(query(wh.conn, MetricOptions(sla_first_response_s=7200))).df()
    assert over[over["metric"] == "first_response"]["met"].sum() == 3


def test_sla_pause_statuses(wh):
    # resolved 4 h after creation, 3 h of it pending -> 1 h against a 2 h target: met
    wh.conv("s1", "2024-03-04 09:00", kind="ticket", channel="email")
    wh.ev("s1", "2024-03-04 09:00", "status", to_value="open")
    wh.ev("s1", "2024-03-04 09:30", "status", from_value="open", to_value="pending")
    wh.ev("s1", "2024-03-04 12:30", "status", from_value="pending", to_value="open")
    wh.ev("s1", "2024-03-04 13:00", "resolve")
    df = sla(query(wh.conn, MetricOptions(sla_resolution_s=7200))).df()
    res = df[df["metric"] == "resolution"].iloc[0]
    assert (res["met"], res["breached"]) == (1, 0)
    df = sla(query(wh.conn, MetricOptions(sla_resolution_s=7200, pause_statuses=()))).df()
    assert df[df["metric"] == "resolution"].iloc[0]["breached"] == 1


def test_snapshot_queue_position_eta_and_agents(wh):
    at = dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)
    # waiting: w1 since 09:50, w2 since 09:55; answered in the last hour: 2 -> 2 per 3600 s,
    # so ETA = position * 1800 s. Gone: w3 abandoned 09:58. Answered: w4, w5.
    for cid, queued in (("w1", "09:50"), ("w2", "09:55"), ("w3", "09:56")):
        wh.conv(cid, f"2024-03-04 {queued}", queue="q1")
        wh.ev(cid, f"2024-03-04 {queued}", "queue_enter")
    wh.ev("w3", "2024-03-04 09:58", "abandon")
    for cid in ("w4", "w5"):
        wh.conv(cid, "2024-03-04 09:20", queue="q1")
        wh.ev(cid, "2024-03-04 09:20", "queue_enter")
        wh.eng(cid, "a1", "2024-03-04 09:30", None, accepted="2024-03-04 09:30")
    wh.status("a1", "2024-03-04 08:00", None, "available")
    wh.status("a2", "2024-03-04 08:00", None, "offline")
    snap = snapshot(wh.conn, at)
    assert snap.summary.iloc[0]["contacts_waiting"] == 2
    assert snap.summary.iloc[0]["longest_wait_s"] == 600
    w = snap.waiting.set_index("conversation_id")
    assert list(w["queue_position"]) == [1, 2]
    assert w.loc["w2", "expected_wait_s"] == pytest.approx(3600)
    a = snap.agents.set_index("agent_key")
    assert list(a.index) == ["t:a1"]  # a2 is offline with no load
    assert a.loc["t:a1", "chats_open"] == 2 and snap.summary.iloc[0]["agents_online"] == 1
