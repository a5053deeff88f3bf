"""``supportstats erlang | staff | forecast | plan | backtest``: the staffing planner.

Thin commands: parse options, call :mod:`supportstats.planning`, render. Column names and
definitions: docs/staffing.md.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    DbOption,
    OutputFormat,
    RawCsvOption,
    WaitOption,
    emit_frame,
    key_values,
    reports_errors,
    stderr,
)
from supportstats.errors import OptionError, SupportStatsError

# pandas and the planner are imported inside the functions that use them, never at module
# level: `supportstats --help` must start fast.
if TYPE_CHECKING:
    import pandas as pd


class SlDefinition(StrEnum):
    """Which service level the Erlang A model reports and plans for."""

    offered = "offered"
    answered = "answered"
    virtual = "virtual"


SlDefinitionOption = typer.Option(
    SlDefinition.offered,
    "--sl-definition",
    help="Erlang A service level: answered within T over offered (default), over answered, "
    "or P(virtual wait <= T).",
)
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")


_UNITS = {"w": "weeks", "d": "days", "h": "hours", "min": "minutes", "m": "minutes",
          "s": "seconds"}  # fmt: skip


def _timedelta(value: str, option: str) -> pd.Timedelta:
    """Parse 14d, 2w, 30min, 1h, 900s (pandas 3 no longer takes a lower-case ``d``)."""
    import pandas as pd

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", value.lower())
    if not match or match.group(2) not in _UNITS:
        raise OptionError(f"{option} {value!r} is not a duration", "use e.g. 14d, 2w, 30min, 1h")
    delta = pd.Timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    if delta <= pd.Timedelta(0):
        raise OptionError(f"{option} {value!r} must be positive", "use e.g. 14d, 30min, 1h")
    return delta


def _optional(value: float | None) -> float:
    return math.nan if value is None else value


@reports_errors
def erlang(
    volume: float = typer.Option(..., "--volume", help="Contacts offered in the interval."),
    interval_s: float = typer.Option(..., "--interval-s", help="Interval length, seconds."),
    aht_s: float = typer.Option(..., "--aht-s", help="Average handle time, seconds."),
    sl_target: float = typer.Option(0.8, "--sl-target", help="Service level target, 0-1."),
    sl_threshold_s: float = typer.Option(20, "--sl-threshold-s", help="Answer within, seconds."),
    max_occupancy: float = typer.Option(1.0, "--max-occupancy", help="Occupancy cap, 0-1."),
    shrinkage: float = typer.Option(0.0, "--shrinkage", help="Share of paid time off the queue."),
    patience_s: float | None = typer.Option(
        None, "--patience-s", help="Mean patience, seconds: switches to Erlang A."
    ),
    concurrency: int = typer.Option(1, "--concurrency", help="Chats per agent (slots)."),
    agents: int | None = typer.Option(
        None, "--agents", help="Evaluate this many agents instead of solving."
    ),
    asa_target_s: float | None = typer.Option(None, "--asa-target-s", help="ASA target, seconds."),
    max_abandon: float | None = typer.Option(
        None, "--max-abandon", help="Abandonment cap, 0-1 (needs --patience-s)."
    ),
    sl_definition: SlDefinition = SlDefinitionOption,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """Agents for one interval (Erlang C, or Erlang A with --patience-s).

    Example: supportstats erlang --volume 100 --interval-s 1800 --aht-s 180 --sl-target 0.8
    --sl-threshold-s 20 --shrinkage 0.3
    """
    import pandas as pd

    from supportstats.planning import staff

    row = {
        "volume": volume, "interval_s": interval_s, "aht_s": aht_s, "sl_target": sl_target,
        "sl_threshold_s": sl_threshold_s, "max_occupancy": max_occupancy, "shrinkage": shrinkage,
        "patience_s": _optional(patience_s), "concurrency": concurrency,
        "agents": _optional(agents), "asa_target_s": _optional(asa_target_s),
        "max_abandon": _optional(max_abandon),
    }  # fmt: skip
    result = staff(pd.DataFrame([row]), sl_definition=sl_definition.value)
    if fmt is OutputFormat.csv:
        raise OptionError("erlang prints table or json", "use supportstats staff for CSV plans")
    pairs = [(str(k), v) for k, v in result.iloc[0].items()]
    key_values(pairs, fmt, title="Erlang staffing")


@reports_errors
def staff_command(
    input_csv: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="CSV, one row per interval."
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.csv, "--format", "-f", help="csv, json or table."
    ),
    output: Path | None = OutputOption,
    sl_definition: SlDefinition = SlDefinitionOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Agents per interval for a CSV of intervals (columns: docs/staffing.md).

    Needs volume, interval_s, aht_s, sl_target, sl_threshold_s; optional max_occupancy,
    shrinkage, patience_s, concurrency, agents, interval_start, queue. Other columns pass through.

    Example: supportstats staff intervals.csv --format csv --output plan.csv
    """
    from supportstats.planning import staff

    frame = _read_csv(input_csv)
    emit_frame(staff(frame, sl_definition=sl_definition.value), fmt, output=output, raw_csv=raw_csv)


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SupportStatsError(
            f"{path} is not a readable CSV: {str(exc).splitlines()[0]}",
            "save it as comma-separated UTF-8 with a header row",
        ) from exc


