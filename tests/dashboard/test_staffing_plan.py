"""One plan, four callers: ``supportstats plan``, the dashboard's loader and page, and the demo
make the same plan for the same inputs, because all call ``supportstats.planning.plan``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest

from dashboards import data
from supportstats.demo import DEMO_QUEUE, demo_plan
from supportstats.planning.plan import StaffingTargets, plan_summary

# The chat preset (StaffingTargets.chat()) as the CLI's options.
CHAT_OPTIONS = ["--sl-target", "0.8", "--sl-threshold-s", "60", "--max-occupancy", "0.85",
                "--shrinkage", "0.3", "--patience-s", "90", "--concurrency", "3"]  # fmt: skip
COLUMNS = ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled",
           "service_level", "abandon_probability"]  # fmt: skip


@pytest.fixture(scope="module")
def cli_plan(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    from typer.testing import CliRunner

    from supportstats.cli import app

    out = tmp_path_factory.mktemp("plan") / "plan.csv"
    args = ["plan", "--db", str(sample_db), "--queue", DEMO_QUEUE, "--horizon", "24h",
            *CHAT_OPTIONS, "--output", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(out, parse_dates=["interval_start"])


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    left, right = left[COLUMNS].reset_index(drop=True), right[COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-12)


def test_cli_dashboard_loader_and_demo_make_the_same_plan(sample_db, cli_plan):
    assert StaffingTargets.chat() == StaffingTargets(
        sl_target=0.8, sl_threshold_s=60, max_occupancy=0.85, shrinkage=0.3, patience_s=90,
        concurrency=3,
    )  # fmt: skip
    _forecast, dashboard = data.load_plan(
        data.Source.of(sample_db), DEMO_QUEUE, StaffingTargets.chat()
    )
    assert len(cli_plan) == len(dashboard) == 48
    same(cli_plan, dashboard)
    # the demo prints the busy intervals of the same plan
    busy = cli_plan[cli_plan["volume"] >= 0.5]
    assert len(busy) > 10
    same(busy, demo_plan(sample_db))


def test_staffing_page_shows_the_cli_plan(sample_db, cli_plan, use_db):  # noqa: ANN001
    use_db(sample_db)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception
    summary = plan_summary(cli_plan)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Agent-hours scheduled"] == f"{summary.agent_hours_scheduled:,.1f}"
    assert tiles["Peak agents scheduled"] == str(summary.peak_agents_scheduled)
    assert tiles["Peak agents on the floor"] == str(summary.peak_agents_raw)
    shown = at.dataframe[0].value
    assert shown["agents_scheduled"].tolist() == cli_plan["agents_scheduled"].tolist()
