"""``supportstats erlang | staff | forecast | plan | backtest``: the staffing planner.

Thin commands: parse options, call :mod:`supportstats.planning`, render. Column names and
definitions: docs/staffing.md.
"""

from __future__ import annotations

import math
import os
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
from supportstats.errors import InputFileError, OptionError, SupportStatsError

# Plain Python (no numpy or pandas): the defaults every planner caller shares.
from supportstats.planning.targets import (
    DEFAULT_HORIZON,
    DEFAULT_INTERVAL,
    DEFAULT_LEAD_SPAN,
    DEFAULT_MIN_AGENTS,
    DEFAULT_SMOOTH,
    DEFAULT_WEEKS,
    LEAD_SPAN_RANGE,
    REPLY_HANDLE_S,
    StaffingTargets,
)

# pandas and the planner are imported inside the functions that use them, never at module
# level: `supportstats --help` must start fast.
if TYPE_CHECKING:
    import pandas as pd

    from supportstats.planning import PlanningInputError


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
# The service-level targets shared by erlang, plan and backtest (defaults: StaffingTargets).
SlTargetOption = typer.Option(
    StaffingTargets.sl_target, "--sl-target", help="Service level target, 0-1."
)
SlThresholdOption = typer.Option(
    StaffingTargets.sl_threshold_s, "--sl-threshold-s", help="Answer within, seconds."
)
MaxOccupancyOption = typer.Option(
    StaffingTargets.max_occupancy, "--max-occupancy", help="Occupancy cap, 0-1."
)
ShrinkageOption = typer.Option(
    StaffingTargets.shrinkage, "--shrinkage", help="Share of paid time off the queue."
)
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
QueuesOption = typer.Option(
    None,
    "--queue",
    metavar="QUEUE_KEY",
    help="Only this queue_key (repeat for several); default: every queue.",
)
TimezoneOption = typer.Option(
    None,
    "--timezone",
    metavar="IANA_NAME",
    help="IANA timezone (e.g. Europe/Madrid): intervals on its wall clock, DST included; "
    "default UTC.",
)
ReplyHandleOption = typer.Option(
    REPLY_HANDLE_S,
    "--reply-handle-s",
    help="Agent work per agent reply, seconds: the handle time of queues without "
    "engagements (e-mail, messaging).",
)


_UNITS = {"w": "weeks", "d": "days", "h": "hours", "min": "minutes", "m": "minutes",
          "s": "seconds"}  # fmt: skip


def _timedelta(value: str, option: str) -> pd.Timedelta:
    """Parse 14d, 2w, 30min, 1h, 900s (pandas 3 no longer takes a lower-case ``d``)."""
    import pandas as pd

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", value.lower())
    if not match or match.group(2) not in _UNITS:
        raise OptionError(f"{option} {value!r} is not a duration", "use e.g. 14d, 2w, 30min, 1h")
    try:
        delta = pd.Timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    except (OverflowError, ValueError):  # past pandas' 292 years
        raise OptionError(
            f"{option} {value!r} is too long", "use e.g. 14d, 8w, 30min, 1h"
        ) from None
    if delta <= pd.Timedelta(0):
        raise OptionError(f"{option} {value!r} must be positive", "use e.g. 14d, 30min, 1h")
    return delta


def _as_option(
    exc: PlanningInputError, columns: tuple[str, ...] | None = None
) -> SupportStatsError:
    """A planner error about a column that came from an option, said in option names:
    ``row 1, column aht_s: -5 is negative`` -> ``--aht-s: -5 is negative``.

    ``columns`` limits the rewrite to those columns (``plan`` takes only some from options);
    other errors come back unchanged. A ``TargetsError`` (a ``StaffingTargets`` field) reads
    ``sl_target: 1.5 is not below 1`` and becomes ``--sl-target: 1.5 is not below 1``."""
    from supportstats.planning._validate import TargetsError

    if isinstance(exc, TargetsError):
        head = f"{exc.field}: " if exc.field else ""
        rest = exc.message.removeprefix(head)
        flag = f"--{exc.field.replace('_', '-')}: " if exc.field else ""
        return OptionError(flag + _option_names(rest), _option_names(exc.hint))
    match = re.match(r"row \d+(?:, column (\w+))?: ", exc.message)
    if match is None or (columns is not None and match.group(1) not in columns):
        return exc
    head = f"--{match.group(1).replace('_', '-')}: " if match.group(1) else ""
    return OptionError(head + _option_names(exc.message[match.end() :]), _option_names(exc.hint))


