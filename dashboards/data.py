"""Cached loaders: the only place the dashboard touches the warehouse.

Each loader opens the DuckDB file **read-only and only for the call** (DESIGN.md §2): a process
that keeps even a read-only connection open makes ``supportstats import`` in another process
wait for it. Loaders call the same library functions as the CLI (``supportstats.reports``,
``supportstats.metrics``, ``supportstats.planning``) and never compute a metric themselves.

Cache keys are plain values: a :class:`Source` (path + modification time of the file and its
WAL, so an import that changes the file refreshes every page), ISO dates, tuples of channels
and of option pairs.

While an import writes the warehouse, DuckDB lets nobody read it. A loader then waits only
:data:`BUSY_WAIT_S` (a page must not hang for the CLI's 300 s), and when the warehouse is
still taken it returns the figures it last read for the same arguments (kept past the cache's
TTL and the file's changes by :func:`_keeps_last`), or raises
:class:`~supportstats.errors.WarehouseBusy` when it has none. :func:`busy` says who holds the
file, and :func:`as_of` when the figures shown were read; the frame shows both and reruns
when the import ends.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime as dt
import functools
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from supportstats.db import ENV_DB, default_db_path, open_warehouse
from supportstats.errors import OptionError, SupportStatsError, WarehouseBusy
from supportstats.metrics import Filters, MetricOptions, Period, metrics_table, query
from supportstats.metrics._sql import to_frame
from supportstats.metrics.conversations import conversations
from supportstats.metrics.sla import notes as sla_notes
from supportstats.metrics.sla import sla, sla_conversations
from supportstats.metrics.snapshot import Snapshot, snapshot
from supportstats.metrics.snapshot import last_instant as snapshot_last_instant
from supportstats.metrics.table import add_names
from supportstats.planning.backtest import model_check
from supportstats.planning.history import contact_history
from supportstats.planning.plan import (
    DAY_HORIZON,
    DEFAULT_INTERVAL,
    ForecastResult,
    RosterRules,
    StaffingTargets,
    forecast_queues,
    queue_targets,
    staffing_for_forecast,
    targets_for_queues,
)
from supportstats.reports import (
    Targets,
    agent_report,
    first_response_by_channel,
    mark_incomplete,
    scorecard,
)
from supportstats.reports.scorecard import (
    CHANNEL_KINDS,
    channels_of_kind,
    first_response_targets,
)
from supportstats.warehouse_info import batches, coverage, reject_reasons, table_counts
from supportstats.warehouse_lock import Holder, holder_from, is_lock_error

T = TypeVar("T")
TTL = "5m"
BUSY_WAIT_S = 1.0  # how long one page load waits for an import before showing older figures
REFRESH_S = 3.0  # how often a page showing older figures checks whether the import ended
_KEPT = 256  # last results kept per dashboard process, for when the warehouse is busy
OptionPairs = tuple[tuple[str, Any], ...]
# keys matched, and (value, why) for each value that matched nothing
Resolved = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


def db_path(argv: Sequence[str] | None = None) -> Path:
    """The warehouse: ``-- --db PATH`` after ``streamlit run``, else ``$SUPPORTSTATS_DB``,
    else ``supportstats.duckdb`` in the working directory (as the CLI)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    # parse_known_args: under pytest/AppTest sys.argv holds pytest's own arguments
    known, _ = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if known.db:
        return Path(known.db)
    return Path(os.environ[ENV_DB]) if os.environ.get(ENV_DB) else default_db_path()


@dataclass(frozen=True)
class Source:
    """A warehouse file as a cache key: a new import changes ``mtime`` and so the key."""

    path: str
    mtime: float | None

    @classmethod
    def of(cls, path: Path) -> Source:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return cls(str(path), None)
        try:  # an import may change only the write-ahead log
            mtime = max(mtime, Path(f"{path}.wal").stat().st_mtime)
        except OSError:
            pass
        return cls(str(path), mtime)


