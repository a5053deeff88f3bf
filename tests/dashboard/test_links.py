"""Drill-down from a chart (issue 16): the points a chart carries (``charts.drill_data`` as
``customdata``) and the Conversations page's query string for a selection of them
(``links.drill_query``), without a browser."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards import data, links
from supportstats import charts

SEL = data.Selection(
    start="2026-01-08",
    end="2026-01-14",
    channels=("chat", "email"),
    options=(("clock", "business"),),
    team=("generic:tickets",),
)


def point(*pairs: str) -> dict:
    """A point as Streamlit reports it (event.selection.points)."""
    return {"curve_number": 0, "point_index": 0, "x": 1, "y": 2, "customdata": list(pairs)}


def test_a_day_and_channel_bar_sets_the_period_and_the_channel() -> None:
    got = links.drill_query(SEL, [point("day=2026-01-09", "channel=chat")])
    assert got == {"from": ["2026-01-09"], "to": ["2026-01-09"], "channel": ["chat"],
                   "team": ["generic:tickets"], "clock": ["business"]}  # fmt: skip


def test_an_agent_bar_adds_the_agent_and_keeps_the_rest() -> None:
    got = links.drill_query(SEL, [point("agent=generic:agent_01")])
    assert got == {"from": ["2026-01-08"], "to": ["2026-01-14"], "channel": ["chat", "email"],
                   "team": ["generic:tickets"], "agent": ["generic:agent_01"],
                   "clock": ["business"]}  # fmt: skip
    # an agent bar of one channel kind's panel: that kind's channels only
    got = links.drill_query(SEL, [point("agent=generic:agent_01", "channel=chat", "channel=voice")])
    assert got["channel"] == ["chat", "voice"] and got["agent"] == ["generic:agent_01"]


def test_several_points_span_their_days_within_the_period_and_any_of_their_values() -> None:
    got = links.drill_query(
        SEL,
        [point("day=2026-01-12", "channel=email"), point("day=2026-01-09", "channel=chat"),
         point("day=2026-01-12", "channel=chat")],
    )  # fmt: skip
    assert (got["from"], got["to"], got["channel"]) == (["2026-01-09"], ["2026-01-12"],
                                                        ["email", "chat"])  # fmt: skip
    # a week or month point: its days, clipped to the sidebar's period
    got = links.drill_query(SEL, [point("week=2026-01-05")])
    assert (got["from"], got["to"]) == (["2026-01-08"], ["2026-01-11"])
    got = links.drill_query(SEL, [point("month=2026-01-01")])
    assert (got["from"], got["to"]) == (["2026-01-08"], ["2026-01-14"])


def test_nothing_to_drill() -> None:
    assert links.drill_query(SEL, []) is None
    assert links.drill_query(SEL, [{"x": 1, "y": 2}]) is None  # no customdata
    assert links.drill_query(SEL, [point("heat=3", "day=not a date")]) is None
    # a single customdata string (a one-column customdata) is read too
    got = links.drill_query(SEL, [{"customdata": "team=generic:chat"}])
    assert got["team"] == ["generic:chat"]


def test_drill_data_is_one_name_value_list_per_point() -> None:
    assert charts.drill_data(day=[dt.date(2026, 1, 9), pd.Timestamp("2026-01-10")],
                             channel=["chat", None]) == [
        ["day=2026-01-09", "channel=chat"], ["day=2026-01-10"]]  # fmt: skip


def _customdata(fig) -> list[list[str]]:  # noqa: ANN001
    return [list(row) for trace in fig.data for row in (trace.customdata or ())]


def test_charts_that_drill_down_carry_their_keys() -> None:
    daily = pd.DataFrame(
        {"day": [dt.date(2026, 1, 8), dt.date(2026, 1, 8), dt.date(2026, 1, 9)],
         "channel": ["chat", "email", "chat"], "contacts": [5, 3, 4],
         "wait_mean_s": [30.0, 50.0, 40.0]}
    )  # fmt: skip
    volume = _customdata(charts.volume_by_channel(daily))
    assert ["day=2026-01-08", "channel=chat"] in volume and len(volume) == 3
    # each point of a trend, incomplete ones too
    trend = charts.kpi_trend(daily.assign(incomplete=["", "", "last day"]), "wait_mean_s")
    assert all(row[0].startswith("day=") for row in _customdata(trend))
    assert len(trend.data) == 2 and all(t.customdata is not None for t in trend.data)
    report = pd.DataFrame({"agent_key": ["generic:a1", "generic:a2", None],
                           "agent": ["Ana", "Luis", None], "conversations": [3, 4, 1]})  # fmt: skip
    assert sorted(_customdata(charts.agent_bars(report, "conversations"))) == [
        ["agent=generic:a1"], ["agent=generic:a2"]]  # fmt: skip
    split = charts.agent_bars_by_kind(
        {"Live chat and calls": report, "Tickets and e-mail": report}, "conversations",
        channels={"Live chat and calls": ("chat",), "Tickets and e-mail": ("email",)},
    )  # fmt: skip
    assert ["agent=generic:a1", "channel=chat"] in _customdata(split)
    assert ["agent=generic:a1", "channel=email"] in _customdata(split)
    sla = pd.DataFrame({"channel": ["chat", "chat", "email"], "metric": ["first_response"] * 3,
                        "sla_priority": ["high", "low", "high"], "met": [3, 2, 1],
                        "breached": [1, 0, 1], "pending": [0, 0, 0],
                        "attainment": [0.75, 1.0, 0.5]})  # fmt: skip
    fig = charts.sla_attainment(sla, "channel")
    assert _customdata(fig) == [["channel=chat"], ["channel=chat"], ["channel=email"]]
    assert list(fig.data[0].x) == ["chat · high", "chat · low", "email · high"]