def _option_names(text: str) -> str:
    """Column names with an underscore name one option each: ``aht_s`` -> ``--aht-s``."""
    return re.sub(r"\b([a-z]+(?:_[a-z]+)+)\b", lambda m: "--" + m[1].replace("_", "-"), text)


def _check_output(output: Path | None) -> None:
    """Refuse an --output that cannot be written before any work is done (a missing or
    read-only folder, a folder given as the file). Missing folders are not created: a typo
    in the path would otherwise scatter plans in new folders."""
    if output is None:
        return
    folder = output.parent
    if output.is_dir():
        raise OptionError(
            f"--output {output} is a folder", f"give a file name, e.g. {output / 'plan.csv'}"
        )
    if not folder.is_dir():
        raise OptionError(
            f"--output {output}: the folder {folder} does not exist",
            f"create it first (mkdir -p {folder}) or write the file somewhere else",
        )
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise OptionError(
            f"--output {output}: no permission to write there",
            "choose a file in a folder you can write to",
        )


def _emit(frame: pd.DataFrame, fmt: OutputFormat, output: Path | None, **options: object) -> None:
    """emit_frame, with a failed write to --output said plainly (a read-only file system or
    a full disk that the check before the work could not see)."""
    try:
        emit_frame(frame, fmt, output=output, **options)  # type: ignore[arg-type]
    except OSError as exc:
        if output is None:
            raise
        raise OptionError(
            f"--output {output}: cannot write it ({exc.strerror or exc})",
            "choose a file in a folder you can write to, on a disk with room",
        ) from None


def _optional(value: float | None) -> float:
    return math.nan if value is None else value


@reports_errors
def erlang(
    volume: float = typer.Option(..., "--volume", help="Contacts offered in the interval."),
    interval_s: float = typer.Option(..., "--interval-s", help="Interval length, seconds."),
    aht_s: float = typer.Option(..., "--aht-s", help="Average handle time, seconds."),
    sl_target: float = SlTargetOption,
    sl_threshold_s: float = SlThresholdOption,
    max_occupancy: float = MaxOccupancyOption,
    shrinkage: float = ShrinkageOption,
    patience_s: float | None = typer.Option(
        None, "--patience-s", help="Mean patience, seconds: switches to Erlang A."
    ),
    concurrency: int = typer.Option(
        StaffingTargets.concurrency, "--concurrency", help="Chats per agent (slots)."
    ),
    agents: int | None = typer.Option(
        None, "--agents", help="Evaluate this many agents instead of solving."
    ),
    asa_target_s: float | None = typer.Option(None, "--asa-target-s", help="ASA target, seconds."),
    max_abandon: float | None = typer.Option(
        None, "--max-abandon", help="Abandonment cap, 0-1 (needs --patience-s)."
    ),
    sl_definition: SlDefinition = SlDefinitionOption,
    fmt: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="table, csv (one row) or json."
    ),
) -> None:
    """Agents for one interval (Erlang C, or Erlang A with --patience-s).

    Example: supportstats erlang --volume 100 --interval-s 1800 --aht-s 180 --sl-target 0.8
    --sl-threshold-s 20 --shrinkage 0.3
    """
    import pandas as pd

    from supportstats.planning import PlanningInputError, staff

    row = {
        "volume": volume, "interval_s": interval_s, "aht_s": aht_s, "sl_target": sl_target,
        "sl_threshold_s": sl_threshold_s, "max_occupancy": max_occupancy, "shrinkage": shrinkage,
        "patience_s": _optional(patience_s), "concurrency": concurrency,
        "agents": _optional(agents), "asa_target_s": _optional(asa_target_s),
        "max_abandon": _optional(max_abandon),
    }  # fmt: skip
    try:
        result = staff(pd.DataFrame([row]), sl_definition=sl_definition.value)
    except PlanningInputError as exc:
        raise _as_option(exc) from None
    pairs = [(str(k), v) for k, v in result.iloc[0].items()]
    key_values(pairs, fmt, title="Erlang staffing")


