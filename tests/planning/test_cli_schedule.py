"""``supportstats schedule``: the CLI contract (files, columns, JSON keys) and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from supportstats.cli import app

DAY = pd.date_range("2026-01-05", periods=48, freq="30min")
JSON_KEYS = {"required_agent_hours", "scheduled_agent_hours", "lp_bound_agent_hours",
             "over_staffing_pct", "uncovered_intervals", "status", "team_lead_hours"}  # fmt: skip


def run(*args: object):
    return CliRunner().invoke(app, ["schedule", *map(str, args)], catch_exceptions=False)


def one_error(result, message: str) -> None:  # noqa: ANN001
    """A bad input: exit 2, one Error line naming the problem, one Hint line, no traceback."""
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1].startswith("Hint: "), result.stderr
    assert lines[0].startswith("Error: ") and message in lines[0], lines[0]


@pytest.fixture
def day_csv(tmp_path: Path) -> Path:
    """2 agents 08:00-16:00, 3 agents 16:00-24:00 (30-minute intervals, one day)."""
    need = np.zeros(48, dtype=int)
    need[16:32], need[32:] = 2, 3
    path = tmp_path / "req.csv"
    frame = pd.DataFrame(
        {"interval_start": DAY.strftime("%Y-%m-%d %H:%M"), "agents_required": need}
    )
    frame.to_csv(path, index=False)
    return path


def test_files_and_json_follow_the_contract(day_csv: Path, tmp_path: Path):
    shifts, coverage = tmp_path / "shifts.csv", tmp_path / "coverage.csv"
    result = run(day_csv, "--shift", "8h", "--break", "0", "--time-limit", "10",
                 "--output", shifts, "--coverage", coverage, "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert JSON_KEYS <= set(out)
    assert out["status"] == "optimal" and out["uncovered_intervals"] == 0
    assert out["required_agent_hours"] == out["scheduled_agent_hours"] == 40.0
    assert out["lp_bound_agent_hours"] == 40.0 and out["over_staffing_pct"] == 0.0
    # 2 agents 08:00-16:00 and 3 agents 16:00-24:00: 1 lead each interval
    assert out["team_lead_hours"] == 16.0
    table = pd.read_csv(shifts, keep_default_na=False)
    assert list(table.columns) == ["day", "start", "end", "break_start", "agents"]
    assert table.values.tolist() == [["2026-01-05", "08:00", "16:00", "", 2],
                                     ["2026-01-05", "16:00", "00:00", "", 3]]  # fmt: skip
    cover = pd.read_csv(coverage)
    assert list(cover.columns[:4]) == ["interval_start", "required", "scheduled", "team_leads"]
    assert len(cover) == 48 and (cover["scheduled"] == cover["required"]).all()
    assert out["shift_table"][0] == {"day": "2026-01-05", "start": "08:00", "end": "16:00",
                                     "break_start": "", "agents": 2}  # fmt: skip
    assert "Wrote 2 rows" in result.stderr


def test_csv_goes_to_stdout_and_the_figures_to_stderr(day_csv: Path):
    result = run(day_csv, "--shift", "8h", "--break", "0", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "day,start,end,break_start,agents"
    assert "Schedule optimal: 5 shifts" in result.stderr


def test_a_plan_with_several_queues_is_summed(tmp_path: Path):
    need = np.zeros(48, dtype=int)
    need[16:32] = 1
    chat = pd.DataFrame({"interval_start": DAY, "queue": "chat", "agents_scheduled": need,
                         "volume": 3.0, "agents_raw": need})  # fmt: skip
    plan = pd.concat([chat, chat.assign(queue="email", agents_scheduled=2 * need)])
    path = tmp_path / "plan.csv"
    plan.to_csv(path, index=False)
    both = json.loads(run(path, "--shift", "8h", "--break", "0", "-f", "json").stdout)
    assert [(s["start"], s["agents"]) for s in both["shift_table"]] == [("08:00", 3)]
    email = run(path, "--shift", "8h", "--break", "0", "--queue", "email", "-f", "json")
    assert [s["agents"] for s in json.loads(email.stdout)["shift_table"]] == [2]
    one_error(run(path, "--queue", "voice"), "no rows for queue 'voice'")


def test_closed_hours_are_reported_not_an_error(day_csv: Path):
    result = run(day_csv, "--shift", "4h", "--break", "0", "--open", "08:00-22:00", "-f", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "partial"
    assert out["uncovered_intervals"] == 4 and out["uncovered_agent_hours"] == 6.0
    assert (
        "4 intervals (6.0 agent-hours, first at 2026-01-05 22:00:00) are not covered"
        in " ".join(result.stderr.split())
    )


def test_roster_step(day_csv: Path, tmp_path: Path):
    agents = tmp_path / "agents.csv"
    team = pd.DataFrame({"name": ["Ann", "Bob", "Cy", "Di", "Ed"],
                         "days_off": ["", "", "", "Mon", ""],
                         "earliest_start": ["", "", "12:00", "", ""]})  # fmt: skip
    team.to_csv(agents, index=False)
    roster = tmp_path / "roster.csv"
    result = run(day_csv, "--shift", "8h", "--break", "0", "--agents", agents,
                 "--roster", roster, "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    # 5 shifts, Di is off: Ann and Bob take either start, Cy only 16:00, Ed the rest; one left
    assert out["assigned_shifts"] == 4 and out["unassigned_shifts"] == 1
    table = pd.read_csv(roster, keep_default_na=False)
    assert list(table.columns) == ["name", "day", "start", "end", "break_start"]
    assert "Di" not in set(table["name"])
    assert table.loc[table["name"] == "Cy", "start"].tolist() == ["16:00"]
    assert "1 shifts left unassigned" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shift", "8x"], "--shift: '8x' is not a duration"),
        (["--shift", "8h", "--break-window", "2h-9h"], "--break-window: break window 2h-9h is "
         "longer than the 8h shift"),
        (["--break", "1h", "--break-window", "2h-2h30m"], "--break: break 1h is longer than the "
         "break window 2h-2h30m"),
        (["--shift", "8h30m", "--open", "08:00-12:00"], "--open: no shift fits the opening hours "
         "08:00-12:00"),
        (["--open", "8-20"], "--open: '8' is not a time of day"),
        (["--agents", "a.csv"], "--agents and --roster go together"),
        (["--lead-span", "30"], "--lead-span: lead span 30 is outside 8 to 15"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line(day_csv: Path, args: list[str], message: str):
    one_error(run(day_csv, *args), message)


def test_bad_files_are_one_line(tmp_path: Path):
    path = tmp_path / "neg.csv"
    pd.DataFrame({"interval_start": DAY, "agents_required": [1] * 5 + [-2] + [1] * 42}).to_csv(
        path, index=False
    )
    one_error(run(path), f"{path}: row 6, column agents_required: -2 is negative")
    uneven = tmp_path / "uneven.csv"
    pd.DataFrame({"interval_start": ["2026-01-05 08:00", "2026-01-05 08:30", "2026-01-05 08:50"],
                  "agents_required": [1, 1, 1]}).to_csv(uneven, index=False)  # fmt: skip
    one_error(run(uneven), "not a regular grid")
    one_error(run(tmp_path / "missing.csv"), "no such file")


def test_a_bad_agents_file_is_one_line(day_csv: Path, tmp_path: Path):
    agents = tmp_path / "agents.csv"
    pd.DataFrame({"name": ["Ann", "Bob"], "days_off": ["Sat", "Funday"]}).to_csv(
        agents, index=False
    )
    result = run(day_csv, "--agents", agents, "--roster", tmp_path / "roster.csv")
    one_error(result, f"{agents}: row 2, column days_off: 'funday' is not a weekday or a date")
    pd.DataFrame({"name": ["Ann"], "max_hours": [-4]}).to_csv(agents, index=False)
    result = run(day_csv, "--agents", agents, "--roster", tmp_path / "roster.csv")
    one_error(result, f"{agents}: row 1, column max_hours: -4 is negative")


def test_help_names_what_each_option_takes_and_gives_an_example():
    result = CliRunner().invoke(app, ["schedule", "--help"], terminal_width=120)
    assert result.exit_code == 0
    for shown in ("--shift DURATION", "--break-window FROM-TO", "--open HH:MM-HH:MM",
                  "--time-limit SECONDS", "Example: supportstats schedule"):  # fmt: skip
        assert shown in result.stdout, shown