# Per warehouse path: when the dashboard last read it, and last found it busy (monotonic).
_last_read: dict[str, dt.datetime] = {}
_busy_seen: dict[str, float] = {}


def _read(source: Source, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``work`` on a short-lived read-only connection. While an import holds the file
    this waits :data:`BUSY_WAIT_S` at most, and not at all when a load of this page run
    already found it busy; then raises :class:`WarehouseBusy`."""
    recently_busy = time.monotonic() - _busy_seen.get(source.path, -1e9) < REFRESH_S
    try:
        with open_warehouse(
            source.path, read_only=True, wait=0 if recently_busy else BUSY_WAIT_S, on_wait=None
        ) as conn:
            result = work(conn)
    except WarehouseBusy:
        _busy_seen[source.path] = time.monotonic()
        raise
    _last_read[source.path] = dt.datetime.now()
    return result


def busy(path: Path) -> Holder | None:
    """The process writing the warehouse (an import), or None when it can be read now.
    Opens and closes it read-only once, without waiting."""
    if not path.is_file():
        return None
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as exc:
        if not is_lock_error(str(exc)):
            return None  # not ours to report here: the loaders say what is wrong
        _busy_seen[str(path)] = time.monotonic()
        return holder_from(str(exc), read_only=True)
    _busy_seen.pop(str(path), None)
    return None


def as_of(path: Path) -> dt.datetime | None:
    """When this dashboard process last read the warehouse (the figures it shows are from
    then or before), or None when it never has."""
    return _last_read.get(str(path))


_kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_kept_lock = threading.Lock()


def _keeps_last(loader: Callable[..., T]) -> Callable[..., T]:
    """Wrap a cached loader: each result is also kept (the last :data:`_KEPT` of them, past the
    cache's TTL and the file's changes), and returned again while an import holds the file.
    Raises :class:`WarehouseBusy` only when there is nothing to show for those arguments."""

    @functools.wraps(loader)
    def load(source: Source, *args: Any, **kwargs: Any) -> T:
        key = (loader.__name__, source.path, args, tuple(sorted(kwargs.items())))
        try:
            value = loader(source, *args, **kwargs)
        except WarehouseBusy:
            with _kept_lock:
                if key not in _kept:
                    raise
                return copy.deepcopy(_kept[key])
        with _kept_lock:
            _kept[key] = copy.deepcopy(value)  # a page may change what it was given
            _kept.move_to_end(key)
            while len(_kept) > _KEPT:
                _kept.popitem(last=False)
        return value

    load.clear = loader.clear  # type: ignore[attr-defined]
    return load


@dataclass(frozen=True)
class Status:
    """What the warehouse holds: ``state`` is ok, missing, empty or error."""

    state: str
    message: str = ""
    conversations: int = 0


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def status(source: Source) -> Status:
    """Whether there is anything to show (the frame shows an empty state otherwise)."""
    if source.mtime is None:
        return Status("missing", f"No warehouse at {source.path}.")
    try:
        counts = _read(source, table_counts)
    except WarehouseBusy:
        raise  # not cached: the figures kept from before are shown meanwhile
    except SupportStatsError as exc:
        return Status("error", f"{exc.message}. {exc.hint or ''}".strip())
    rows = dict(zip(counts["table"], counts["rows"], strict=True)).get("conversation", 0)
    if not rows:
        return Status("empty", f"The warehouse {source.path} holds no conversations yet.")
    return Status("ok", conversations=int(rows))


@dataclass(frozen=True)
class Bounds:
    """Choices for the sidebar filters: the days with contacts, channels and queues."""

    first_day: dt.date
    last_day: dt.date
    channels: tuple[str, ...]
    queues: tuple[tuple[str, str], ...]  # (queue_key, name)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def bounds(source: Source) -> Bounds:
    """Filter choices, from the volume metric grouped by day, channel and queue."""

    def work(conn: duckdb.DuckDBPyConnection) -> Bounds:
        days = metrics_table(query(conn, by=["day"]), families=["volume"])["day"].dropna()
        channels = metrics_table(query(conn, by=["channel"]), families=["volume"])
        queues = metrics_table(query(conn, by=["queue"]), families=["volume"])
        queues = queues.sort_values("contacts", ascending=False)
        return Bounds(
            first_day=min(days),
            last_day=max(days),
            channels=tuple(sorted(str(c) for c in channels["channel"].dropna())),
            queues=tuple(
                (str(k), str(n))
                for k, n in zip(queues["queue_key"], queues["queue"], strict=True)
                if k is not None and k == k
            ),
        )

    return _read(source, work)


# The list filters, named as the CLI's flags (`--channel`, `--team`, ...) and the URL's keys.
LIST_FILTERS = ("channel", "team", "agent", "queue", "tag", "source")


@dataclass(frozen=True)
class Choices:
    """What each list filter can be, from the warehouse: (key, label) pairs, busiest or by name.

    Keys are what the URL carries and the CLI accepts; labels are what the sidebar shows.
    """

    channel: tuple[tuple[str, str], ...] = ()
    team: tuple[tuple[str, str], ...] = ()
    agent: tuple[tuple[str, str], ...] = ()
    queue: tuple[tuple[str, str], ...] = ()
    tag: tuple[tuple[str, str], ...] = ()
    source: tuple[tuple[str, str], ...] = ()

    def keys(self, name: str) -> list[str]:
        return [k for k, _ in getattr(self, name)]

    def labels(self, name: str) -> dict[str, str]:
        return dict(getattr(self, name))


# A dimension's rows and the keys the facts use without a row of their own (no agents file
# imported): labelled by name, the key when it has none; a name two rows share gets its key.
_DIMENSION_SQL = """
with named as (
    select {t}_key as key, coalesce(nullif(trim(name), ''), {t}_key) as name{extra}
    from {t}
), used as (
    select distinct k as key from ({uses}) u(k) where k is not null
)
select key, name{extra_out} from named
union all
select key, key{extra_none} from used where key not in (select key from named)
"""
_USES = {
    "agent": ("conversation.assignee_agent_key", "engagement.agent_key"),
    "team": ("conversation.team_key",),
    "queue": ("conversation.queue_key",),
}


def _dimension(conn: duckdb.DuckDBPyConnection, table: str) -> tuple[tuple[str, str], ...]:
    uses = " union ".join(f"select {c.split('.')[1]} from {c.split('.')[0]}" for c in _USES[table])
    extra = ", email" if table == "agent" else ""
    rows = conn.execute(
        _DIMENSION_SQL.format(
            t=table,
            uses=uses,
            extra=extra,
            extra_out=extra,
            extra_none=", null" if table == "agent" else "",
        )
    ).fetchall()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[1].lower()] = counts.get(row[1].lower(), 0) + 1
    out = []
    for row in rows:
        key, name = row[0], row[1]
        label = f"{name} ({key})" if counts[name.lower()] > 1 and name != key else name
        if table == "agent" and row[2] and counts[name.lower()] > 1:
            label = f"{name} <{row[2]}>"
        out.append((str(key), str(label)))
    return tuple(sorted(out, key=lambda kv: (kv[1].lower(), kv[0])))


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def filter_choices(source: Source) -> Choices:
    """Every value the sidebar's list filters offer: channels and sources as the conversations
    spell them, teams, agents and queues by name (key when nameless), tags."""

    def work(conn: duckdb.DuckDBPyConnection) -> Choices:
        def words(sql: str) -> tuple[tuple[str, str], ...]:
            return tuple((str(r[0]), str(r[0])) for r in conn.execute(sql).fetchall())

        return Choices(
            channel=words(
                "select distinct channel from conversation where channel is not null order by 1"
            ),
            team=_dimension(conn, "team"),
            agent=_dimension(conn, "agent"),
            queue=_dimension(conn, "queue"),
            tag=words(
                "select distinct t from (select unnest(tags) as t from conversation) "
                "where t is not null order by lower(t), t"
            ),
            source=words(
                "select distinct source_system from conversation "
                "where source_system is not null order by 1"
            ),
        )

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def resolve_filter(source: Source, name: str, values: tuple[str, ...]) -> Resolved:
    """The CLI's resolution of ``--<name> VALUE`` (``metrics.query``: a key, source id, name
    or e-mail, any case) for each value on its own: the keys matched, and (value, why) for
    each value that matches nothing. Tags match exactly, else ignoring case."""

    def work(conn: duckdb.DuckDBPyConnection) -> Resolved:
        keys: list[str] = []
        dropped: list[tuple[str, str]] = []
        tags: dict[str, str] = {}
        if name == "tag":
            for (tag,) in conn.execute(
                "select distinct t from (select unnest(tags) as t from conversation) "
                "where t is not null order by t"
            ).fetchall():
                tags.setdefault(tag.lower(), tag)
        for value in values:
            if name == "tag":
                there = value if value in tags.values() else tags.get(value.lower())
                if there is None:
                    dropped.append((value, f"--tag {value!r} matches no tag in the warehouse"))
                else:
                    keys.append(there)
                continue
            try:
                q = query(conn, filters=Filters.of(**{name: [value]}))
            except OptionError as exc:
                dropped.append((value, exc.message))
                continue
            keys.extend(getattr(q.filters, name))
        return tuple(dict.fromkeys(keys)), tuple(dropped)

    return _read(source, work)


@dataclass(frozen=True)
class Selection:
    """The sidebar filters as hashable values (cache keys): the period, the CLI's list
    filters as keys (``--channel``, ``--team``, ``--agent``, ``--queue``, ``--tag``,
    ``--source``) and the definition options that differ from the defaults."""

    start: str  # ISO date, inclusive
    end: str  # ISO date, inclusive
    channels: tuple[str, ...] = ()
    options: OptionPairs = ()
    team: tuple[str, ...] = ()
    agent: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    source: tuple[str, ...] = ()

    def values(self, name: str) -> tuple[str, ...]:
        """The values of one list filter, by its CLI name."""
        return self.channels if name == "channel" else getattr(self, name)

    def period(self) -> Period:
        return Period.from_dates(self.start, self.end, self.metric_options().timezone)

    def filters(self) -> Filters:
        return Filters.of(**{name: self.values(name) for name in LIST_FILTERS})

    def metric_options(self) -> MetricOptions:
        return MetricOptions.from_mapping(dict(self.options))

    def without(self, *names: str) -> Selection:
        """The same selection with some list filters cleared (``"agent"``, ...)."""
        cleared = {("channels" if n == "channel" else n): () for n in names}
        return dataclasses.replace(self, **cleared)


def by_kind(source: Source, sel: Selection) -> dict[str, Selection]:
    """The selection split by channel kind, for charts whose scales differ between chat and
    e-mail: ``{"live": ..., "ticket": ...}``, each with the selected channels (all the
    warehouse's when none is picked) of that kind
    (:func:`supportstats.reports.scorecard.channels_of_kind`); a kind with no channel is left
    out."""
    channels = sel.channels or bounds(source).channels
    return {
        kind: dataclasses.replace(sel, channels=picked)
        for kind in CHANNEL_KINDS
        if (picked := channels_of_kind(channels, kind))
    }


def _metrics(
    source: Source, sel: Selection, by: Sequence[str], families: Sequence[str]
) -> pd.DataFrame:
    return _read(
        source,
        lambda conn: metrics_table(
            query(conn, sel.metric_options(), sel.period(), sel.filters(), by=by),
            families=families,
        ),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_scorecard(source: Source, sel: Selection, targets: Targets) -> pd.DataFrame:
    """``supportstats report scorecard``: one row per KPI with target, previous and change."""
    return _read(
        source,
        lambda conn: scorecard(
            conn, sel.metric_options(), sel.period(), sel.filters(), targets=targets
        ),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_totals(source: Source, sel: Selection) -> pd.DataFrame:
    """``supportstats metrics``: one row for the whole period (contacts, CSAT, ...)."""
    return _metrics(source, sel, [], ["volume", "csat", "missed"])


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_daily(source: Source, sel: Selection) -> pd.DataFrame:
    """``supportstats metrics --by day``: the scorecard KPIs per day, for trend lines, with
    the ``incomplete`` column of :func:`supportstats.reports.mark_incomplete` (why a day's
    figures will still change, or None)."""

    def work(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        q = query(conn, sel.metric_options(), sel.period(), sel.filters(), by=["day"])
        table = metrics_table(q, families=["volume", "missed", "wait", "resolution", "csat"])
        return mark_incomplete(conn, table, "day", sel.metric_options())

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_first_response(source: Source, sel: Selection, targets: Targets) -> pd.DataFrame:
    """First response per channel against its kind's target
    (:func:`supportstats.reports.first_response_by_channel`)."""
    return _read(
        source,
        lambda conn: first_response_by_channel(
            conn, sel.metric_options(), sel.period(), sel.filters(), targets
        ),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_first_response_targets(source: Source, sel: Selection, targets: Targets) -> pd.DataFrame:
    """The first-response target of each channel kind: the warehouse's SLA target, else
    ``targets``' default (:func:`supportstats.reports.scorecard.first_response_targets`)."""
    return _read(
        source,
        lambda conn: first_response_targets(
            conn, sel.metric_options(), sel.period(), sel.filters(), targets, by="kind"
        ),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_agents(source: Source, sel: Selection) -> pd.DataFrame:
    """``supportstats report agents``: one row per agent."""
    return _read(
        source,
        lambda conn: agent_report(conn, sel.metric_options(), sel.period(), sel.filters()),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_volume(source: Source, sel: Selection, by: tuple[str, ...]) -> pd.DataFrame:
    """``supportstats metrics --by ...`` with the volume family (plus wait and missed); by
    ``day`` it carries the ``incomplete`` column (:func:`supportstats.reports.mark_incomplete`)."""

    def work(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        q = query(conn, sel.metric_options(), sel.period(), sel.filters(), by=by)
        table = metrics_table(q, families=["volume", "missed", "wait"])
        if "day" in by:
            table = mark_incomplete(conn, table, "day", sel.metric_options())
        return table

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_durations(source: Source, sel: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-conversation FRT and wait (``--by conversation``) and their summary row."""

    def work(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
        q = query(conn, sel.metric_options(), sel.period(), sel.filters())
        return conversations(q), metrics_table(q, families=["first_response", "wait"])

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_sla(source: Source, sel: Selection, by: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """``supportstats metrics --sla --by ...``: attainment per group, metric and priority,
    with the warnings about vendor policies that could not be applied."""

    def work(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, list[str]]:
        q = query(conn, sel.metric_options(), sel.period(), sel.filters(), by=by)
        frame = add_names(conn, to_frame(sla(q)))
        frame.attrs["options"] = q.options.as_dict()
        return frame, sla_notes(q)

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_sla_items(source: Source, sel: Selection, status: str | None) -> pd.DataFrame:
    """``supportstats metrics --sla --by conversation --sla-status STATUS``: the SLA items
    one by one (the breaches, with ``status="breached"``)."""
    return _read(
        source,
        lambda conn: sla_conversations(
            query(conn, sel.metric_options(), sel.period(), sel.filters()), status
        ),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_conversations(source: Source, sel: Selection) -> pd.DataFrame:
    """``supportstats metrics --by conversation``: one row per conversation, every filter."""
    return _read(
        source,
        lambda conn: conversations(
            query(conn, sel.metric_options(), sel.period(), sel.filters(), by=["conversation"])
        ),
    )


@dataclass(frozen=True)
class WarehouseData:
    """The Data page: ``supportstats db info`` and ``db rejects --summary``."""

    batches: pd.DataFrame
    reasons: pd.DataFrame
    coverage: pd.DataFrame


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_warehouse(source: Source) -> WarehouseData:
    """Import batches, rejected and skipped rows per reason, date coverage per source."""
    return _read(
        source,
        lambda conn: WarehouseData(batches(conn), reject_reasons(conn), coverage(conn)),
    )


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def last_instant(source: Source) -> dt.datetime | None:
    """The last moment the warehouse has contacts for (the live queue's default "as of")."""
    return _read(source, snapshot_last_instant)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_snapshot(source: Source, at: dt.datetime, options: OptionPairs = ()) -> Snapshot:
    """``supportstats report snapshot --as-of AT``: waiting contacts, agents and their load,
    with agent and queue names."""

    def work(conn: duckdb.DuckDBPyConnection) -> Snapshot:
        snap = snapshot(conn, at, MetricOptions.from_mapping(dict(options)))
        return Snapshot(
            snap.as_of, snap.summary, add_names(conn, snap.waiting), add_names(conn, snap.agents)
        )

    return _read(source, work)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_forecast(
    source: Source, queue: str | None, horizon: str = DAY_HORIZON, timezone: str | None = None
) -> ForecastResult:
    """``supportstats forecast [--queue Q] [--timezone TZ]``: contacts and AHT per interval
    after the history ends for ``queue`` (None: every queue, one grid), with the holdout
    accuracy and the note on contacts left out (``forecast_queues``)."""
    contacts = _read(source, lambda conn: contact_history(conn, queue))
    queues = [queue] if queue is not None else None
    return forecast_queues(contacts, queues=queues, horizon=horizon, timezone=timezone)


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_queue_targets(source: Source, queue: str | None) -> StaffingTargets:
    """The staffing preset of ``queue`` by its channel (``planning.plan.queue_targets``):
    the starting point of the staffing page's sliders."""
    return _read(source, lambda conn: queue_targets(conn, queue))


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_model_check(
    source: Source, queue: str, targets: StaffingTargets, interval: str = DEFAULT_INTERVAL
) -> str | None:
    """``supportstats plan``'s model check: how well ``targets``' queueing model described
    ``queue``'s own history, one sentence (None: nothing to compare)."""
    summary = _read(
        source, lambda conn: model_check(conn, queue, targets=targets, interval=interval)
    )
    return None if summary is None else summary.model_line()


@_keeps_last
@st.cache_data(ttl=TTL, show_spinner=False)
def load_plan(
    source: Source,
    queue: str | None,
    targets: StaffingTargets | None,
    volume_factor: float = 1.0,
    aht_factor: float = 1.0,
    horizon: str = DAY_HORIZON,
    timezone: str | None = None,
    rules: RosterRules | None = None,
) -> tuple[ForecastResult, pd.DataFrame]:
    """``supportstats plan``: the forecast (:func:`load_forecast`) and agents per interval
    for ``targets`` (None: each queue's channel preset, ``targets_for_queues``), volume and
    handle time scaled by the what-if factors, then the roster ``rules``
    (``staffing_for_forecast``). ``queue`` None: every queue."""
    result = load_forecast(source, queue, horizon, timezone)
    chosen = targets_for_queues(result.forecast) if targets is None else targets
    plan = staffing_for_forecast(
        result.forecast, chosen, interval=result.interval, queue=queue,
        volume_factor=volume_factor, aht_factor=aht_factor, rules=rules,
    )  # fmt: skip
    return result, plan
