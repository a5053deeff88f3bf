"""Figure builders on real report output: what each chart draws, and that it names its options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from supportstats import charts
from supportstats.db import open_warehouse
from supportstats.metrics import MetricOptions, metrics_table, query
from supportstats.metrics.conversations import conversations
from supportstats.planning import staff
from supportstats.reports import agent_report


@pytest.fixture(scope="module")
def frames(sample_db: Path) -> dict[str, pd.DataFrame]:
    options = MetricOptions(csat_formula="mean", wait_abandoned="include")
    with open_warehouse(sample_db, read_only=True) as conn:
        return {
            "hours": metrics_table(query(conn, by=["dow", "hour"]), families=["volume"]),
            "total": metrics_table(query(conn), families=["volume", "first_response"]),
            "daily": metrics_table(query(conn, options, by=["day"]), families=["csat", "wait"]),
            "by_day_channel": metrics_table(query(conn, by=["day", "channel"]), ["volume"]),
            "convs": conversations(query(conn)),
            "agents": agent_report(conn),
        }


def subtitle(fig) -> str:  # noqa: ANN001
    return fig.layout.title.subtitle.text.replace("<br>", " ")


def test_trend_names_the_options_of_its_metric(frames: dict[str, pd.DataFrame]) -> None:
    fig = charts.kpi_trend(frames["daily"], "csat_score", target=0.85)
    assert list(fig.data[0].y) == frames["daily"]["csat_score"].tolist()
    text = subtitle(fig)
    assert "csat_formula=mean" in text and "csat_ratings=latest" in text
    assert "wait_abandoned" not in text  # only the options that change this metric
    assert fig.layout.shapes[0].y0 == 0.85
    assert "wait_abandoned=include" in subtitle(charts.kpi_trend(frames["daily"], "wait_mean_s"))


def test_heatmap_is_monday_first_and_adds_up(frames: dict[str, pd.DataFrame]) -> None:
    fig = charts.volume_heatmap(frames["hours"])
    z = np.asarray(fig.data[0].z)
    assert z.shape == (7, 24)
    assert list(fig.data[0].y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert z.sum() == frames["total"]["contacts"].iloc[0]
    assert "timezone=UTC" in subtitle(fig)


def test_channel_bars_one_trace_per_channel(frames: dict[str, pd.DataFrame]) -> None:
    fig = charts.volume_by_channel(frames["by_day_channel"])
    assert sorted(t.name for t in fig.data) == ["chat", "email", "messaging"]
    assert sum(sum(t.y) for t in fig.data) == frames["total"]["contacts"].iloc[0]


def test_distribution_draws_the_reports_median(frames: dict[str, pd.DataFrame]) -> None:
    median = frames["total"]["first_response_median_s"].iloc[0]
    fig = charts.distribution(frames["convs"], "first_response_s", {"median": median})
    per, unit = charts.duration_unit([frames["convs"]["first_response_s"].quantile(0.99), median])
    assert fig.layout.shapes[0].x0 == pytest.approx(median / per)
    assert fig.layout.xaxis.title.text == f"First response ({unit})"
    assert len(fig.data[0].x) == frames["convs"]["first_response_s"].notna().sum()
    assert "frt_start=created" in subtitle(fig) and "bot_replies=exclude" in subtitle(fig)


def test_agent_bars_skip_the_unassigned_row(frames: dict[str, pd.DataFrame]) -> None:
    report = frames["agents"]
    fig = charts.agent_bars(report, "conversations")
    assert set(fig.data[0].y) == set(report["agent"].dropna())
    assert "attribution=credited" not in subtitle(fig)  # volume goes to the current assignee
    assert "period" in subtitle(fig)


def test_staffing_charts_name_their_inputs() -> None:
    plan = staff(
        pd.DataFrame(
            {
                "interval_start": pd.date_range("2026-01-05 08:00", periods=3, freq="30min"),
                "volume": [10.0, 40.0, 0.0],
                "interval_s": 1800.0,
                "aht_s": 600.0,
                "sl_target": 0.8,
                "sl_threshold_s": 60.0,
                "concurrency": 3,
                "shrinkage": 0.3,
            }
        )
    )
    fig = charts.staffing_plan(plan)
    assert list(fig.data[1].y) == plan["agents_scheduled"].tolist()
    assert plan["agents_raw"].iloc[2] == 0
    for part in ("model=erlang_c", "sl_target=80%", "concurrency=3", "shrinkage=30%"):
        assert part in subtitle(fig)
    curve = plan.iloc[[1] * 6].reset_index(drop=True).drop(columns=charts_outputs(plan))
    curve["agents"] = range(1, 7)
    fig = charts.sl_curve(staff(curve), sl_target=0.8)
    sl = list(fig.data[0].y)
    assert sl == sorted(sl)  # more agents, better service
    assert "volume=40 per interval" in subtitle(fig)


def charts_outputs(plan: pd.DataFrame) -> list[str]:
    from supportstats.planning import OUTPUT_COLUMNS

    return [c for c in OUTPUT_COLUMNS if c in plan]


def test_caption_without_options_says_so() -> None:
    assert "not recorded" in charts.options_caption(pd.DataFrame({"x": [1]}), ["x"])


def annotations(fig) -> list[str]:  # noqa: ANN001
    return [a.text for a in fig.layout.annotations]


def test_trend_target_label_reads_as_percent_and_durations_as_minutes() -> None:
    daily = pd.DataFrame(
        {
            "day": pd.date_range("2026-01-26", periods=3).date,
            "abandon_rate": [0.2, 0.25, 0.3],
            "wait_mean_s": [30.0, 700.0, 900.0],
        }
    )
    fig = charts.kpi_trend(daily, "abandon_rate", 0.235813)
    assert "target 23.6 %" in annotations(fig)  # was "target 0.235813"
    assert fig.layout.yaxis.tickformat == ".0%"
    fig = charts.kpi_trend(daily, "wait_mean_s", 120.0)
    assert fig.layout.yaxis.title.text == "Average wait (min)"
    assert list(fig.data[0].y) == [0.5, 700 / 60, 15.0]
    assert fig.layout.shapes[0].y0 == 2.0
    assert "target 2 min 00 s" in annotations(fig)
    assert list(fig.data[0].text) == ["30 s", "11 min 40 s", "15 min 00 s"]


def test_trend_marks_incomplete_days() -> None:
    daily = pd.DataFrame(
        {
            "day": pd.date_range("2026-01-30", periods=3).date,
            "abandon_rate": [0.2, 0.25, 1.0],
            "incomplete": [None, None, "data ends 20:46, 3 h 14 min before the day ends"],
        }
    )
    fig = charts.kpi_trend(daily, "abandon_rate")
    solid, dotted = fig.data
    assert np.isnan(solid.y[2]) and solid.y[1] == 0.25
    assert np.isnan(dotted.y[0]) and list(dotted.y[1:]) == [0.25, 1.0]  # dotted into the day
    assert dotted.line.dash == "dot"
    assert "incomplete: data ends 20:46" in dotted.text[2]
    assert "incomplete" in annotations(fig)
    band = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(band) == 1
    # no marks where every day is complete
    assert len(charts.kpi_trend(daily.iloc[:2], "abandon_rate").data) == 1


def test_distribution_axis_and_lines_in_readable_units() -> None:
    convs = pd.DataFrame({"first_response_s": [60.0, 3600.0, 20000.0, 44870.0]})
    fig = charts.distribution(convs, "first_response_s", {"median": 11800.0, "p90": 44870.0})
    assert fig.layout.xaxis.title.text == "First response (h)"
    assert "p90 12 h 28 min" in annotations(fig)  # was "p90 44,870 s" on a minutes axis
    assert fig.layout.shapes[1].x0 == pytest.approx(44870 / 3600)
    short = pd.DataFrame({"wait_s": [5.0, 20.0, 90.0]})
    fig = charts.distribution(short, "wait_s", {"median": 20.0})
    assert fig.layout.xaxis.title.text == "Wait in queue (s)"
    assert "median 20 s" in annotations(fig)


def test_distribution_split_by_channel_kind_with_their_own_axes_and_targets() -> None:
    """Chat first responses in seconds and e-mail in hours on one axis leave every chat in the
    first bar; one panel per kind keeps both readable, each against its kind's target."""
    live = pd.DataFrame({"first_response_s": [20.0, 40.0, 55.0, 150.0, None]})
    mail = pd.DataFrame({"first_response_s": [3600.0, 14400.0, 20000.0]})
    fig = charts.distribution_by_kind(
        {
            "Live chat and calls": (live, {"median": 47.5, "p90": 121.5}),
            "Tickets and e-mail": (mail, {"median": 14400.0}),
        },
        "first_response_s",
        {"Live chat and calls": 60.0, "Tickets and e-mail": 14400.0},
    )
    chat, email = fig.data
    assert chat.xaxis != email.xaxis  # each kind its own scale
    assert list(chat.x) == [20.0, 40.0, 55.0, 150.0]  # seconds, the empty value left out
    assert list(email.x) == pytest.approx([1.0, 4.0, 20000 / 3600])  # hours
    assert fig.layout.xaxis.title.text == "First response (s)"
    assert fig.layout.xaxis2.title.text == "First response (h)"
    texts = annotations(fig)
    assert "Live chat and calls" in texts and "Tickets and e-mail" in texts
    assert "target 1 min 00 s" in texts and "target 4 h 00 min" in texts
    assert "median 48 s" in texts and "median 4 h 00 min" in texts
    lines = {(s.xref, s.x0, s.line.dash) for s in fig.layout.shapes}
    assert ("x", 60.0, "dot") in lines  # the chat target, in seconds on the chat axis
    assert ("x2", 4.0, "dot") in lines  # the e-mail target, in hours on its own axis
    # no target (the wait distributions): the report's lines only
    fig = charts.distribution_by_kind(
        {"Live chat and calls": (live.rename(columns={"first_response_s": "wait_s"}), None)},
        "wait_s",
    )
    assert len(fig.data) == 1 and not [t for t in annotations(fig) if t.startswith("target")]


