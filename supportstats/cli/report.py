"""``supportstats report``: the agent report, the team scorecard and the live snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from supportstats.cli._common import (
    DbOption,
    FormatOption,
    OutputFormat,
    RawCsvOption,
    WaitOption,
    emit_frame,
    emit_json,
    records,
    reports_errors,
    stderr,
)
from supportstats.cli.metrics import (
    AgentOption,
    ChannelOption,
    FromOption,
    OptionOption,
    QueueOption,
    SourceOption,
    TagOption,
    TeamOption,
    ToOption,
    filters_from,
    parse_common,
    say_options,
)
from supportstats.errors import OptionError

# The reports, metrics and the warehouse (pandas, duckdb) are imported inside the commands
# that use them, never at module level: `supportstats --help` must start fast.

report_app = typer.Typer(
    help="Reports people read: agents, team scorecard, live snapshot.", no_args_is_help=True
)


@report_app.command("agents")
@reports_errors
def agents_command(
    from_: str | None = FromOption,
    to: str | None = ToOption,
    option: list[str] | None = OptionOption,
    channel: list[str] | None = ChannelOption,
    team: list[str] | None = TeamOption,
    agent: list[str] | None = AgentOption,
    tag: list[str] | None = TagOption,
    source: list[str] | None = SourceOption,
    queue: list[str] | None = QueueOption,
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    fmt: OutputFormat = FormatOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """One row per agent: conversations, FRT median/p90, resolution, CSAT, concurrency,
    occupancy, utilisation, missed.

    Example: supportstats report agents --from 2024-03-01 --to 2024-03-31 --format csv
    """
    from supportstats.db import open_warehouse
    from supportstats.reports import agent_report

    options, period = parse_common(option, from_, to)
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        filters = filters_from(channel, team, agent, tag, source, queue)
        frame = agent_report(conn, options, period, filters)
    say_options(options, period)
    emit_frame(frame, fmt, title=f"Agents {period.describe()}", raw_csv=raw_csv)


@report_app.command("scorecard")
@reports_errors
def scorecard_command(
    from_: str | None = FromOption,
    to: str | None = ToOption,
    option: list[str] | None = OptionOption,
    by_team: bool = typer.Option(False, "--by-team", help="One block of rows per team."),
    wait_target: float = typer.Option(120.0, "--wait-target", help="Average wait target, s."),
    csat_target: float = typer.Option(0.85, "--csat-target", help="CSAT target, 0..1."),
    resolution_target: float = typer.Option(
        0.90, "--resolution-target", help="Resolution-rate target, 0..1."
    ),
    abandon_drop: float = typer.Option(
        0.15, "--abandon-drop", help="Wanted drop of abandonment vs the previous period."
    ),
    deflection_target: float | None = typer.Option(
        None, "--deflection-target", help="Self-service deflection-rate target, 0..1 (none)."
    ),
    by_channel: bool = typer.Option(
        False,
        "--by-channel",
        help="First response per channel against its target (the warehouse's SLA target, "
        "else the kind's default) instead of the KPI rows.",
    ),
    live_target: float = typer.Option(
        60.0,
        "--first-response-live-target",
        help="First-response target of chat and calls, s, where the warehouse has no SLA "
        "target (--by-channel).",
    ),
    ticket_target: float = typer.Option(
        14400.0,
        "--first-response-ticket-target",
        help="First-response target of e-mail and other tickets, s, where the warehouse has "
        "no SLA target (--by-channel).",
    ),
    channel: list[str] | None = ChannelOption,
    team: list[str] | None = TeamOption,
    tag: list[str] | None = TagOption,
    source: list[str] | None = SourceOption,
    queue: list[str] | None = QueueOption,
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    fmt: OutputFormat = FormatOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Targets of DESIGN §1 (wait <= 120 s, CSAT >= 85 %, resolution >= 90 %, abandonment
    -15 % vs the previous period), first response, self-service deflection and the Gini of
    conversations per agent. With --by-channel: first response per channel against its
    target (the SLA target most of the channel's first responses are held to, else 60 s for
    chat and calls, 4 h for tickets), as the dashboard's scorecard.

    Example: supportstats report scorecard --from 2024-03-01 --to 2024-03-31 --by-team
    """
    from supportstats.db import open_warehouse
    from supportstats.reports import Targets, first_response_by_channel, scorecard

    for name, value in (
        ("--csat-target", csat_target),
        ("--resolution-target", resolution_target),
        ("--deflection-target", deflection_target),
    ):
        if value is not None and not 0 <= value <= 1:
            raise OptionError(f"{name} {value} is not between 0 and 1", f"e.g. {name} 0.85")
    if by_channel and by_team:
        raise OptionError("--by-channel and --by-team do not go together", "pick one")
    options, period = parse_common(option, from_, to)
    targets = Targets(
        wait_target,
        csat_target,
        resolution_target,
        abandon_drop,
        deflection_target,
        first_response_live_s=live_target,
        first_response_ticket_s=ticket_target,
    )
    filters = filters_from(channel, team, None, tag, source, queue)
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        if by_channel:
            frame = first_response_by_channel(conn, options, period, filters, targets)
        else:
            frame = scorecard(conn, options, period, filters, targets, by_team=by_team)
    say_options(options, period)
    title = "First response by channel" if by_channel else "Scorecard"
    emit_frame(frame, fmt, title=f"{title} {period.describe()}", raw_csv=raw_csv)


@report_app.command("snapshot")
@reports_errors
def snapshot_command(
    as_of: str | None = typer.Option(
        None, "--as-of", help="Instant (ISO, UTC unless an offset is given); default now."
    ),
    option: list[str] | None = OptionOption,
    part: str = typer.Option("all", "--show", help="summary, waiting, agents or all."),
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    fmt: OutputFormat = FormatOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Contacts waiting, longest wait, queue position and ETA, agents online and their load.

    Example: supportstats report snapshot --as-of 2024-03-04T10:30:00Z --show waiting
    """
    from supportstats.db import open_warehouse
    from supportstats.metrics import MetricOptions
    from supportstats.metrics.snapshot import snapshot

    options = MetricOptions.parse(option or [])
    at = _instant(as_of)
    if part not in ("summary", "waiting", "agents", "all"):
        raise OptionError(
            f"--show {part!r} is not summary, waiting, agents or all", "e.g. --show waiting"
        )
    with open_warehouse(db, read_only=True, wait=wait) as conn:
        snap = snapshot(conn, at, options)
    if part != "all":
        emit_frame(
            getattr(snap, part),
            fmt,
            title=part.title(),
            single=part == "summary",
            raw_csv=raw_csv,
        )
    elif fmt is OutputFormat.table:
        for name in ("summary", "waiting", "agents"):
            emit_frame(getattr(snap, name), fmt, title=name.title())
    elif fmt is OutputFormat.json:
        emit_json({n: records(getattr(snap, n)) for n in ("summary", "waiting", "agents")})
    else:
        for name in ("summary", "waiting", "agents"):
            stderr.print(name)
            emit_frame(getattr(snap, name), fmt, raw_csv=raw_csv)


def _instant(text: str | None) -> dt.datetime | None:
    from supportstats.metrics.period import user_time

    if not text:
        return None
    value = user_time(text, "--as-of")  # a date or a time, in the years metrics accept
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command group to ``app``."""
    app.add_typer(report_app, name="report")
