"""The Staffing page plans every queue (issue 17, part 1): "All queues" plans each queue at its
channel's preset, e-mail starts at the backlog model, and the timezone moves the clock."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest

from dashboards import data
from supportstats.planning.plan import RosterRules, queue_summary

QUEUES = {"generic:Web chat", "generic:Email", "generic:WhatsApp"}


@pytest.fixture
def at(sample_db: Path, use_db) -> AppTest:  # noqa: ANN001
    use_db(sample_db)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception, at.exception
    return at


def test_all_queues_are_planned_as_the_library_plans_them(at: AppTest, sample_db: Path) -> None:
    at.selectbox(key="staff_queue").set_value("*").run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    _forecast, plan = data.load_plan(data.Source.of(sample_db), None, None, rules=RosterRules())
    expected = queue_summary(plan)
    assert set(shown["queue"]) == QUEUES
    pd.testing.assert_frame_equal(
        shown.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )
    table = at.dataframe[1].value  # the summary, then the plan (the shifts' table after)
    assert set(table["queue"]) == QUEUES and len(table) == 3 * 48


def test_email_starts_at_the_backlog_model_and_the_clock_follows_the_timezone(
    at: AppTest,
) -> None:
    at.selectbox(key="staff_queue").set_value("generic:Email").run()
    assert not at.exception, at.exception
    assert at.radio(key="staff_model").value == "Backlog"
    table = at.dataframe[0].value
    assert (table["agents_scheduled"] > 0).any() and table["service_level"].isna().all()
    first_utc = pd.Timestamp(table["interval_start"].iloc[0])
    at.selectbox(key="staff_timezone").set_value("Asia/Kolkata").run()
    assert not at.exception, at.exception
    local = at.dataframe[0].value
    assert pd.Timestamp(local["interval_start"].iloc[0]) == first_utc + pd.Timedelta("5h30min")
    at.text_input(key="staff_open").set_value("25:00").run()
    assert at.error and "is not HH" in at.error[0].value


def test_a_chat_queue_says_how_well_its_model_described_the_history(
    at: AppTest, sample_db: Path
) -> None:
    """The chat queue's page carries ``supportstats plan``'s model check (the library's
    sentence for the queue's preset); the e-mail queue (backlog model) has none."""
    from supportstats.db import connect
    from supportstats.planning.backtest import model_check
    from supportstats.planning.plan import StaffingTargets

    at.selectbox(key="staff_queue").set_value("generic:Web chat").run()
    assert not at.exception, at.exception
    checks = [c.value for c in at.caption if c.value.startswith("Model check: ")]
    with connect(sample_db, read_only=True) as conn:
        expected = model_check(conn, "generic:Web chat", targets=StaffingTargets.chat())
    assert expected is not None
    assert checks == [f"Model check: {expected.model_line()} (supportstats backtest)."]
    at.selectbox(key="staff_queue").set_value("generic:Email").run()
    assert not [c for c in at.caption if c.value.startswith("Model check: ")]
