"""``supportstats schedule``: from agents per interval to shifts (and, optionally, a roster).

A thin command: parse the options into ``ShiftRules``, call
:func:`supportstats.planning.schedule.schedule_shifts` (the dashboard calls the same
function), render. Definitions: docs/staffing.md, "Shift scheduling".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    OutputFormat,
    RawCsvOption,
    emit_json,
    key_values,
    records,
    reports_errors,
    stderr,
)
from supportstats.cli.plan import _check_output, _emit, _read_csv
from supportstats.errors import InputFileError, OptionError

if TYPE_CHECKING:
    from supportstats.planning._validate import PlanningInputError

# The option each ShiftRules field comes from (for errors said in the user's words).
_FLAGS = {
    "shift": "--shift",
    "break": "--break",
    "break_window": "--break-window",
    "start_step": "--start-step",
    "break_step": "--break-step",
    "open": "--open",
    "lead_span": "--lead-span",
    "time_limit": "--time-limit",
}


def _as_option(exc: PlanningInputError, source: Path) -> Exception:
    """A rule error names its option; anything else is about the file."""
    from supportstats.planning.schedule import ShiftRulesError

    if isinstance(exc, ShiftRulesError):
        return OptionError(f"{_FLAGS.get(exc.field, exc.field)}: {exc.message}", exc.hint)
    return InputFileError(f"{source}: {exc.message}", exc.hint)


@reports_errors
def schedule_command(
    requirement_csv: Path = typer.Argument(
        ...,
        metavar="REQ.csv",
        help="CSV with interval_start and agents_required (or a plan/staff output: "
        "agents_scheduled). Several queues (a queue column) are summed per interval_start.",
    ),
    shift: list[str] = typer.Option(
        ["8h30m"],
        "--shift",
        metavar="DURATION",
        help="Shift length, paid, break included; repeat (or comma-"
        "separate) for several lengths, e.g. --shift 8h30m --shift 6h.",
    ),  # fmt: skip
    break_: str = typer.Option(
        "30m",
        "--break",
        metavar="DURATION",
        help="Break per shift: paid, not counted as coverage (0: none).",
    ),
    break_window: str = typer.Option(
        "2h-6h",
        "--break-window",
        metavar="FROM-TO",
        help="Where the break lies, counted from the shift start: with 2h-6h it starts 2h in "
        "at the earliest and ends 6h in at the latest.",
    ),
    start_step: str | None = typer.Option(
        None,
        "--start-step",
        metavar="DURATION",
        help="Shifts start every ... [default: 30m, or the interval if longer]",
        show_default=False,
    ),
    break_step: str | None = typer.Option(
        None,
        "--break-step",
        metavar="DURATION",
        help="Breaks may start every ... within the window [default: 30m, or the interval "
        "if longer]",
        show_default=False,
    ),
    open_hours: str | None = typer.Option(
        None,
        "--open",
        metavar="HH:MM-HH:MM",
        help="Opening hours, local clock, e.g. 08:00-20:00 (22:00-06:00 crosses midnight); "
        "shifts work only inside them. [default: round the clock]",
        show_default=False,
    ),
    time_limit: float = typer.Option(
        60.0, "--time-limit", metavar="SECONDS", help="Solver time limit, seconds."
    ),
    queue: str | None = typer.Option(
        None, "--queue", metavar="QUEUE", help="Only this queue of a plan."
    ),
    cyclic: bool | None = typer.Option(
        None,
        "--cyclic/--no-cyclic",
        help="Treat the requirement as repeating, so a late shift runs on into the first "
        "morning. [default: yes when it spans whole weeks]",
        show_default=False,
    ),
    lead_span: int = typer.Option(12, "--lead-span", help="Agents per team lead, 8-15."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the shifts CSV (day, start, end, break_start, agents)."
    ),
    coverage: Path | None = typer.Option(
        None, "--coverage", help="Write coverage per interval (interval_start, required, ...)."
    ),
    agents: Path | None = typer.Option(
        None, "--agents", help="Agents CSV for the roster step (columns: docs/staffing.md)."
    ),
    roster: Path | None = typer.Option(
        None, "--roster", help="Write the roster (named agents on the shifts; needs --agents)."
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.table,
        "--format",
        "-f",
        help="table (shifts and figures), csv (the shifts) or json (figures and shifts).",
    ),
    raw_csv: bool = RawCsvOption,
) -> None:
    """Shifts that cover agents required per interval (OR-Tools CP-SAT set covering).

    Every shift the options allow is a candidate (length, start, break position, opening
    hours); the solver picks how many agents work each one so every interval is covered at
    the least working agent-hours, within --time-limit, and reports the LP bound. Intervals no
    shift can cover are reported (status partial), never an error. A plan with several queues
    is summed per interval_start (--queue keeps one).

    Example: supportstats schedule plan.csv --shift 8h30m --break 30m --break-window 2h-6h
    --open 07:00-23:00 --output shifts.csv --coverage coverage.csv
    """
    from supportstats.planning._validate import PlanningInputError
    from supportstats.planning.schedule import ShiftRules, schedule_shifts

    if (agents is None) != (roster is None):
        raise OptionError(
            "--agents and --roster go together",
            "give both: --agents agents.csv --roster roster.csv",
        )
    try:
        rules = ShiftRules.parse(
            shift, break_, break_window, start_step, open_hours, cyclic, lead_span, break_step
        )
    except PlanningInputError as exc:
        raise _as_option(exc, requirement_csv) from None
    for path in (output, coverage, roster):
        _check_output(path)
    frame = _read_csv(requirement_csv)
    team = _read_agents(agents) if agents is not None else None
    try:
        result = schedule_shifts(frame, rules, time_limit_s=time_limit, queue=queue)
    except PlanningInputError as exc:
        raise _as_option(exc, requirement_csv) from None
    for note in result.notes:
        stderr.print(f"Note: {note}")
    summary = result.summary()
    if output is not None:
        _emit(result.shifts, OutputFormat.csv, output, raw_csv=raw_csv)
    if coverage is not None:
        _emit(result.coverage, OutputFormat.csv, coverage, raw_csv=raw_csv)
    if team is not None and roster is not None:
        summary.update(_roster(result, team, roster, time_limit, raw_csv))
    if fmt is OutputFormat.json:
        emit_json({**summary, "shift_table": records(result.shifts)})
        return
    if output is None:
        _emit(result.shifts, fmt, None, title="Shifts", raw_csv=raw_csv)
    if fmt is OutputFormat.table:
        key_values(list(summary.items()), fmt, title="Schedule")
    else:
        stderr.print(_line(summary))


def _line(summary: dict[str, object]) -> str:
    """The figures in one line for stderr (csv format keeps stdout for the shifts)."""
    return (
        f"Schedule {summary['status']}: {summary['shifts']} shifts, "
        f"{summary['scheduled_agent_hours']} agent-hours worked for "
        f"{summary['required_agent_hours']} required (LP bound "
        f"{summary['lp_bound_agent_hours']}), over-staffing {summary['over_staffing_pct']} %, "
        f"{summary['uncovered_intervals']} intervals uncovered"
    )


def _read_agents(path: Path) -> list[object]:
    """The agents file, checked before the (possibly long) solve."""
    from supportstats.planning._validate import PlanningInputError
    from supportstats.planning.roster import read_agents

    try:
        return read_agents(_read_csv(path))  # type: ignore[return-value]
    except PlanningInputError as exc:
        raise InputFileError(f"{path}: {exc.message}", exc.hint) from None


def _roster(
    result: object,
    team: list[object],
    roster: Path,
    time_limit: float,
    raw_csv: bool,
) -> dict[str, object]:
    """Named agents on the chosen shifts; the roster CSV written, its figures returned."""
    from supportstats.planning.roster import assign_agents

    assigned = assign_agents(result, team, time_limit_s=time_limit)  # type: ignore[arg-type]
    _emit(assigned.roster, OutputFormat.csv, roster, raw_csv=raw_csv)
    if assigned.unassigned_shifts:
        stderr.print(
            f"Note: {assigned.unassigned_shifts} shifts left unassigned (no agent available "
            "within days off, hours and rest): rows with an empty name in the roster"
        )
    return assigned.summary()


def register(app: typer.Typer) -> None:
    """Add ``schedule`` to the main app."""
    app.command("schedule")(schedule_command)
