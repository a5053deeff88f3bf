"""``supportstats metrics``: every metric, grouped and filtered, as table, CSV or JSON."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    DbOption,
    FormatOption,
    OutputFormat,
    RawCsvOption,
    Spool,
    WaitOption,
    emit_batches,
    emit_frame,
    reports_errors,
    stderr,
)
from supportstats.errors import OptionError

# Light: options.py and period.py need neither pandas nor duckdb (supportstats.metrics loads
# its other modules on first use). The metric tables and the warehouse are imported inside
# the functions that use them, never at module level: `supportstats --help` must start fast.
from supportstats.metrics.options import DESCRIPTIONS

if TYPE_CHECKING:
    from supportstats.metrics import Filters, MetricOptions, Period

# The names of supportstats.metrics.table.FAMILIES (a module that needs pandas and duckdb),
# written out for --help. tests/test_cli.py checks that the two agree.
FAMILY_NAMES = (
    "volume",
    "missed",
    "first_response",
    "next_reply",
    "wait",
    "duration",
    "handle_time",
    "engagements",
    "resolution",
    "csat",
    "concurrency",
    "utilisation",
)

_OPTION_HELP = (
    "Definition option name=value, repeatable (see docs/metrics.md). Known: "
    + ", ".join(DESCRIPTIONS)
)

ByOption = typer.Option(
    None,
    "--by",
    "-b",
    help="Group by: agent, team, channel, queue, priority, kind, source, day, week, month, "
    "hour_of_day, day_of_week, interval, or conversation (one row each). Repeatable.",
)
FromOption = typer.Option(None, "--from", help="First day (YYYY-MM-DD, reporting timezone).")
ToOption = typer.Option(None, "--to", help="Last day, inclusive (YYYY-MM-DD).")
OptionOption = typer.Option(None, "--option", "-o", help=_OPTION_HELP)
# Filters shared by `metrics` and `report`: each repeatable, rows must match one of the values.
ChannelOption = typer.Option(
    None,
    "--channel",
    metavar="CHANNEL",
    help="Only this channel (chat, email, messaging, voice, ...; any case).",
)
TeamOption = typer.Option(None, "--team", metavar="TEAM", help="Only this team: its name or key.")
AgentOption = typer.Option(
    None, "--agent", metavar="AGENT", help="Only this agent: name, e-mail or key."
)
TagOption = typer.Option(None, "--tag", metavar="TAG", help="Only conversations tagged so.")
SourceOption = typer.Option(
    None, "--source", metavar="SOURCE", help="Only this source system (e.g. zendesk)."
)
QueueOption = typer.Option(
    None,
    "--queue",
    metavar="QUEUE",
    help="Only this queue: its name (WhatsApp) or key (generic:WhatsApp).",
)


def filters_from(
    channel: list[str] | None,
    team: list[str] | None,
    agent: list[str] | None,
    tag: list[str] | None,
    source: list[str] | None,
    queue: list[str] | None = None,
) -> Filters:
    """Filters from repeatable CLI options."""
    from supportstats.metrics import Filters

    return Filters.of(channel=channel, team=team, agent=agent, tag=tag, source=source, queue=queue)


def parse_common(
    option: list[str] | None, from_: str | None, to: str | None
) -> tuple[MetricOptions, Period]:
    """Options and period as the user typed them (dates read in the option timezone)."""
    from supportstats.metrics import MetricOptions, Period

    options = MetricOptions.parse(option or [])
    return options, Period.from_dates(from_, to, options.timezone)


def say_options(options: MetricOptions, period: Period) -> None:
    """Name the definitions used, on stderr (data on stdout stays clean)."""
    stderr.print(f"Period: {period.describe()}; options: {options.describe()}")


EngineOption = typer.Option(
    "duckdb",
    "--engine",
    metavar="duckdb|spark",
    help="duckdb (the warehouse, default) or spark (a Parquet lake from `db export`; needs "
    "the spark extra and Java 17; see docs/spark.md).",
)
LakeOption = typer.Option(
    None, "--lake", metavar="DIR", help="With --engine spark: the lake folder (db export)."
)
SparkMasterOption = typer.Option(
    None,
    "--spark-master",
    metavar="URL",
    help="With --engine spark: the Spark master (default local[2]; e.g. spark://host:7077).",
)


def _spark_query(
    lake: Path | None,
    master: str | None,
    options: MetricOptions,
    period: Period,
    filters: Filters,
    by: list[str],
):
    """The metric Query on Spark over ``lake`` (``--engine spark``): every table below runs
    on it as on the warehouse (docs/spark.md)."""
    from supportstats.spark.engine import spark_query

    if lake is None:
        raise OptionError(
            "--engine spark reads a lake: --lake DIR is missing",
            "write one with: supportstats db export --format parquet DIR",
        )
    return spark_query(lake, options, period, filters, by, master=master)


def register(app: typer.Typer) -> None:
    """Add the ``metrics`` command to ``app``."""

    @app.command("metrics")
    @reports_errors
    def metrics_command(
        by: list[str] | None = ByOption,
        from_: str | None = FromOption,
        to: str | None = ToOption,
        option: list[str] | None = OptionOption,
        channel: list[str] | None = ChannelOption,
        team: list[str] | None = TeamOption,
        agent: list[str] | None = AgentOption,
        tag: list[str] | None = TagOption,
        source: list[str] | None = SourceOption,
        queue: list[str] | None = QueueOption,
        metric: list[str] | None = typer.Option(
            None,
            "--metric",
            "-m",
            help="Only these metric families: " + ", ".join(FAMILY_NAMES) + ".",
        ),
        sla_flag: bool = typer.Option(
            False,
            "--sla",
            help="SLA attainment per metric x priority instead; with --by conversation, "
            "each SLA item (conversation x metric) with target, value and status.",
        ),
        sla_status: str | None = typer.Option(
            None,
            "--sla-status",
            metavar="STATUS",
            help="With --sla --by conversation: only items met, breached or pending.",
        ),
        compare: bool = typer.Option(
            False, "--compare-source", help="Ours next to the vendor's own numbers (src_*)."
        ),
        db: Path | None = DbOption,
        wait: str | None = WaitOption,
        fmt: OutputFormat = FormatOption,
        raw_csv: bool = RawCsvOption,
        engine: str = EngineOption,
        lake: Path | None = LakeOption,
        spark_master: str | None = SparkMasterOption,
    ) -> None:
        """Support metrics per group: contacts, FRT, wait, resolution, CSAT, concurrency, ...

        Without --by, one row (JSON: one object) for the whole period.

        Example: supportstats metrics --by agent --from 2024-03-01 --to 2024-03-31
        --option clock=business --format csv

        On Spark, over a lake: supportstats metrics --by agent --engine spark --lake lake/
        """
        from supportstats.db import open_warehouse
        from supportstats.metrics import metrics_table, query
        from supportstats.metrics.conversations import conversation_batches, conversations
        from supportstats.metrics.reconcile import compare_source
        from supportstats.metrics.sla import notes as sla_notes
        from supportstats.metrics.sla import sla, sla_conversations
        from supportstats.metrics.table import FAMILIES

        options, period = parse_common(option, from_, to)
        filters = filters_from(channel, team, agent, tag, source, queue)
        unknown = [m for m in metric or [] if m not in FAMILIES]
        if unknown:
            raise OptionError(
                f"unknown metric family {unknown[0]!r}",
                "choose from: " + ", ".join(FAMILIES),
            )
        if sla_flag and compare:
            raise OptionError(
                "--sla and --compare-source are separate tables", "pass one of them at a time"
            )
        if engine not in ("duckdb", "spark"):
            raise OptionError(f"unknown --engine {engine!r}", "choose duckdb or spark")
        if engine == "duckdb" and (lake is not None or spark_master is not None):
            raise OptionError(
                "--lake and --spark-master go with --engine spark",
                "add --engine spark, or drop them",
            )
        spool: Spool | None = None
        with contextlib.ExitStack() as stack:
            if engine == "spark":
                from supportstats.spark.engine import spark_errors

                stack.enter_context(spark_errors())
                q = _spark_query(lake, spark_master, options, period, filters, by or [])
                stack.callback(q.conn.close)
            else:
                conn = stack.enter_context(open_warehouse(db, read_only=True, wait=wait))
                q = query(conn, options, period, filters, by=by or [])
            if sla_status is not None and not (sla_flag and "conversation" in q.by):
                raise OptionError(
                    "--sla-status lists SLA items, with --sla --by conversation",
                    "add --sla --by conversation, or drop --sla-status",
                )
            if "conversation" in q.by and sla_flag:
                frame = sla_conversations(q, sla_status)  # the items, e.g. the breaches
                for note in sla_notes(q):
                    stderr.print(f"Warning: {note}")
            elif "conversation" in q.by:
                if compare:
                    raise OptionError(
                        "--by conversation cannot combine with --compare-source",
                        "drop --by conversation, or --compare-source",
                    )
                if fmt is not OutputFormat.table:  # streamed: a year need not fit in memory
                    # spooled, and printed once the warehouse is closed (imports wait for it)
                    spool = Spool(conversation_batches(q))
                else:
                    frame = conversations(q)
            elif sla_flag:
                frame = sla(q).df()
                for note in sla_notes(q):  # vendor policies that could not be applied
                    stderr.print(f"Warning: {note}")
            elif compare:
                frame = compare_source(q)
            else:
                frame = metrics_table(q, families=metric or None)
        say_options(options, period)
        if spool is not None:
            try:
                emit_batches(spool.frames(), fmt, raw_csv=raw_csv)
            finally:
                spool.close()
            return
        single = not q.by and not sla_flag and not compare
        emit_frame(frame, fmt, title=f"Metrics {period.describe()}", single=single, raw_csv=raw_csv)