def _history(
    db: Path | None, queue: str | None, interval: pd.Timedelta, wait: str | None = None
) -> pd.DataFrame:
    from supportstats.db import open_warehouse
    from supportstats.planning.forecast import interval_history
    from supportstats.planning.history import contact_history

    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn, queue)
    if contacts.empty:
        raise SupportStatsError(
            "no contacts in the warehouse" + (f" for queue {queue}" if queue else ""),
            "import some history first, or check --queue",
        )
    return interval_history(contacts, interval)


@reports_errors
def forecast_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    horizon: str = typer.Option("14d", "--horizon", help="How far ahead, e.g. 14d."),
    interval: str = typer.Option("30min", "--interval", help="Interval length, e.g. 15min, 30min."),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue_key."),
    weeks: int = typer.Option(8, "--weeks", min=1, help="Weeks of history in the profile."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    output: Path | None = OutputOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Contacts and AHT per interval from history (day-of-week x interval profile, trend).

    Prints the holdout accuracy (WAPE, MAPE against a seasonal-naive baseline) on stderr.

    Example: supportstats forecast --db support.duckdb --horizon 14d --interval 30min
    """
    from supportstats.planning.forecast import forecast

    step = _timedelta(interval, "--interval")
    ahead = _timedelta(horizon, "--horizon")
    history = _history(db, queue, step, wait)
    result, accuracy = forecast(history, horizon=ahead, interval=step, weeks=weeks)
    _accuracy_line(accuracy)
    emit_frame(result, fmt, output=output, title="Forecast", raw_csv=raw_csv)


def _accuracy_line(accuracy: object) -> None:
    if accuracy is None:
        stderr.print("Accuracy: history too short for a holdout (needs more than 2 weeks).")
    else:
        stderr.print("Accuracy: " + accuracy.line())  # type: ignore[attr-defined]


@reports_errors
def plan_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    output: Path = typer.Option(..., "--output", "-o", help="CSV plan for the scheduler."),
    horizon: str = typer.Option("14d", "--horizon", help="How far ahead, e.g. 14d."),
    interval: str = typer.Option("30min", "--interval", help="Interval length, e.g. 30min."),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue_key."),
    sl_target: float = typer.Option(0.8, "--sl-target", help="Service level target, 0-1."),
    sl_threshold_s: float = typer.Option(20, "--sl-threshold-s", help="Answer within, seconds."),
    max_occupancy: float = typer.Option(1.0, "--max-occupancy", help="Occupancy cap, 0-1."),
    shrinkage: float = typer.Option(0.0, "--shrinkage", help="Share of paid time off the queue."),
    patience_s: float | None = typer.Option(None, "--patience-s", help="Erlang A patience, s."),
    concurrency: int = typer.Option(1, "--concurrency", help="Chats per agent (slots)."),
    sl_definition: SlDefinition = SlDefinitionOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Forecast, then agents per interval: a CSV plan plus a week-by-interval table.

    Example: supportstats plan --db support.duckdb --horizon 14d --sl-target 0.8
    --sl-threshold-s 20 --shrinkage 0.3 --output plan.csv
    """
    from supportstats.planning import staff
    from supportstats.planning.forecast import forecast

    step = _timedelta(interval, "--interval")
    ahead = _timedelta(horizon, "--horizon")
    history = _history(db, queue, step, wait)
    predicted, accuracy = forecast(history, horizon=ahead, interval=step)
    _accuracy_line(accuracy)
    frame = predicted.assign(
        queue=queue or "", interval_s=step.total_seconds(), sl_target=sl_target,
        sl_threshold_s=sl_threshold_s, max_occupancy=max_occupancy, shrinkage=shrinkage,
        patience_s=_optional(patience_s), concurrency=concurrency,
    )  # fmt: skip
    result = staff(frame, sl_definition=sl_definition.value)
    emit_frame(result, OutputFormat.csv, output=output, raw_csv=raw_csv)
    emit_frame(week_table(result), OutputFormat.table, title="Agents scheduled, first week")


def week_table(plan: pd.DataFrame, value: str = "agents_scheduled") -> pd.DataFrame:
    """First seven days of a plan as time of day x day (``Mon 03-04``), for a quick read."""
    import pandas as pd

    start = pd.to_datetime(plan["interval_start"])
    week = plan[start < start.min().normalize() + pd.Timedelta(days=7)]
    times = pd.to_datetime(week["interval_start"])
    table = pd.DataFrame(
        {
            "time": times.dt.strftime("%H:%M"),
            "day": times.dt.strftime("%a %m-%d"),
            value: week[value],
        }
    ).pivot_table(index="time", columns="day", values=value, aggfunc="sum", sort=False)
    ordered = sorted(table.columns, key=lambda d: times[times.dt.strftime("%a %m-%d") == d].min())
    return table[ordered].sort_index().reset_index().rename_axis(columns=None)


@reports_errors
def backtest_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    interval: str = typer.Option("30min", "--interval", help="Interval length, e.g. 30min."),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue_key."),
    sl_threshold_s: float = typer.Option(20, "--sl-threshold-s", help="Answer within, seconds."),
    patience_s: float | None = typer.Option(None, "--patience-s", help="Erlang A patience, s."),
    estimate_patience: bool = typer.Option(
        False, "--estimate-patience", help="Erlang A with patience estimated from the history."
    ),
    concurrency: int = typer.Option(1, "--concurrency", help="Chats per agent (slots)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    output: Path | None = OutputOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Predicted SL (from agents on duty) against observed SL, per past interval.

    Agents on duty come from agent status intervals when there are any, else from the
    agents handling contacts in each interval (an estimate).

    Example: supportstats backtest --db support.duckdb --interval 30min --sl-threshold-s 20
    """
    from supportstats.db import open_warehouse
    from supportstats.planning.backtest import (
        agents_from_engagements,
        agents_from_status,
        backtest,
        estimate_patience_s,
        observed_intervals,
    )
    from supportstats.planning.history import contact_history, engagement_history, status_history

    step = _timedelta(interval, "--interval")
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn, queue)
        status = status_history(conn)
        engagements = engagement_history(conn, queue) if status.empty else None
    if contacts.empty:
        raise SupportStatsError("no contacts in the warehouse", "import some history first")
    agents = (
        agents_from_engagements(engagements, step)
        if engagements is not None
        else agents_from_status(status, step)
    )
    if estimate_patience:
        patience_s = estimate_patience_s(contacts)
        stderr.print(f"Estimated mean patience: {patience_s:,.0f} s")
    observed = observed_intervals(contacts, step, sl_threshold_s)
    rows, summary = backtest(
        observed, agents, interval=step, sl_threshold_s=sl_threshold_s, patience_s=patience_s,
        concurrency=concurrency,
    )  # fmt: skip
    columns = [
        "interval_start",
        "volume",
        "agents",
        "aht_s",
        "observed_sl",
        "predicted_sl",
        "error",
    ]
    emit_frame(rows[columns], fmt, output=output, title="Backtest", raw_csv=raw_csv)
    stderr.print("Overall: " + summary.line())


def register(app: typer.Typer) -> None:
    """Add ``erlang``, ``staff``, ``forecast``, ``plan`` and ``backtest`` to the main app."""
    app.command("erlang")(erlang)
    app.command("staff")(staff_command)
    app.command("forecast")(forecast_command)
    app.command("plan")(plan_command)
    app.command("backtest")(backtest_command)
