"""Spans across rows that run backwards are left out of the durations (issue 15, item 7).

The import rejects a row whose own times run backwards (tests/importers/
test_implausible_times.py); a resolve event, an answer or an end dated before its
conversation's start can still come from another file. Such a duration is NULL in the facts,
named in ``backwards_spans`` (``metrics --by conversation``), and never averaged in: a mean is
never negative.
"""

from __future__ import annotations

from supportstats.metrics import MetricOptions, metrics_table, query
from supportstats.metrics.conversations import conversations


def test_a_resolve_before_creation_is_no_resolution_time(wh):
    wh.conv("ok", "2024-03-04 09:00", kind="chat")
    wh.ev("ok", "2024-03-04 10:00", "resolve")
    # from another file: resolved 121 days before the conversation was created
    wh.conv("back", "2024-03-04 09:00", kind="chat")
    wh.ev("back", "2023-11-04 09:00", "resolve")
    row = metrics_table(query(wh.conn), families=["resolution", "duration"]).iloc[0]
    assert row["resolved"] == 2
    assert row["resolution_count"] == 1
    assert row["resolution_mean_s"] == 3600
    assert row["duration_mean_s"] == 3600
    rows = conversations(query(wh.conn)).set_index("conversation_id")
    assert list(rows.loc["back", "backwards_spans"]) == ["resolution", "duration"]
    assert rows.loc["back", "resolution_s"] != rows.loc["back", "resolution_s"]  # NaN
    assert rows.loc["ok", "backwards_spans"] is None or rows.isna().loc["ok", "backwards_spans"]
    assert rows.loc["ok", "resolution_s"] == 3600


def test_an_answer_before_the_queue_is_no_wait_and_no_handle_time(wh):
    wh.conv("w", "2024-03-04 09:00", kind="chat")
    wh.ev("w", "2024-03-04 09:10", "queue_enter")
    # the agent's stretch (another file) was accepted before the queue and ended before it
    wh.eng("w", "a1", "2024-03-04 08:50", end="2024-03-04 08:55", accepted="2024-03-04 08:58")
    row = metrics_table(query(wh.conn), families=["wait", "handle_time"]).iloc[0]
    assert row["wait_count"] == 0 and row["wait_mean_s"] != row["wait_mean_s"]
    assert row["handle_time_count"] == 0
    rows = conversations(query(wh.conn)).set_index("conversation_id")
    assert "wait" in list(rows.loc["w", "backwards_spans"])


def test_business_time_leaves_a_backwards_span_out_too(wh):
    wh.schedule("s1", "UTC", {d: (9, 17) for d in range(7)})
    wh.queue("q1", schedule="s1")
    wh.conv("back", "2024-03-04 12:00", kind="chat", queue_key="t:q1")
    wh.ev("back", "2024-03-04 10:00", "resolve")
    opts = MetricOptions(clock="business")
    row = metrics_table(query(wh.conn, opts), families=["resolution"]).iloc[0]
    assert row["resolved"] == 1 and row["resolution_count"] == 0
