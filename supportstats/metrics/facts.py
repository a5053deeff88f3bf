"""Derived per-conversation and per-stretch relations every metric family reads.

``conversation_facts(conn, options)`` returns the name of a temp table with one row per
conversation (see ``sql/views/conversation_facts.sql`` for the columns), built from the
canonical tables once per option set and reused on the connection; ``assignment_intervals``
does the same for agent stretches. The facts of the default definition are also kept in the
warehouse (``stored``), built by the same functions: ``build_conversation_facts`` writes
wherever ``materialise`` says, and ``scoped_sources`` narrows every input to a set of
conversations. Queries use the stored tables when they hold what is asked
(``_query.Query.facts``) and these temp tables otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import duckdb

from supportstats.errors import OptionError, SupportStatsError
from supportstats.metrics._sql import SOURCES, cached_name, cached_table, create_temp, render
from supportstats.metrics.options import MetricOptions

# SQL forms of the options that shape the facts (whitelists: option value -> fixed SQL).
FRT_START = {
    "created": "created_at",
    "first_customer_message": "coalesce(first_customer_at, created_at)",
    "assignment": "coalesce(first_assigned_at, created_at)",
    "handoff_or_reopen": "coalesce(handoff_at, created_at)",
}
# Agent-started conversations (frt_start is computed first, as frt_base).
AGENT_INITIATED = {
    # the clock starts when the customer first writes; no customer message, no FRT
    "after_customer": "case when first_customer_at is not null "
    "then greatest({frt}, first_customer_at) end",
    # Chatwoot: the agent's own opening message is the first response
    "zero": "{frt}",
    "exclude": "null::timestamptz",
}
RESOLUTION_END = {"last": "last_resolved_at", "first": "first_resolved_at"}
RESOLUTION_START = {
    "created": "created_at",
    "first_customer_message": "coalesce(first_customer_at, created_at)",
}
_EMPTY_CUTOFF = "select null::varchar as conversation_key, null::timestamptz as cutoff_at limit 0"
# Facts columns holding instants that business time converts, and the durations built on them.
_BH_DURATIONS = {
    "frt_s": ("frt_start_at", "first_reply_at"),
    "resolution_s": ("resolution_start_at", "resolved_at"),
    "wait_s": ("queued_at", "answered_at"),
    "abandon_wait_s": ("queued_at", "left_at"),
}


# A relation's source fragments (``_sql.SOURCES``): the whole tables unless narrowed.
Sources = Mapping[str, str]
# Writes the result of a SELECT to a named table: a temp table by default.
Materialise = Callable[[duckdb.DuckDBPyConnection, str, str], None]


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _temp(conn: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    create_temp(conn, name, sql)


def fact_key(options: MetricOptions) -> dict[str, Any]:
    """The options that change the conversation facts themselves (all others only change how
    facts are combined at query time)."""
    return {
        "bot": options.bot_replies,
        "frt": options.frt_start,
        "ai": options.agent_initiated,
        "rend": options.resolution_end,
        "rstart": options.resolution_start,
        "rw": options.reopen_window_h,
        "clock": options.clock,
        "schedule": options.schedule if options.clock == "business" else None,
    }


def assignment_sql(src: Sources | None = None) -> str:
    """SELECT of the agent stretches (``sql/views/assignment_interval.sql``)."""
    return render("views/assignment_interval", **(src or {}))


def assignment_intervals(conn: duckdb.DuckDBPyConnection, fp: str | None = None) -> str:
    """Temp table of agent stretches (``sql/views/assignment_interval.sql``)."""

    def build(name: str) -> None:
        create_temp(conn, name, assignment_sql())

    return cached_table(conn, "asg", {}, build, fp)


def assignment_source(conn: duckdb.DuckDBPyConnection, fp: str | None = None) -> str:
    """FROM-clause text of the agent stretches for a query that reads them once: the cached
    temp table when another metric built it already, else the SQL as a subquery (building the
    table costs more than one pass over the subquery)."""
    name = cached_name(conn, "asg", {}, fp)
    return f'"{name}"' if name else f"({assignment_sql()})"


def missed_offer_stretches(conn: duckdb.DuckDBPyConnection, asg: str, fp: str | None = None) -> str:
    """Temp table of the engagements nobody took (ended, never accepted or answered): the
    few rows ``sql/metrics/agent_missed.sql`` counts, so the agent report does not scan every
    stretch again."""

    def build(name: str) -> None:
        create_temp(
            conn,
            name,
            f'select * from "{asg}" where is_engagement and answered_at is null '
            "and ended_at is not null",
        )

    return cached_table(conn, "offers", {"asg": asg}, build, fp)


def stretch_sql(facts: str, asg: str) -> str:
    """SELECT of live stretches with handle time and their conversation's columns
    (``sql/views/stretch_facts.sql``)."""
    return render("views/stretch_facts", asg=asg, facts=facts)


def stretch_facts(
    conn: duckdb.DuckDBPyConnection, facts: str, asg: str, fp: str | None = None
) -> str:
    """Temp table of live stretches with handle time and their conversation's columns
    (``sql/views/stretch_facts.sql``), for ``facts`` (a conversation facts table name)."""

    def build(name: str) -> None:
        create_temp(conn, name, stretch_sql(facts, asg))

    return cached_table(conn, "hs", {"facts": facts, "asg": asg}, build, fp)


def build_conversation_facts(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    options: MetricOptions,
    asg: str,
    src: Sources | None = None,
    materialise: Materialise = _temp,
) -> None:
    """Compute the conversation facts for ``options`` into ``name`` (``materialise`` writes
    the final SELECT; a temp table by default), reading the conversations of ``src``.

    The summaries it joins are temp tables named after ``name`` and dropped at the end.
    Business seconds (clock=business) are swapped in only for a temp table.
    """
    src = dict(src or {})
    bots = _bool(options.bot_replies == "include")
    stem = "_ss_tmp_" + name.strip('"').replace(".", "_")
    msg, que, res = stem + "_msg", stem + "_que", stem + "_res"
    create_temp(conn, msg, render("views/message_summary", bot_replies=bots, **src))
    create_temp(conn, que, render("views/queue_summary", **src))
    cutoff = (
        render("views/reopen_cutoff", **src)
        if options.reopen_window_h is not None
        else _EMPTY_CUTOFF
    )
    create_temp(
        conn,
        res,
        render(
            "views/resolution_summary",
            cutoff=cutoff,
            resolution_events=render("views/resolution_event", **src),
        ),
        {"reopen_window_h": options.reopen_window_h},
    )
    frt = FRT_START[options.frt_start]
    sql = render(
        "views/conversation_facts",
        msg=msg,
        asg=asg,
        que=que,
        res=res,
        frt_start=frt,
        agent_initiated=AGENT_INITIATED[options.agent_initiated].format(frt=frt),
        resolved_at=RESOLUTION_END[options.resolution_end],
        resolution_end=options.resolution_end,
        resolution_start=RESOLUTION_START[options.resolution_start],
        bot_replies=bots,
        **src,
    )
    materialise(conn, name, sql)
    for t in (msg, que, res):
        conn.execute(f'drop table temp."{t}"')
    if options.clock == "business" and materialise is _temp:
        _to_business_time(conn, name, options)


def conversation_facts(
    conn: duckdb.DuckDBPyConnection,
    options: MetricOptions,
    fp: str | None = None,
    asg: str | None = None,
    scope: str | None = None,
) -> str:
    """Temp table name of the conversation facts for ``options`` (built on first use).

    ``asg`` names the agent stretches (a temp table is built when not given); ``scope`` a
    table of ``conversation_key``s to compute the facts of (all conversations when None).
    """
    key = {**fact_key(options), "scope": scope}
    asg = asg or assignment_intervals(conn, fp)
    src = scoped_sources(scope) if scope else None

    def build(name: str) -> None:
        build_conversation_facts(conn, name, options, asg, src)

    return cached_table(conn, "facts", key, build, fp)


def scoped_sources(keys: str) -> dict[str, str]:
    """Source fragments narrowed to the conversations in table ``keys`` (column
    ``conversation_key``): every derived relation of a conversation reads only its own rows,
    so its facts computed this way are the same as in a whole-warehouse computation."""
    return {s: f'(select * from {s} semi join "{keys}" using (conversation_key))' for s in SOURCES}


def schedule_expression(conn: duckdb.DuckDBPyConnection, options: MetricOptions) -> str:
    """SQL giving each facts row (alias ``f``) its schedule_key for business time.

    ``schedule=queue``: the queue's schedule, else the account-wide schedule assignment (one
    naming the conversation's source system first: a vendor's default schedule, e.g.
    Zendesk's), else the only schedule there is. Any other value names one schedule for
    everything.
    """
    keys = [r[0] for r in conn.execute("select schedule_key from schedule").fetchall()]
    if not keys:
        raise OptionError(
            "clock=business needs business hours, but the warehouse has no schedule",
            "import a schedule (schedule, schedule_interval, schedule_holiday) or use "
            "--option clock=calendar",
        )
    if options.schedule != "queue":
        if options.schedule not in keys:
            raise OptionError(
                f"schedule {options.schedule!r} is not in the warehouse",
                "known schedules: " + ", ".join(sorted(keys)[:20]),
            )
        _check_schedule_zones(conn, options.schedule)
        return "$schedule_key"
    _check_schedule_zones(conn, None)
    only = "$schedule_key" if len(keys) == 1 else "null"
    return (
        "coalesce((select q.schedule_key from queue q where q.queue_key = f.queue_key limit 1),"
        " (select a.schedule_key from schedule_assignment a where a.scope = 'account'"
        "  and (a.scope_key is null or starts_with(f.conversation_key, a.scope_key || ':'))"
        "  order by a.scope_key is null, a.valid_from desc nulls last limit 1), " + only + ")"
    )


def _check_schedule_zones(conn: duckdb.DuckDBPyConnection, key: str | None) -> None:
    """Refuse a schedule whose timezone DuckDB does not know (one stored before imports
    checked it): business time would fail half-way with DuckDB's own error."""
    bad = conn.execute(
        """
        select schedule_key, timezone from schedule
        where ($key is null or schedule_key = $key)
          and (timezone is null
               or lower(timezone) not in (select lower(name) from pg_timezone_names()))
        order by schedule_key limit 1
        """,
        {"key": key},
    ).fetchall()
    if bad:
        schedule, zone = bad[0]
        raise SupportStatsError(
            f"schedule {schedule!r} in the warehouse has timezone {zone!r}, which is not a "
            "known time zone, so business hours cannot be computed",
            "fix the timezone in the schedule file (an IANA name such as Europe/Madrid) and "
            "import it again, or use --option clock=calendar",
        )


