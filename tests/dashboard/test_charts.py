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
    assert fig.layout.shapes[0].x0 == pytest.approx(median / 60)
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