@reports_errors
def staff_command(
    input_csv: Path = typer.Argument(
        ..., help="CSV, one row per interval (comma- or semicolon-separated, UTF-8)."
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
    from supportstats.planning import PlanningInputError, staff

    _check_output(output)
    frame = _read_csv(input_csv)
    try:
        result = staff(frame, sl_definition=sl_definition.value)
    except PlanningInputError as exc:
        if exc.message.startswith("missing column"):
            found = ", ".join(map(str, frame.columns[:8])) + (", ..." if frame.shape[1] > 8 else "")
            raise InputFileError(f"{input_csv}: {exc.message} (found: {found})", exc.hint) from None
        raise InputFileError(f"{input_csv}: {exc.message}", exc.hint) from None
    _emit(result, fmt, output, raw_csv=raw_csv)


_SAVE_AS = "save it as a comma-separated (or semicolon-separated) UTF-8 text file, header first"


def _read_csv(path: Path) -> pd.DataFrame:
    """The interval table: comma-separated, or semicolon-separated with decimal commas (what a
    spreadsheet in a comma-decimal locale saves); UTF-8, with or without a byte order mark."""
    import pandas as pd

    if not path.exists():
        raise InputFileError(f"{path}: no such file", "check the path and the file name")
    if path.is_dir():
        raise InputFileError(f"{path} is a folder", "give the CSV file inside it")
    if not path.is_file():
        raise InputFileError(f"{path} is not a regular file (a device or a pipe)", _SAVE_AS)
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as exc:
        raise InputFileError(
            f"cannot read {path}: {exc.strerror or exc}", "check the file's permissions"
        ) from None
    if not head.strip():
        raise InputFileError(
            f"{path} is empty", "the file needs a header row and one row per interval"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path} is UTF-16 text, not UTF-8", _SAVE_AS)
    if b"\0" in head:
        raise InputFileError(f"{path} is not a text file (it holds binary data)", _SAVE_AS)
    header = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda k: counts[k]) if any(counts.values()) else ","
    try:
        return pd.read_csv(path, sep=sep, decimal="," if sep == ";" else ".", encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text ({exc.reason})", _SAVE_AS) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputFileError(
            f"{path} is not a readable CSV: {str(exc).strip().splitlines()[0]}", _SAVE_AS
        ) from None


def _forecast(
    db: Path | None,
    queues: list[str] | None,
    interval: pd.Timedelta,
    horizon: pd.Timedelta,
    wait: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    timezone: str | None = None,
    reply_handle_s: float = REPLY_HANDLE_S,
) -> pd.DataFrame:
    """The forecast of ``forecast`` and ``plan``, every queue (or ``queues``) on one grid: the
    warehouse is open only to read the contacts; notes and the accuracy lines go to stderr."""
    from supportstats.db import open_warehouse
    from supportstats.planning.history import contact_history
    from supportstats.planning.plan import forecast_queues

    with open_warehouse(db, read_only=True, wait=wait) as conn:
        contacts = contact_history(conn, None, reply_handle_s=reply_handle_s)
    result = forecast_queues(
        contacts, queues=queues, horizon=horizon, interval=interval, weeks=weeks,
        timezone=timezone, on_note=lambda note: stderr.print(f"Note: {note}"),
    )  # fmt: skip
    for queue, accuracy in result.by_queue.items():
        _accuracy_line(accuracy, queue if len(result.by_queue) > 1 else None)
    return result.forecast


def _check_timezone(timezone: str | None) -> str | None:
    """--timezone: an IANA name, checked once before any work (the package's one check,
    which raises the option error itself)."""
    from supportstats.timezones import check_timezone

    return check_timezone(timezone, "--timezone")


def _check_reply_handle(reply_handle_s: float) -> float:
    if not (math.isfinite(reply_handle_s) and 0 < reply_handle_s <= 86400):
        raise OptionError(
            f"--reply-handle-s {reply_handle_s:g} is outside 0 to 86,400 seconds",
            "seconds of agent work per agent reply in e-mail and messaging queues, e.g. 300",
        )
    return reply_handle_s


def _usable(contacts: pd.DataFrame, weeks: int | None) -> pd.DataFrame:
    """Contacts without those dated in the future (a note on stderr says how many), and
    without those older than a forecast of ``weeks`` weeks reads (None: keep them)."""
    from supportstats.planning.forecast import recent_contacts

    contacts, note = recent_contacts(contacts, weeks=weeks)
    if note:
        stderr.print(f"Note: {note}")
    return contacts


def _check_span_options(
    interval: pd.Timedelta, horizon: pd.Timedelta | None = None, weeks: int | None = None
) -> None:
    """The bounds of --interval, --horizon and --weeks, before the warehouse is read."""
    from supportstats.planning.forecast import check_horizon, check_interval, check_weeks

    check_interval(interval, "--interval")
    if horizon is not None:
        check_horizon(horizon, "--horizon")
        if horizon < interval:
            raise OptionError(
                "--horizon is shorter than one --interval: nothing to forecast",
                "forecast at least one interval ahead, e.g. --horizon 14d",
            )
    if weeks is not None:
        check_weeks(weeks, "--weeks")


@reports_errors
def forecast_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    horizon: str = typer.Option(DEFAULT_HORIZON, "--horizon", help="How far ahead, e.g. 14d."),
    interval: str = typer.Option(
        DEFAULT_INTERVAL, "--interval", help="Interval length, e.g. 15min, 30min."
    ),
    queue: list[str] | None = QueuesOption,
    timezone: str | None = TimezoneOption,
    weeks: int = typer.Option(
        DEFAULT_WEEKS, "--weeks", help="Weeks of history in the profile (1-260)."
    ),
    reply_handle_s: float = ReplyHandleOption,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    output: Path | None = OutputOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Contacts and AHT per interval and queue from history (day-of-week x interval profile,
    trend), every queue on one grid.

    Prints each queue's holdout accuracy (WAPE, MAPE against a seasonal-naive baseline) on
    stderr. Columns: interval_start (local with --timezone, then utc_offset), queue, channel,
    volume, aht_s.

    Example: supportstats forecast --db support.duckdb --horizon 14d --queue generic:Email
    --timezone Europe/Madrid
    """
    step = _timedelta(interval, "--interval")
    ahead = _timedelta(horizon, "--horizon")
    _check_span_options(step, ahead, weeks)
    tz = _check_timezone(timezone)
    _check_reply_handle(reply_handle_s)
    _check_output(output)
    result = _forecast(db, queue, step, ahead, wait, weeks, tz, reply_handle_s)
    _emit(result, fmt, output, title="Forecast", raw_csv=raw_csv)


def _accuracy_line(accuracy: object, queue: str | None = None) -> None:
    head = f"Accuracy ({queue}): " if queue else "Accuracy: "
    if accuracy is None:
        stderr.print(head + "history too short for a holdout (needs more than 2 weeks).")
    else:
        stderr.print(head + accuracy.line())  # type: ignore[attr-defined]


_PRESET = "default: the queue's channel preset"


@reports_errors
def plan_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    output: Path = typer.Option(..., "--output", "-o", help="CSV plan for the scheduler."),
    horizon: str = typer.Option(DEFAULT_HORIZON, "--horizon", help="How far ahead, e.g. 14d."),
    interval: str = typer.Option(
        DEFAULT_INTERVAL, "--interval", help="Interval length, e.g. 30min."
    ),
    queue: list[str] | None = QueuesOption,
    timezone: str | None = TimezoneOption,
    sl_target: float | None = typer.Option(
        None, "--sl-target", help=f"Service level target, 0-1 ({_PRESET})."
    ),
    sl_threshold_s: float | None = typer.Option(
        None,
        "--sl-threshold-s",
        help=f"Answer within, seconds; e-mail/tickets: the work's deadline ({_PRESET}).",
    ),
    max_occupancy: float | None = typer.Option(
        None, "--max-occupancy", help=f"Occupancy cap, 0-1 ({_PRESET})."
    ),
    shrinkage: float | None = typer.Option(
        None, "--shrinkage", help=f"Share of paid time off the queue ({_PRESET})."
    ),
    patience_s: float | None = typer.Option(
        None, "--patience-s", help=f"Erlang A patience, s ({_PRESET})."
    ),
    concurrency: int | None = typer.Option(
        None, "--concurrency", help=f"Chats per agent (slots) ({_PRESET})."
    ),
    sl_definition: SlDefinition = SlDefinitionOption,
    open_hours: str | None = typer.Option(
        None,
        "--open",
        help="Opening hours HH:MM-HH:MM on the plan's clock: no agents outside, e-mail "
        "deadlines run in them; default always open.",
    ),
    min_agents: int = typer.Option(
        DEFAULT_MIN_AGENTS,
        "--min-agents",
        help="Fewest agents scheduled where a queue is open and has work.",
    ),
    smooth: str = typer.Option(
        DEFAULT_SMOOTH, "--smooth", help="Fill dips in agents_scheduled up to this long; 0 off."
    ),
    lead_span: int = typer.Option(
        DEFAULT_LEAD_SPAN,
        "--lead-span",
        help=f"Agents per team lead ({LEAD_SPAN_RANGE[0]}-{LEAD_SPAN_RANGE[1]}).",
    ),
    weeks: int = typer.Option(
        DEFAULT_WEEKS, "--weeks", help="Weeks of history in the forecast's profile (1-260)."
    ),
    reply_handle_s: float = ReplyHandleOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Forecast, then agents per interval for every queue (or --queue): a CSV plan plus a
    week-by-interval table of all queues.

    Each queue starts at its channel's preset (chat: Erlang A, 3 chats per agent; voice:
    Erlang C; e-mail, messaging and other tickets: the backlog model, work done within
    --sl-threshold-s in opening hours); the target options override every queue.

    Example: supportstats plan --db support.duckdb --horizon 14d --timezone Europe/Madrid
    --open 08:00-20:00 --min-agents 1 --output plan.csv
    """
    from supportstats.planning import PlanningInputError
    from supportstats.planning.plan import staffing_for_forecast, targets_for_queues

    step = _timedelta(interval, "--interval")
    ahead = _timedelta(horizon, "--horizon")
    _check_span_options(step, ahead, weeks)
    tz = _check_timezone(timezone)
    _check_reply_handle(reply_handle_s)
    rules = _roster_rules(open_hours, min_agents, smooth, lead_span)
    given = {
        "sl_target": sl_target, "sl_threshold_s": sl_threshold_s,
        "max_occupancy": max_occupancy, "shrinkage": shrinkage, "patience_s": patience_s,
        "concurrency": concurrency,
    }  # fmt: skip
    changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    changes["sl_definition"] = sl_definition.value
    try:  # the targets of every preset, checked on one light interval before any reading
        for channel in (None, "voice", "email"):
            StaffingTargets.for_channel(channel, **changes).check(step.total_seconds())
    except PlanningInputError as exc:
        raise _as_option(exc) from None
    _check_output(output)
    predicted = _forecast(db, queue, step, ahead, wait, weeks, tz, reply_handle_s)
    targets = targets_for_queues(predicted, **changes)
    try:
        result = staffing_for_forecast(predicted, targets, interval=step, rules=rules)
    except PlanningInputError as exc:
        raise _as_option(exc, ("interval_s", *StaffingTargets().columns())) from None
    _emit(result, OutputFormat.csv, output, raw_csv=raw_csv)
    emit_frame(week_table(result), OutputFormat.table, title="Agents scheduled, first week")
    _model_check(db, wait, targets, step)


def _model_check(
    db: Path | None, wait: str | None, targets: dict[str, StaffingTargets], step: pd.Timedelta
) -> None:
    """How well each Erlang queue's model described its own history, one line per queue on
    stderr (``backtest.model_check``): a plan's service levels are only as good as that."""
    from supportstats.db import open_warehouse
    from supportstats.planning.backtest import model_check

    erlang = {queue: t for queue, t in targets.items() if not t.backlog_model}
    if not erlang:
        return
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        for queue, queue_targets in erlang.items():
            summary = model_check(conn, queue or None, targets=queue_targets, interval=step)
            if summary is not None:
                label = f" ({queue})" if len(targets) > 1 else ""
                stderr.print(f"Model check{label}: {summary.model_line()}")


def _roster_rules(open_hours: str | None, min_agents: int, smooth: str, lead_span: int) -> object:
    """--open, --min-agents, --smooth and --lead-span as ``RosterRules``, each checked with
    its option's name."""
    from supportstats.planning import PlanningInputError
    from supportstats.planning.requirement import RosterRules, check_lead_span, parse_open_hours

    try:
        parse_open_hours(open_hours, "--open")
        check_lead_span(lead_span, "--lead-span")
    except PlanningInputError as exc:
        raise OptionError(exc.message, exc.hint) from None
    if not 0 <= min_agents <= 10_000:
        raise OptionError(
            f"--min-agents {min_agents} is outside 0 to 10,000",
            "the fewest agents an open queue with work has, e.g. 1 (0: no minimum)",
        )
    off = re.fullmatch(r"\s*(0+(\.0*)?\s*[a-z]*|off|none)\s*", smooth.lower()) is not None
    delta = None if off else _timedelta(smooth, "--smooth")
    if delta is not None and delta > _timedelta("1d", "--smooth"):
        raise OptionError(f"--smooth {smooth!r} is longer than a day", "e.g. 1h, 90min or 0")
    text = None if delta is None else f"{delta.total_seconds():.0f}s"
    return RosterRules(open_hours, min_agents, text, lead_span)


def week_table(plan: pd.DataFrame, value: str = "agents_scheduled") -> pd.DataFrame:
    """First seven days of a plan as time of day x day (``Mon 03-04``), for a quick read:
    queues summed per interval; a wall-clock time that happens twice (DST fall-back) shows
    the busier of its two intervals, not their sum."""
    import pandas as pd

    start = pd.to_datetime(plan["interval_start"])
    week = plan[start < start.min().normalize() + pd.Timedelta(days=7)]
    offset = week["utc_offset"] if "utc_offset" in week.columns else pd.Series("", week.index)
    per = (
        week.assign(_offset=offset)
        .groupby(["interval_start", "_offset"], sort=False)[value]
        .sum()
        .reset_index()
    )
    times = pd.to_datetime(per["interval_start"])
    table = pd.DataFrame(
        {
            "time": times.dt.strftime("%H:%M"),
            "day": times.dt.strftime("%a %m-%d"),
            value: per[value],
        }
    ).pivot_table(index="time", columns="day", values=value, aggfunc="max", sort=False)
    ordered = sorted(table.columns, key=lambda d: times[times.dt.strftime("%a %m-%d") == d].min())
    return table[ordered].sort_index().reset_index().rename_axis(columns=None)


@reports_errors
def backtest_command(
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    interval: str = typer.Option(
        DEFAULT_INTERVAL, "--interval", help="Interval length, e.g. 30min."
    ),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue_key."),
    sl_threshold_s: float = SlThresholdOption,
    patience_s: float | None = typer.Option(None, "--patience-s", help="Erlang A patience, s."),
    estimate_patience: bool = typer.Option(
        False, "--estimate-patience", help="Erlang A with patience estimated from the history."
    ),
    concurrency: int = typer.Option(
        StaffingTargets.concurrency, "--concurrency", help="Chats per agent (slots)."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    output: Path | None = OutputOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Predicted SL (from agents on duty) against observed SL, per past interval.

    Agents on duty: those in an on-duty status who handle the queue's contacts, else (no
    status data) the agents handling contacts in each interval (an estimate). Without
    --queue, the queues with engagements are pooled (e-mail and messaging are left out).

    Example: supportstats backtest --db support.duckdb --interval 30min --sl-threshold-s 20
    """
    from supportstats.db import open_warehouse
    from supportstats.planning import PlanningInputError
    from supportstats.planning.backtest import warehouse_backtest

    step = _timedelta(interval, "--interval")
    _check_span_options(step)
    _check_output(output)
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        try:
            rows, summary = warehouse_backtest(
                conn, queue, interval=step, sl_threshold_s=sl_threshold_s,
                patience_s=patience_s, estimate_patience=estimate_patience,
                concurrency=concurrency, on_note=lambda note: stderr.print(f"Note: {note}"),
            )  # fmt: skip
        except PlanningInputError as exc:
            raise _as_option(exc, ("sl_threshold_s", "patience_s", "concurrency")) from None
    columns = [
        "interval_start",
        "volume",
        "agents",
        "aht_s",
        "observed_sl",
        "predicted_sl",
        "error",
    ]
    _emit(rows[columns], fmt, output, title="Backtest", raw_csv=raw_csv)
    stderr.print("Overall: " + summary.line())
    stderr.print("Model check: " + summary.model_line())


def register(app: typer.Typer) -> None:
    """Add ``erlang``, ``staff``, ``forecast``, ``plan`` and ``backtest`` to the main app."""
    app.command("erlang")(erlang)
    app.command("staff")(staff_command)
    app.command("forecast")(forecast_command)
    app.command("plan")(plan_command)
    app.command("backtest")(backtest_command)
