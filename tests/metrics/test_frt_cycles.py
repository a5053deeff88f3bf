"""First response per resolution cycle (frt_scope=cycle): hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from supportstats.metrics import MetricOptions, first_response, query
from supportstats.metrics.response import frt_cycles

CYCLE = MetricOptions(frt_scope="cycle")


def cycles_of(wh, options=CYCLE):
    q = query(wh.conn, options)
    return (
        wh.conn.execute(
            f'select conversation_id, cycle_no, frt_s, responder_agent_key from "{frt_cycles(q)}" '
            "order by conversation_id, cycle_no"
        )
        .df()
        .itertuples(index=False, name=None)
    )


def reopened(wh):
    # created 09:00 (customer writes), a1 replies 09:10 (600 s), resolved 09:30;
    # customer writes again 11:00 and the conversation reopens, a2 replies 11:05 (300 s),
    # resolved 11:20
    wh.conv("r1", "2024-03-04 09:00")
    wh.msg("r1", "2024-03-04 09:00")
    wh.msg("r1", "2024-03-04 09:10", "agent", "a1")
    wh.ev("r1", "2024-03-04 09:30", "resolve")
    wh.msg("r1", "2024-03-04 11:00")
    wh.ev("r1", "2024-03-04 11:00", "reopen")
    wh.msg("r1", "2024-03-04 11:01", "agent", "a2", visibility="internal")  # never counts
    wh.msg("r1", "2024-03-04 11:05", "agent", "a2")
    wh.msg("r1", "2024-03-04 11:06", "agent", "a1")
    wh.ev("r1", "2024-03-04 11:20", "resolve")


def test_two_cycles_two_frts(wh):
    reopened(wh)
    assert list(cycles_of(wh)) == [("r1", 0, 600.0, "t:a1"), ("r1", 1, 300.0, "t:a2")]
    total = first_response(query(wh.conn, CYCLE)).df().iloc[0]
    assert total["first_response_count"] == 2
    assert total["first_response_mean_s"] == 450
    assert total["first_response_median_s"] == 450
    assert total["first_response_p90_s"] == pytest.approx(600 - 0.1 * 300)  # 570
    # credited to each cycle's responder
    per = first_response(query(wh.conn, CYCLE, by=["agent"])).df().set_index("agent_key")
    assert per.loc["t:a1", "first_response_mean_s"] == 600
    assert per.loc["t:a2", "first_response_mean_s"] == 300
    assert per["first_response_count"].sum() == 2


def test_default_scope_is_one_frt_per_conversation(wh):
    reopened(wh)
    total = first_response(query(wh.conn)).df().iloc[0]
    assert total["first_response_count"] == 1
    assert total["first_response_mean_s"] == 600


def test_unanswered_reopen_is_null_and_not_counted(wh):
    reopened(wh)
    # u1: created 10:00, reply 10:02 (120 s), resolved 10:10, reopened 12:00, no reply since
    wh.conv("u1", "2024-03-04 10:00")
    wh.msg("u1", "2024-03-04 10:00")
    wh.msg("u1", "2024-03-04 10:02", "agent", "a1")
    wh.ev("u1", "2024-03-04 10:10", "resolve")
    wh.msg("u1", "2024-03-04 12:00")
    wh.ev("u1", "2024-03-04 12:00", "reopen")
    rows = [r for r in cycles_of(wh) if r[0] == "u1"]
    assert rows[0] == ("u1", 0, 120.0, "t:a1")
    assert rows[1][:2] == ("u1", 1)
    assert pd.isna(rows[1][2]) and pd.isna(rows[1][3])  # NULL: no reply yet
    total = first_response(query(wh.conn, CYCLE)).df().iloc[0]
    assert total["first_response_count"] == 3  # 600, 300, 120
    assert total["first_response_mean_s"] == pytest.approx(340)
    assert total["first_response_median_s"] == 300
    default = first_response(query(wh.conn)).df().iloc[0]
    assert default["first_response_count"] == 2  # 600, 120
    assert default["first_response_mean_s"] == 360


def test_reply_after_resolve_belongs_to_no_cycle(wh):
    # resolved 09:05 without a reply; an agent writes 09:20 (after the resolve, no reopen);
    # reopened 10:00, reply 10:30 -> cycle 0 NULL, cycle 1 = 1800 s
    # (the default scope: 09:00 -> 09:20 = 1200 s)
    wh.conv("x1", "2024-03-04 09:00")
    wh.msg("x1", "2024-03-04 09:00")
    wh.ev("x1", "2024-03-04 09:05", "resolve")
    wh.msg("x1", "2024-03-04 09:20", "agent", "a1")
    wh.ev("x1", "2024-03-04 10:00", "status", from_value="resolved", to_value="open")
    wh.msg("x1", "2024-03-04 10:30", "agent", "a1")
    rows = list(cycles_of(wh))
    assert [r[:2] for r in rows] == [("x1", 0), ("x1", 1)]
    assert rows[0][2] != rows[0][2]
    assert rows[1][2] == 1800
    assert first_response(query(wh.conn)).df().iloc[0]["first_response_mean_s"] == 1200


def test_repeated_events_and_closes(wh):
    # reopen before any resolve is status noise; two resolves in a row end one cycle; a close
    # counts as a resolve only without resolves: z1 has cycles [09:00, 09:30] and [10:00, ...)
    wh.conv("z1", "2024-03-04 09:00")
    wh.msg("z1", "2024-03-04 09:00")
    wh.ev("z1", "2024-03-04 09:02", "reopen")
    wh.msg("z1", "2024-03-04 09:04", "agent", "a1")
    wh.ev("z1", "2024-03-04 09:30", "close")
    wh.ev("z1", "2024-03-04 09:40", "close")
    wh.ev("z1", "2024-03-04 10:00", "reopen")
    wh.ev("z1", "2024-03-04 10:01", "reopen")
    wh.msg("z1", "2024-03-04 10:09", "agent", "a1")
    rows = list(cycles_of(wh))
    assert [(r[1], r[2]) for r in rows] == [(0, 240.0), (1, 540.0)]


def test_business_clock_per_cycle(wh):
    # UTC schedule Mon-Fri 09-17. Cycle 0: created Fri 2024-03-01 16:30, reply Mon 09:30
    # -> 30 + 30 min = 3600 business s. Resolved Mon 10:00; reopened Mon 16:50, reply Tue 09:10
    # -> 10 + 10 min = 1200 business s (calendar 16 h 20 min = 58800 s).
    wh.schedule("s1", "UTC", {d: (9 * 60, 17 * 60) for d in range(1, 6)})
    wh.queue("q1", schedule="s1")
    wh.conv("b1", "2024-03-01 16:30", queue="q1")
    wh.msg("b1", "2024-03-01 16:30")
    wh.msg("b1", "2024-03-04 09:30", "agent", "a1")
    wh.ev("b1", "2024-03-04 10:00", "resolve")
    wh.ev("b1", "2024-03-04 16:50", "reopen")
    wh.msg("b1", "2024-03-05 09:10", "agent", "a1")
    bh = [r[2] for r in cycles_of(wh, MetricOptions(frt_scope="cycle", clock="business"))]
    assert bh == [3600, 1200]
    assert [r[2] for r in cycles_of(wh)] == [(2 * 24 + 17) * 3600, 58800]
    total = first_response(query(wh.conn, MetricOptions(frt_scope="cycle", clock="business")))
    assert total.df().iloc[0]["first_response_mean_s"] == 2400
