"""``supportstats sample`` and ``supportstats demo``."""

from __future__ import annotations

from pathlib import Path

import typer

from supportstats.cli._common import OutputFormat, WaitOption, emit_frame, reports_errors, stderr
from supportstats.errors import OptionError

# supportstats.sample and supportstats.demo (numpy, pandas, duckdb) are imported inside the
# commands, never at module level: `supportstats --help` must start fast. So the defaults of
# supportstats.sample.SampleSpec are written out here; tests/test_cli.py checks they agree.
SAMPLE_DEFAULTS = {
    "conversations": 6000,
    "seed": 7,
    "start": "2026-01-05",
    "days": 28,
    "agents": 10,
}


def sample_command(
    out: Path = typer.Option(Path("sample"), "--out", "-o", help="Folder for the CSV files."),
    conversations: int = typer.Option(
        SAMPLE_DEFAULTS["conversations"], "--conversations", "-n", help="How many conversations."
    ),
    seed: int = typer.Option(
        SAMPLE_DEFAULTS["seed"], "--seed", help="Random seed (same seed, same data)."
    ),
    days: int = typer.Option(
        SAMPLE_DEFAULTS["days"], "--days", help="Days of history from the start date."
    ),
    start: str = typer.Option(
        SAMPLE_DEFAULTS["start"], "--start", help="First day (YYYY-MM-DD, UTC)."
    ),
    agents: int = typer.Option(SAMPLE_DEFAULTS["agents"], "--agents", help="Agents on the team."),
) -> None:
    """Write a realistic, seeded support operation as canonical flat CSV files.

    Chat, email and messaging with weekly and intraday seasonality; agents on shifts running
    up to 3 chats at once (experts 6); customers abandoning the chat queue; bots; reopened
    tickets; CSAT falling with wait; business hours. Import the result with
    supportstats import.

    Example:

      supportstats sample --conversations 20000 --seed 1 --out data/

      supportstats import data/*.csv
    """
    from supportstats.sample import SampleSpec, write_sample

    if conversations < 1:
        raise OptionError("--conversations must be at least 1", "e.g. --conversations 5000")
    if days < 1 or agents < 2:
        raise OptionError("--days must be >= 1 and --agents >= 2", "e.g. --days 28 --agents 14")
    _check_day(start)
    spec = SampleSpec(conversations=conversations, seed=seed, days=days, start=start, agents=agents)
    counts = write_sample(spec, out)
    for name, rows in counts.items():
        stderr.print(f"{out / name}: {rows:,} rows")
    stderr.print(f"Next: supportstats import {out}/*.csv")


def _check_day(text: str) -> None:
    """``--start`` is a real day in the years the metrics accept (2024-02-30 is refused)."""
    import datetime as dt

    from supportstats.metrics.period import user_time

    if not isinstance(user_time(text, "--start"), dt.date) or len(text.strip()) != 10:
        raise OptionError(
            f"--start {text!r} is not a day", "use YYYY-MM-DD, e.g. --start 2026-01-05"
        )


def demo_command(
    db: Path = typer.Option(
        Path(".demo/supportstats.duckdb"), "--db", help="Where to build the demo warehouse."
    ),
    wait: str | None = WaitOption,
) -> None:
    """Build the sample warehouse and print a short report and a staffing plan.

    Imports sample_data/generic/ (regenerated if absent), then prints the last week's team
    scorecard and agent report, the next day's chat staffing plan and every queue's staffing
    for that day. Running it again
    changes nothing.

    Example: supportstats demo --db demo.duckdb
    """
    from supportstats.demo import build_demo_warehouse, demo_plan, demo_queues, demo_report

    results = build_demo_warehouse(db, wait)
    loaded = sum(r.rows_loaded for r in results if not r.skipped)
    if all(r.skipped for r in results):
        stderr.print(f"Demo warehouse {db} is up to date (sample already imported).")
    else:
        stderr.print(f"Demo warehouse {db}: {loaded:,} rows imported ({len(results)} files).")
    scorecard, agents = demo_report(db, wait)
    emit_frame(scorecard, OutputFormat.table, title="Team scorecard, last week vs the week before")
    emit_frame(agents, OutputFormat.table, title="Agents, last week")
    plan = demo_plan(db, wait=wait)
    emit_frame(plan, OutputFormat.table, title="Staffing plan (chat, next weekday)")
    queues = demo_queues(db, wait=wait)
    emit_frame(queues, OutputFormat.table, title="Staffing, every queue (next day)")


def register(app: typer.Typer) -> None:
    """Add ``sample`` and ``demo`` to the main app."""
    app.command("sample")(reports_errors(sample_command))
    app.command("demo")(reports_errors(demo_command))