def _to_business_time(conn: duckdb.DuckDBPyConnection, facts: str, options: MetricOptions) -> None:
    """Replace the FRT, resolution and wait durations of ``facts`` by business seconds.

    Rows whose schedule cannot be found get NULL business durations (never 0: a zero would
    drag averages down, the trap Chatwoot users fall into).
    """
    sched = schedule_expression(conn, options)  # raises when there is no schedule at all
    keys = [r[0] for r in conn.execute("select schedule_key from schedule").fetchall()]
    params = {"schedule_key": options.schedule if options.schedule != "queue" else keys[0]}
    instants = sorted({c for pair in _BH_DURATIONS.values() for c in pair})
    points = f"{facts}_pts"
    create_temp(
        conn,
        points,
        f"""
        select conversation_key, name, schedule_key, ts from (
            select f.conversation_key, {sched} as schedule_key, {", ".join(instants)}
            from "{facts}" f
        ) unpivot (ts for name in ({", ".join(instants)}))
        where schedule_key is not null
        """,
        params,
    )
    span = conn.execute(f'select min(ts), max(ts) from "{points}"').fetchall()[0]
    if span[0] is None:
        conn.execute(f'drop table temp."{points}"')
        for col in _BH_DURATIONS:
            conn.execute(f'update "{facts}" set {col} = null')
        return
    first_day = (span[0] - dt.timedelta(days=2)).date()
    last_day = (span[1] + dt.timedelta(days=2)).date()
    calendar = f"{facts}_cal"
    create_temp(
        conn,
        calendar,
        render("views/business_calendar"),
        {"first_day": first_day, "last_day": last_day},
    )
    bt = f"{facts}_bt"
    create_temp(conn, bt, render("views/business_time", points=points, calendar=calendar))
    pivot = ", ".join(f"max(b_s) filter (where name = '{c}') as {c}" for c in instants)
    # a span the calendar clock left out (it runs backwards) stays out in business time
    sets = ", ".join(
        f"{col} = case when f.{col} is not null then b.{end} - b.{start} end"
        for col, (start, end) in _BH_DURATIONS.items()
    )
    conn.execute(
        f"""
        update "{facts}" f set {sets}
        from (select conversation_key, {pivot} from "{bt}" group by conversation_key) b
        where b.conversation_key = f.conversation_key
        """
    )
    # rows without a schedule keep no calendar values under a business clock (NOT EXISTS,
    # not NOT IN: Spark runs a NOT IN of an UPDATE's CASE as a nested loop over both tables)
    conn.execute(
        f"""update "{facts}" f set {", ".join(f"{c} = null" for c in _BH_DURATIONS)}
        where not exists (
            select 1 from "{points}" p where p.conversation_key = f.conversation_key
        )"""
    )
    for t in (points, calendar, bt):
        conn.execute(f'drop table temp."{t}"')
