"""Issue 17, part 1: every queue planned, the backlog model for e-mail, local time, roster
rules (minimum, smoothing, team leads) and the forecast/plan CLI contract."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.planning import PlanningInputError
from supportstats.planning.backlog import backlog_staffing
from supportstats.planning.plan import (
    RosterRules,
    StaffingTargets,
    floor_agents,
    forecast_queues,
    localise,
    plan_every_queue,
    plan_summary,
    queue_summary,
    staffing_for_forecast,
    team_leads,
)
from supportstats.planning.requirement import close_dips, rosterable

DEMO_QUEUES = {"generic:Web chat", "generic:Email", "generic:WhatsApp"}

# --- the backlog model: known answers computed by hand -----------------------------------------


def test_backlog_work_is_done_by_its_deadline_and_carried_until_then():
    # 30-minute intervals, 1 h deadline (k = 2), 1,800 s of work per agent and interval.
    # Interval 0's 3,600 s are due by the end of interval 2, interval 1's 1,800 s by the end
    # of interval 3: 2 agents in interval 2 (3,600 s), 1 in interval 3 (the last 1,800 s).
    plan = backlog_staffing(np.array([3600.0, 1800.0, 0, 0, 0]), 1800.0, 3600.0)
    assert plan.agents.tolist() == [0, 0, 2, 1, 0]
    assert plan.backlog_s.tolist() == [3600.0, 5400.0, 1800.0, 0.0, 0.0]
    assert plan.due_s.tolist() == [0.0, 0.0, 3600.0, 1800.0, 0.0]


def test_backlog_deadline_runs_in_opening_hours():
    # Closed for two intervals; 30-minute deadline (k = 1); 50 % occupancy: 900 s per agent.
    # Work of the closed intervals counts as arriving at the opening (interval 2), so all
    # 4,500 s are due by the end of interval 3: 4,500 / 900 = 5 agents there, none before.
    plan = backlog_staffing(
        np.array([1800.0, 1800.0, 900.0, 0.0, 0.0]), 1800.0, 1800.0, max_occupancy=0.5,
        open_=np.array([False, False, True, True, True]),
    )  # fmt: skip
    assert plan.agents.tolist() == [0, 0, 0, 5, 0]
    assert plan.backlog_s.tolist() == [1800.0, 3600.0, 4500.0, 0.0, 0.0]


def test_backlog_rounding_surplus_clears_newer_work_early():
    # k = 0 (deadline shorter than an interval): each interval's 1,000 s in the same interval;
    # one agent (1,800 s) each time, never more than the work there is.
    plan = backlog_staffing(np.array([1000.0, 1000.0, 1000.0]), 1800.0, 600.0)
    assert plan.agents.tolist() == [1, 1, 1] and plan.done_s.tolist() == [1000.0] * 3
    # Two queues at once (rows), each with its own deadline.
    both = backlog_staffing(np.array([[3600.0, 0, 0], [3600.0, 0, 0]]), 1800.0, [0.0, 1800.0])
    assert both.agents.tolist() == [[2, 0, 0], [0, 2, 0]]


def test_backlog_plan_starts_with_the_backlog_of_a_repeating_day():
    # A steady day: 900 s of work every half hour, 1 h deadline, no occupancy cap. Without
    # the warm-up the first two intervals would have nothing due (0, 0, 1, 0, ...); with it
    # the first interval clears the 900 s that arrived an hour before. One agent (1,800 s)
    # clears that and the 900 s just arrived, so the next has nothing due: 1/0/1/0, exactly
    # the 24 agent-half-hours of the day's 43,200 s; the smoothing makes it 1 all day.
    day = pd.DataFrame({
        "interval_start": pd.date_range("2026-03-02", periods=48, freq="30min"),
        "volume": 1.5, "aht_s": 600.0,
    })  # fmt: skip
    targets = StaffingTargets.for_channel("email", max_occupancy=1.0, shrinkage=0.0)
    plan = staffing_for_forecast(day, targets)
    assert (plan["model"] == "backlog").all() and plan["agents_raw"].tolist() == [1, 0] * 24
    assert plan["backlog_s"].tolist() == pytest.approx([900.0, 1800.0] * 24)
    assert plan["agents_scheduled"].tolist() == [1] * 47 + [0]  # the last has no right side
    assert plan["service_level"].isna().all() and plan["asa_s"].isna().all()


# --- roster rules -------------------------------------------------------------------------------


def test_minimum_and_smoothing_known_answer():
    # Minimum 1 where open with work (the first five), then dips up to 1 h closed (window 3).
    agents = np.array([0, 2, 0, 2, 0, 0, 0, 0])
    active = np.array([True] * 5 + [False] * 3)
    out = rosterable(agents, open_=np.ones(8, bool), active=active, min_agents=1, window=3)
    assert out.tolist() == [1, 2, 2, 2, 1, 0, 0, 0]
    # A peak is not widened; a dip of three intervals is not a flicker of 1 h: kept.
    assert close_dips(np.array([0, 0, 3, 0, 0]), 3).tolist() == [0, 0, 3, 0, 0]
    assert close_dips(np.array([2, 0, 0, 0, 2]), 3).tolist() == [2, 0, 0, 0, 2]
    assert close_dips(np.array([2, 2, 0, 0, 0, 2, 2]), 5).tolist() == [2] * 7
    # Closed intervals stay at 0 whatever the minimum.
    shut = rosterable(agents, open_=np.zeros(8, bool), active=active, min_agents=3, window=3)
    assert shut.tolist() == [0] * 8


def test_night_flicker_is_smoothed_in_the_plan():
    # A quiet night of chat: a third of a contact every other half hour -> 2/0/2/0 agents.
    night = pd.DataFrame({
        "interval_start": pd.date_range("2026-03-02", periods=8, freq="30min"),
        "volume": [0.34, 0.0] * 4, "aht_s": 600.0,
    })  # fmt: skip
    plan = staffing_for_forecast(night, StaffingTargets.chat())
    assert plan["agents_unsmoothed"].tolist() == [2, 0, 2, 0, 2, 0, 2, 0]
    assert plan["agents_scheduled"].tolist() == [2, 2, 2, 2, 2, 2, 2, 0]
    off = staffing_for_forecast(night, StaffingTargets.chat(), rules=RosterRules(smooth=None))
    assert off["agents_scheduled"].tolist() == off["agents_unsmoothed"].tolist()
    opened = staffing_for_forecast(
        night, StaffingTargets.chat(), rules=RosterRules(open_hours="01:00-03:00", min_agents=3)
    )
    # open 01:00-03:00 (intervals 2-5); the minimum where there is work (2 and 4), the dip at
    # 3 filled; 5 has no work and no right side in opening hours: 0
    assert opened["agents_scheduled"].tolist() == [0, 0, 3, 3, 3, 0, 0, 0]
    assert (opened["binding_constraint"][~opened["open"]] == "closed").all()


def test_team_leads_one_per_span_agents():
    assert team_leads(np.array([0, 1, 12, 13, 25]), 12).tolist() == [0, 1, 1, 2, 3]
    assert team_leads(np.array([8, 9, 16, 17]), 8).tolist() == [1, 2, 2, 3]
    for span in (7, 16):
        with pytest.raises(PlanningInputError, match="outside 8 to 15"):
            team_leads(np.array([1]), span)
    plan = staffing_for_forecast(
        pd.DataFrame({"volume": [100.0, 300.0], "aht_s": 180.0}),
        StaffingTargets(shrinkage=0.3),
        rules=RosterRules(lead_span=10, smooth=None),
    )
    expected = -(-plan["agents_scheduled"] // 10)
    assert plan["team_leads"].tolist() == expected.tolist() and expected.iloc[0] == 2


# --- local time -------------------------------------------------------------------------------


def test_forecast_grid_is_local_across_a_dst_change():
    # One contact at 09:05 Berlin time every day of March 2026 up to the 27th: 08:05 UTC.
    days = pd.date_range("2026-03-02", "2026-03-27", freq="D")
    contacts = pd.DataFrame({
        "queue_key": "q", "channel": "email", "handle_s": 300.0,
        "created_at": (days + pd.Timedelta(hours=8, minutes=5)).tz_localize("UTC"),
    })  # fmt: skip
    result = forecast_queues(
        contacts, horizon="4d", timezone="Europe/Berlin", now=pd.Timestamp("2026-04-01")
    )
    frame = result.forecast
    assert list(frame.columns[:4]) == ["interval_start", "utc_offset", "queue", "channel"]
    on = frame[frame["interval_start"].dt.date == pd.Timestamp("2026-03-29").date()]
    # The clocks go forward at 02:00: 46 half hours that day, none at 02:00 or 02:30.
    assert len(on) == 46 and not on["interval_start"].dt.hour.eq(2).any()
    assert set(on["utc_offset"]) == {"UTC+01:00", "UTC+02:00"}
    # The contact stays at 09:00 on the wall clock after the change (07:00 UTC on the 30th).
    after = frame[frame["interval_start"] == pd.Timestamp("2026-03-30 09:00")]
    assert after["volume"].iloc[0] == pytest.approx(1.0)
    assert after["utc_offset"].iloc[0] == "UTC+02:00"
    # Back in October the hour from 02:00 is there twice, told apart by its offset.
    autumn = pd.DataFrame({"interval_start": pd.date_range("2026-10-24 22:00", periods=50,
                                                           freq="30min")})  # fmt: skip
    local = localise(autumn, "Europe/Berlin")
    twice = local[local["interval_start"] == pd.Timestamp("2026-10-25 02:00")]
    assert twice["utc_offset"].tolist() == ["UTC+02:00", "UTC+01:00"]


def test_plan_summary_keeps_the_repeated_hour_of_a_dst_change_apart():
    # Europe/Berlin falls back at 03:00 on 2026-10-25: 02:00 and 02:30 happen twice. The two
    # 02:00 intervals (5 agents each) are two intervals, not one of 10 agents.
    utc = pd.date_range("2026-10-25 00:00", periods=4, freq="30min")  # 02:00, 02:30 twice
    plan = localise(pd.DataFrame({"interval_start": utc}), "Europe/Berlin").assign(
        queue="q", volume=[4.0, 3.0, 2.0, 1.0], interval_s=1800.0, agents_scheduled=5,
        agents_raw=4,
    )  # fmt: skip
    summary = plan_summary(plan)
    assert summary.intervals == 4
    assert summary.peak_agents_scheduled == 5 and summary.peak_agents_raw == 4
    assert summary.busiest_volume == 4.0
    assert summary.busiest_start == pd.Timestamp("2026-10-25 02:00")


def test_week_table_shows_the_repeated_hour_once_not_summed():
    from supportstats.cli.plan import week_table

    # 02:00 Berlin happens twice on 2026-10-25 (3 then 5 agents, two queues of the first):
    # the table shows the busier interval, 5, never 3 + 5.
    utc = pd.date_range("2026-10-25 00:00", periods=4, freq="30min")
    local = localise(pd.DataFrame({"interval_start": utc}), "Europe/Berlin")
    plan = pd.concat([
        local.assign(queue="a", agents_scheduled=[2, 1, 5, 1]),
        local.assign(queue="b", agents_scheduled=[1, 1, 0, 1]),
    ])  # fmt: skip
    table = week_table(plan).set_index("time")["Sun 10-25"]
    assert table.to_dict() == {"02:00": 5, "02:30": 2}


def test_floor_agents_and_leads_keep_the_repeated_hour_apart():
    # Two queues of 7 and 6 agents at each of Berlin's two 02:00 intervals on 2026-10-25:
    # 13 agents on the floor each time (2 leads at a span of 12), never 26 (3 leads).
    utc = pd.date_range("2026-10-25 00:00", periods=4, freq="30min")
    local = localise(pd.DataFrame({"interval_start": utc}), "Europe/Berlin")
    plan = pd.concat([local.assign(queue="a", agents_scheduled=7),
                      local.assign(queue="b", agents_scheduled=6)])  # fmt: skip
    floor = floor_agents(plan)
    assert floor.tolist() == [13, 13, 13, 13]
    assert int(team_leads(floor.max(), 12)) == 2


def test_rows_without_a_queue_are_planned_as_the_pooled_queue():
    # A plan CSV of the pooled queue read back has NaN in `queue`: its rows are staffed like
    # any other (10 chats of 300 s at the default targets: 4 agents), never dropped.
    starts = pd.date_range("2026-01-05 09:00", periods=3, freq="30min")
    frame = pd.DataFrame({
        "interval_start": [*starts, *starts], "queue": [np.nan] * 3 + ["a"] * 3,
        "volume": 10.0, "aht_s": 300.0,
    })  # fmt: skip
    plan = staffing_for_forecast(frame)
    assert len(plan) == 6 and plan["queue"].tolist() == [""] * 3 + ["a"] * 3
    assert plan["agents_unsmoothed"].tolist() == [4] * 6
    assert plan["agents_scheduled"].tolist() == [4] * 6


def test_summaries_of_a_plan_with_repeated_index_labels():
    # Two queues' forecasts concatenated keep their index labels 0-2 each: the busiest row is
    # still one row (queue b, 12 contacts at 09:30), not every row labelled 1.
    starts = pd.date_range("2026-01-05 09:00", periods=3, freq="30min")
    a = pd.DataFrame({"interval_start": starts, "queue": "a", "volume": [5.0, 10.0, 5.0],
                      "aht_s": 300.0})  # fmt: skip
    plan = staffing_for_forecast(pd.concat([a, a.assign(queue="b", volume=[5.0, 12.0, 5.0])]))
    row = plan_summary(plan).busiest_row
    assert isinstance(row, pd.Series) and (row["queue"], row["volume"]) == ("b", 12.0)
    assert queue_summary(plan)["peak_agents_scheduled"].tolist() == [4, 4]


# --- the demo warehouse: every queue ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from supportstats.demo import build_demo_warehouse

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_warehouse(db)
    return db


def test_every_queue_of_the_demo_is_planned(demo_db: Path):
    from supportstats.db import open_warehouse
    from supportstats.planning.history import contact_history

    with open_warehouse(demo_db, read_only=True) as conn:
        contacts = contact_history(conn)
    # Offered contacts per queue: every e-mail and WhatsApp conversation, not only chat.
    assert contacts["queue_key"].value_counts().to_dict() == {
        "generic:Web chat": 3286, "generic:Email": 1828, "generic:WhatsApp": 886,
    }  # fmt: skip
    email = contacts[contacts["queue_key"] == "generic:Email"]
    assert (email["handle_basis"] == "agent_replies").all() and email["answered"].all()
    result = plan_every_queue(
        contacts, horizon="7d", timezone="Europe/Madrid", rules=RosterRules("08:00-20:00")
    )
    plan = result.plan
    assert set(plan["queue"]) == DEMO_QUEUES
    assert plan.groupby("queue").size().to_dict() == dict.fromkeys(DEMO_QUEUES, 7 * 48)
    models = plan.groupby("queue")["model"].first().to_dict()
    assert models == {"generic:Web chat": "erlang_a", "generic:Email": "backlog",
                      "generic:WhatsApp": "backlog"}  # fmt: skip
    mail = plan[plan["queue"] == "generic:Email"]
    opened = mail[mail["open"]]
    # E-mail is staffed in opening hours: every day, and in most open half hours.
    assert (opened.groupby(opened["interval_start"].dt.date)["agents_scheduled"].sum() > 0).all()
    assert (opened["agents_scheduled"] > 0).mean() > 0.8
    assert (mail.loc[~mail["open"], "agents_scheduled"] == 0).all()
    assert (plan["agents_scheduled"] >= 0).all() and (plan["team_leads"] >= 0).all()


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_queue_and_timezone(demo_db: Path, tmp_path: Path):
    db = str(demo_db)
    every = run("forecast", "--db", db, "--horizon", "1d", "-f", "csv")
    assert every.exit_code == 0, every.stderr
    assert set(pd.read_csv(io.StringIO(every.stdout))["queue"]) == DEMO_QUEUES
    assert every.stderr.count("Accuracy (") == 3
    two = run("forecast", "--db", db, "--horizon", "1d", "-f", "csv", "--queue", "generic:Email",
              "--queue", "generic:WhatsApp", "--timezone", "America/New_York")  # fmt: skip
    assert two.exit_code == 0, two.stderr
    frame = pd.read_csv(io.StringIO(two.stdout))
    assert set(frame["queue"]) == {"generic:Email", "generic:WhatsApp"} and len(frame) == 96
    assert set(frame["utc_offset"]) == {"UTC-05:00"}
    out = tmp_path / "plan.csv"
    plan = run("plan", "--db", db, "--horizon", "2d", "--queue", "generic:Email", "--open",
               "08:00-20:00", "--min-agents", "1", "--lead-span", "8", "--weeks", "2",
               "-o", str(out))  # fmt: skip
    assert plan.exit_code == 0, plan.stderr
    written = pd.read_csv(out)
    assert set(written["queue"]) == {"generic:Email"} and len(written) == 96
    assert (written.loc[written["open"], "agents_scheduled"] >= 1).all()
    # plan --weeks is forecast --weeks: the same two-week profile
    alone = run("forecast", "--db", db, "--horizon", "2d", "--queue", "generic:Email",
                "--weeks", "2", "-f", "csv")  # fmt: skip
    profile = pd.read_csv(io.StringIO(alone.stdout))["volume"]
    assert written["volume"].tolist() == pytest.approx(profile.tolist())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "--timezone", "Mars/Olympus"],
         "Error: --timezone 'Mars/Olympus' is not a known timezone"),
        (["plan", "-o", "{tmp}/p.csv", "--timezone", "Europe/Nowhere"],
         "Error: --timezone 'Europe/Nowhere' is not a known timezone"),
        (["plan", "-o", "{tmp}/p.csv", "--lead-span", "20"], "Error: --lead-span 20 is outside"),
        (["plan", "-o", "{tmp}/p.csv", "--open", "8-20"], "Error: --open '8-20' is not HH:MM"),
        (["plan", "-o", "{tmp}/p.csv", "--min-agents", "-1"], "Error: --min-agents -1 is outside"),
        (["plan", "-o", "{tmp}/p.csv", "--weeks", "0"], "Error: --weeks 0 is outside 1 to 260"),
    ],
)  # fmt: skip
def test_cli_bad_options_are_one_line_errors(demo_db: Path, tmp_path: Path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(*args, "--db", str(demo_db))
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(message) and lines[1].startswith("Hint: ")


def test_cli_unknown_queue_is_named(demo_db: Path):
    result = run("forecast", "--db", str(demo_db), "--queue", "generic:Fax")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no contacts in the warehouse for queue generic:Fax")


def test_demo_prints_every_queue(demo_db: Path):
    from supportstats.demo import demo_queues

    table = demo_queues(demo_db)
    assert set(table["queue"]) == DEMO_QUEUES
    assert (table["peak_agents_scheduled"] >= 1).all() and (table["contacts"] > 0).all()
    assert (table["team_leads_at_peak"] == -(-table["peak_agents_scheduled"] // 12)).all()


def test_plan_says_how_well_the_model_described_each_erlang_queue(demo_db: Path, tmp_path: Path):
    """The plan's service levels are only as good as the queueing model on this history: one
    ``Model check`` line per Erlang queue (the chat queue; e-mail and WhatsApp use the backlog
    model), the figures of ``backtest.model_check`` with the queue's preset."""
    from supportstats.db import connect
    from supportstats.planning.backtest import model_check

    result = run("plan", "--db", str(demo_db), "--horizon", "1d", "-o", str(tmp_path / "p.csv"))
    assert result.exit_code == 0, result.stderr
    checks = [line for line in result.stderr.splitlines() if line.startswith("Model check")]
    assert len(checks) == 1 and checks[0].startswith("Model check (generic:Web chat): ")
    with connect(demo_db, read_only=True) as conn:
        expected = model_check(conn, "generic:Web chat", targets=StaffingTargets.chat())
    assert expected is not None
    assert f"predicted {expected.predicted_sl:.1%}" in checks[0]
    assert f"{expected.observed_sl:.1%} were" in checks[0]