def test_distribution_by_kind_leaves_out_an_empty_kind() -> None:
    live = pd.DataFrame({"wait_s": [5.0, 20.0]})
    mail = pd.DataFrame({"wait_s": [None, None]})
    fig = charts.distribution_by_kind(
        {"Live chat and calls": (live, None), "Tickets and e-mail": (mail, None)}, "wait_s"
    )
    assert [t.name for t in fig.data] == ["Live chat and calls"]
    assert "Tickets and e-mail" not in annotations(fig)


def test_agent_bars_split_by_channel_kind_with_their_own_targets() -> None:
    live = pd.DataFrame(
        {"agent": ["Ana", "Bo", None], "first_response_median_s": [17.0, 40.0, 9.0]}
    )
    tickets = pd.DataFrame(
        {"agent": ["Cy", "Di", "Bo"], "first_response_median_s": [12448.0, 20000.0, None]}
    )
    fig = charts.agent_bars_by_kind(
        {"Live chat and calls": live, "Tickets and e-mail": tickets},
        "first_response_median_s",
        {"Live chat and calls": 60.0, "Tickets and e-mail": 14400.0},
    )
    chat, mail = fig.data
    assert list(chat.y) == ["Ana", "Bo"] and list(chat.x) == [17.0, 40.0]  # seconds
    assert list(mail.y) == ["Cy", "Di"]  # Bo has no e-mail first response
    assert list(mail.x) == pytest.approx([12448 / 3600, 20000 / 3600])  # hours
    assert chat.xaxis != mail.xaxis  # each panel its own scale
    assert fig.layout.xaxis.title.text == "First response, median (s)"
    assert fig.layout.xaxis2.title.text == "First response, median (h)"
    texts = annotations(fig)
    assert "target 1 min 00 s" in texts and "target 4 h 00 min" in texts
    assert list(mail.text) == ["3 h 27 min", "5 h 33 min"]


def test_agent_bars_say_their_values() -> None:
    report = pd.DataFrame({"agent": ["Ana", "Bo"], "csat_score": [0.9191, 0.8]})
    fig = charts.agent_bars(report, "csat_score", 0.85)
    assert list(fig.data[0].text) == ["80.0 %", "91.9 %"]
    assert "target 85.0 %" in annotations(fig)
