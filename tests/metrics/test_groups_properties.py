"""Groups, filters, empty periods, options parsing, and Hypothesis properties."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from _build import Warehouse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportstats.errors import OptionError
from supportstats.metrics import Filters, MetricOptions, Period, metrics_table, query
from supportstats.metrics.sla import sla


def _small(wh):
    # Mon 2024-03-04 09:xx (UTC): 2 chats for a1 (one tagged vip), 1 email for a2;
    # Tue 23:30 UTC = Wed 00:30 in Europe/Berlin: 1 chat for a1
    wh.agent("a1", "Ann", team="t1")
    wh.agent("a2", "Bob", team="t2")
    wh.team("t1", "Chat team")
    wh.conv("g1", "2024-03-04 09:00", assignee="a1", team="t1", tags=["vip"])
    wh.conv("g2", "2024-03-04 09:20", assignee="a1", team="t1")
    wh.conv("g3", "2024-03-04 09:40", assignee="a2", team="t2", kind="ticket", channel="email")
    wh.conv("g4", "2024-03-05 23:30", assignee="a1", team="t1")


def test_group_by_day_in_reporting_timezone(wh):
    _small(wh)
    utc = metrics_table(query(wh.conn, by=["day"]), families=["volume"])
    assert list(utc["contacts"]) == [3, 1]
    assert [str(d) for d in utc["day"]] == ["2024-03-04", "2024-03-05"]
    berlin = query(wh.conn, MetricOptions(timezone="Europe/Berlin"), by=["day"])
    assert [str(d) for d in metrics_table(berlin, families=["volume"])["day"]] == [
        "2024-03-04",
        "2024-03-06",
    ]


def test_group_names_and_filters(wh):
    _small(wh)
    df = metrics_table(query(wh.conn, by=["agent", "channel"]), families=["volume"])
    assert list(zip(df["agent"], df["channel"], df["contacts"], strict=True)) == [
        ("Ann", "chat", 3),
        ("Bob", "email", 1),
    ]
    one = metrics_table(query(wh.conn, filters=Filters.of(tag=["vip"])), families=["volume"])
    assert one.iloc[0]["contacts"] == 1
    ann = metrics_table(query(wh.conn, filters=Filters.of(agent=["Ann"])), families=["volume"])
    assert ann.iloc[0]["contacts"] == 3
    team = metrics_table(query(wh.conn, filters=Filters.of(team=["Chat team"])), ["volume"])
    assert team.iloc[0]["contacts"] == 3
    iv = metrics_table(query(wh.conn, by=["interval"]), families=["volume"])
    assert list(iv["contacts"]) == [1, 1, 1, 1]  # 09:00, 09:15, 09:30, 23:30


def test_empty_period_gives_zero_counts_and_no_groups(wh):
    _small(wh)
    empty = Period.from_dates("2023-01-01", "2023-01-31")
    row = metrics_table(query(wh.conn, period=empty))
    assert len(row) == 1 and row.iloc[0]["contacts"] == 0
    assert pd.isna(row.iloc[0]["first_response_median_s"])
    assert metrics_table(query(wh.conn, period=empty, by=["agent"])).empty


def test_options_parse_and_errors():
    o = MetricOptions.parse(["clock=business", "reopen_window_h=24", "pause_statuses=pending"])
    assert (o.clock, o.reopen_window_h, o.pause_statuses) == ("business", 24.0, ("pending",))
    assert "clock=business" in o.describe()
    with pytest.raises(OptionError, match="not one of"):
        MetricOptions.parse(["clock=wall"])
    with pytest.raises(OptionError, match="unknown option"):
        MetricOptions.parse(["colck=business"])
    with pytest.raises(OptionError, match="not name=value"):
        MetricOptions.parse(["clock"])
    assert MetricOptions.parse(["frt_scope=cycle"]).frt_scope == "cycle"  # implemented now
    with pytest.raises(OptionError, match="timezone"):
        MetricOptions(timezone="Mars/Olympus")
    with pytest.raises(OptionError, match="cannot group by"):
        query(Warehouse().conn, by=["planet"])
    with pytest.raises(OptionError, match="before it starts"):
        Period.from_dates("2024-03-05", "2024-03-01")


# ---- Hypothesis properties -------------------------------------------------------------

conv_strategy = st.lists(
    st.tuples(
        st.integers(0, 3 * 24 * 60),  # created, minutes after the base
        st.sampled_from(["a1", "a2", "a3", None]),  # assignee
        st.one_of(st.none(), st.integers(0, 600)),  # reply after, minutes
        st.one_of(st.none(), st.integers(1, 2000)),  # resolve after, minutes
        st.sampled_from(["chat", "email"]),
        st.sampled_from(["high", "low", None]),
    ),
    min_size=1,
    max_size=12,
)
BASE = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)


def _fill(rows, order):
    wh = Warehouse()
    for i in order:
        created, agent, reply, resolve, channel, prio = rows[i]
        t0 = BASE + dt.timedelta(minutes=created)
        fmt = "%Y-%m-%d %H:%M"
        kw = {"assignee": agent} if agent else {}
        wh.conv(f"p{i}", t0.strftime(fmt), channel=channel, priority=prio, **kw)
        wh.msg(f"p{i}", t0.strftime(fmt))
        if reply is not None:
            at = (t0 + dt.timedelta(minutes=reply)).strftime(fmt)
            wh.msg(f"p{i}", at, "agent", agent or "a9")
        if resolve is not None:
            wh.ev(f"p{i}", (t0 + dt.timedelta(minutes=resolve)).strftime(fmt), "resolve")
    return wh


SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(conv_strategy, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(rows, rnd):
    order = list(range(len(rows)))
    shuffled = order[:]
    rnd.shuffle(shuffled)
    fams = ["volume", "first_response", "resolution", "missed"]
    a = metrics_table(query(_fill(rows, order).conn, by=["agent"]), families=fams)
    b = metrics_table(query(_fill(rows, shuffled).conn, by=["agent"]), families=fams)
    pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(conv_strategy)
def test_per_agent_counts_sum_to_total(rows):
    wh = _fill(rows, range(len(rows)))
    fams = ["volume", "first_response", "resolution", "missed"]
    total = metrics_table(query(wh.conn), families=fams).iloc[0]
    per = metrics_table(query(wh.conn, by=["agent"]), families=fams)
    for col in ("contacts", "first_response_count", "resolved", "answered", "missed"):
        assert per[col].sum() == total[col], col
    assert total["contacts"] == len(rows)


@SETTINGS
@given(conv_strategy, st.integers(1, 50_000))
def test_sla_attainment_in_unit_interval(rows, target):
    wh = _fill(rows, range(len(rows)))
    opts = MetricOptions(sla_first_response_s=target, sla_resolution_s=target)
    df = sla(query(wh.conn, opts, by=["channel"])).df()
    att = df["attainment"].dropna()
    assert ((att >= 0) & (att <= 1)).all()
    assert (df["met"] + df["breached"] + df["pending"] > 0).all()
