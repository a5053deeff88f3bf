"""Facts kept in the warehouse and maintained at import (docs/metrics.md#stored-facts).

Every report reads per-conversation facts, agent stretches and scored ratings. Computing them
from the canonical tables takes seconds per million conversations, which a fresh process or a
dashboard page would pay on every request, so they are stored as tables:

* ``fact_conversation``: ``views/conversation_facts`` for the default definition of the
  options that shape facts (``facts.fact_key``), in ``created_at`` order;
* ``fact_assignment``: ``views/assignment_interval`` (option-free), in ``started_at`` order;
* ``fact_stretch``: ``views/stretch_facts`` of the two (every stretch with its conversation's
  columns), in ``created_at`` order;
* ``fact_rating``: ``views/rating_score`` (option-free: thresholds apply at query time);
* ``fact_csat``: ``views/csat_rows`` (latest rating per offered conversation), in
  ``created_at`` order;
* ``fact_segment``: each agent's concurrency pieces (``stored_segments``), in ``s`` order.

Time order lets DuckDB's zone maps skip the row groups outside a period. ``fact_state``
records the definition the tables were built with (a hash of the SQL and options below) and
the data they were built from (``_sql.fingerprint``: table sizes and the import log). A
reader uses them only when both match (:func:`is_current`) and otherwise computes on demand,
so neither an upgrade that changes a definition nor rows written outside an import can serve
stale facts. Opening the warehouse for writing rebuilds them when the definition differs
(:func:`ensure`); each import recomputes the facts of the conversations its batch touched,
in its own transaction (:func:`refresh`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from supportstats.db import memory_budget, memory_limit, restore_memory_limit
from supportstats.metrics import stored_segments
from supportstats.metrics._sql import SOURCES, create_temp, fingerprint, render
from supportstats.metrics.csat import csat_rows_sql
from supportstats.metrics.facts import (
    assignment_sql,
    build_conversation_facts,
    fact_key,
    scoped_sources,
    stretch_sql,
)
from supportstats.metrics.options import MetricOptions
from supportstats.sql import load_sql

# Bumped by hand when something the SQL files below do not show changes how facts are built
# (the sweep of stored_segments, for one).
_FACTS_REVISION = 7
_DEFINITION_FILES = (
    "views/conversation_facts.sql",
    "views/message_summary.sql",
    "views/queue_summary.sql",
    "views/resolution_summary.sql",
    "views/resolution_event.sql",
    "views/assignment_interval.sql",
    "views/stretch_facts.sql",
    "views/rating_score.sql",
    "views/csat_rows.sql",
    "views/touched_conversations.sql",
    "views/reopen_cutoff.sql",
)
DEFAULTS = MetricOptions()

# Reports how far a build is: (what, step, steps).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FactTable:
    """A stored fact table: its name, what it holds and the column it is sorted by."""

    name: str
    label: str
    order: str


TABLES = (
    FactTable("fact_assignment", "agent stretches", "started_at"),
    FactTable("fact_conversation", "conversations", "created_at"),
    FactTable("fact_stretch", "agent stretches by conversation", "created_at"),
    FactTable("fact_rating", "ratings", "rated_at"),
    FactTable("fact_csat", "CSAT rows", "created_at"),
)
# and fact_segment (stored_segments.py): swept in numpy from fact_assignment, not one SELECT
SEGMENTS = FactTable(stored_segments.TABLE, "concurrency segments", "s")
ALL_TABLES = (*TABLES, SEGMENTS)
_TOUCHED = "_ss_touched"
FACTS_MEMORY_LIMIT = "3GB"
# Above this share of the warehouse touched by one batch, rebuilding everything in time order
# is cheaper than deleting and re-inserting (and keeps the tables sorted).
_REBUILD_SHARE = 0.5


@functools.cache
def definition() -> str:
    """Hash of everything the stored facts depend on besides the data: the SQL files, the
    SQL forms of the options chosen in Python, the schema version (the ``*_all`` views live
    in migrations) and a revision bumped by hand for the rest (the sweep)."""
    from supportstats.db import SCHEMA_VERSION
    from supportstats.metrics.csat import LATEST
    from supportstats.metrics.facts import (
        AGENT_INITIATED,
        FRT_START,
        RESOLUTION_END,
        RESOLUTION_START,
    )

    text = repr((_FACTS_REVISION, SCHEMA_VERSION, sorted(fact_key(DEFAULTS).items())))
    text += repr((FRT_START, AGENT_INITIATED, RESOLUTION_END, RESOLUTION_START, LATEST))
    text += stored_segments.STRETCHES
    text += "".join(load_sql(name) for name in _DEFINITION_FILES)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _state(conn: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(definition, data stamp) the stored facts were built with, or None."""
    try:
        rows = conn.execute("select definition, data_stamp from fact_state").fetchall()
    except duckdb.CatalogException:
        return None
    return (rows[0][0], rows[0][1]) if len(rows) == 1 else None


def is_current(conn: duckdb.DuckDBPyConnection, fp: str | None = None) -> bool:
    """Whether the stored facts have this code's definition and the warehouse's data
    (``fp``: its fingerprint, computed when not given)."""
    return _state(conn) == (definition(), fp or fingerprint(conn))


def _state_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """The bookkeeping tables of migration 005, also for a warehouse that got an earlier
    draft of it (they hold nothing a rebuild cannot make again)."""
    conn.execute(
        "create table if not exists fact_state "
        "(definition varchar, data_stamp varchar, built_at timestamptz)"
    )
    conn.execute(
        "create table if not exists fact_pending (batch_id integer, conversation_key varchar)"
    )


def _stamp(conn: duckdb.DuckDBPyConnection) -> None:
    """Record that the stored facts are those of the data as it is now."""
    _state_tables(conn)
    conn.execute("delete from fact_state")
    conn.execute(
        "insert into fact_state values ($d, $s, now())",
        {"d": definition(), "s": fingerprint(conn)},
    )


def serves(options: MetricOptions) -> bool:
    """Whether ``fact_conversation`` holds the facts of ``options`` (the stored definition)."""
    return fact_key(options) == fact_key(DEFAULTS)


_TOUCHED_FACTS = "_ss_touched_facts"
_SOURCE = "_ss_touched_src_"
_TOUCHED_ASG = "_ss_touched_asg"
_TOUCHED_RATINGS = "_ss_touched_ratings"
# the touched rows of the tables later ones read, kept as temp tables on the way in
_KEPT = {
    "fact_assignment": _TOUCHED_ASG,
    "fact_conversation": _TOUCHED_FACTS,
    "fact_rating": _TOUCHED_RATINGS,
}


def _select(
    conn: duckdb.DuckDBPyConnection,
    table: FactTable,
    src: dict[str, str] | None,
    write: Callable[[str], None],
) -> None:
    """Compute ``table`` from the sources ``src`` (all conversations when None) and hand its
    SELECT to ``write``. The tables are computed in :data:`TABLES` order, each reading the
    ones before it (for a subset, their rows of that subset)."""
    asg = "fact_assignment" if src is None else _TOUCHED_ASG
    if table.name == "fact_assignment":
        write(assignment_sql(src))
    elif table.name == "fact_conversation":

        def materialise(_c: duckdb.DuckDBPyConnection, _name: str, sql: str) -> None:
            write(sql)

        build_conversation_facts(conn, "fact_conversation", DEFAULTS, asg, src, materialise)
    elif table.name == "fact_stretch":
        write(stretch_sql("fact_conversation" if src is None else _TOUCHED_FACTS, asg))
    elif table.name == "fact_rating":
        write(render("views/rating_score", **(src or {})))
    else:
        scores = "fact_rating" if src is None else _TOUCHED_RATINGS
        facts = "fact_conversation" if src is None else _TOUCHED_FACTS
        write(csat_rows_sql(facts, scores, "latest"))


def rebuild(
    conn: duckdb.DuckDBPyConnection, progress: Progress | None = None, own: bool = True
) -> None:
    """Recompute every stored fact table from the canonical tables, sorted by time.

    Runs in a transaction of its own, or in the caller's (``own=False``).
    """
    limit = memory_limit(conn)
    if own:
        conn.execute("begin transaction")
    try:
        # spill past the budget rather than grow with the warehouse (10M conversations:
        # 3.3 GB peak and 130 s, against 13 GB and 90 s unbounded), as imports do
        with memory_budget(conn, FACTS_MEMORY_LIMIT):
            for i, table in enumerate(TABLES, 1):
                if progress:
                    progress(f"building stored facts: {table.label}", i, len(ALL_TABLES))

                def write(sql: str, t: FactTable = table) -> None:
                    conn.execute(f"create or replace table {t.name} as {sql} order by {t.order}")

                _select(conn, table, None, write)
            if progress:
                progress(
                    f"building stored facts: {SEGMENTS.label}", len(ALL_TABLES), len(ALL_TABLES)
                )
            stored_segments.build(conn)
        _state_tables(conn)
        conn.execute("delete from fact_pending")
        _stamp(conn)
        if own:
            conn.execute("commit")
    except BaseException:
        if own:
            conn.execute("rollback")
            restore_memory_limit(conn, limit)  # refused inside the failed transaction
        raise


def ensure(conn: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> bool:
    """Build the stored facts if the warehouse has none or an older definition; True if built."""
    if is_current(conn):
        return False
    # a new warehouse builds empty tables in no time: nothing worth a progress line
    empty = not conn.execute("select count(*) from conversation").fetchall()[0][0]
    rebuild(conn, None if empty else progress)
    return True


def touched_sql() -> str:
    """Conversations an import batch wrote rows of (``$batch_id``), or whose assignee events
    name an agent the batch (re)defined."""
    return load_sql("views/touched_conversations.sql")


def refresh(
    conn: duckdb.DuckDBPyConnection,
    batch_ids: int | Sequence[int],
    was_current: bool,
    own: bool = False,
) -> int:
    """Bring the stored facts up to date after import batches ``batch_ids``: recompute the
    facts of the conversations they touched, or everything when the facts were not current
    before the first of them (``was_current``: :func:`is_current` then). Runs in the caller's
    transaction (an import's), or in its own (``own=True``: after several files, each
    imported with ``keep_facts=False``). Returns how many conversations were recomputed."""
    if own:
        conn.execute("begin transaction")
        try:
            n = refresh(conn, batch_ids, was_current)
            conn.execute("commit")
            return n
        except BaseException:
            conn.execute("rollback")
            raise
    batches = [batch_ids] if isinstance(batch_ids, int) else list(batch_ids)
    state = _state(conn)
    if state is None or state[0] != definition():
        # no stored facts (a warehouse opened by an older version): readers compute on demand
        conn.execute("delete from fact_pending where list_contains($b, batch_id)", {"b": batches})
        return 0
    if not was_current or _mostly_new(conn, batches):
        rebuild(conn, own=False)
        return conn.execute("select count(*) from conversation").fetchall()[0][0]
    n = _refresh_touched(conn, batches)
    conn.execute("delete from fact_pending where list_contains($b, batch_id)", {"b": batches})
    _stamp(conn)  # only after success: in a failed transaction it would hide the error
    return n


def _mostly_new(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> bool:
    """Whether the batches wrote at least the rebuild share of all conversations themselves
    (a first import into a new warehouse): the touched conversations are then a superset of
    that share, so :func:`_refresh_touched` would rebuild anyway; deciding it from the
    conversations' batch ids skips gathering the touched set from every table (0.7 s per
    330k calls)."""
    own, total = conn.execute(
        "select count(*) filter (where list_contains($b, batch_id)), count(*) from conversation",
        {"b": batch_ids},
    ).fetchall()[0]
    return total > 0 and own >= _REBUILD_SHARE * total


def _refresh_touched(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> int:
    try:
        conn.execute(f"create or replace temp table {_TOUCHED} (conversation_key varchar)")
        for batch_id in batch_ids:
            conn.execute(
                f"insert into {_TOUCHED} {touched_sql()} except select * from {_TOUCHED}",
                {"batch_id": batch_id},
            )
        touched = conn.execute(f"select count(*) from {_TOUCHED}").fetchall()[0][0]
        if not touched:
            return 0
        total = conn.execute("select count(*) from conversation").fetchall()[0][0]
        if touched >= _REBUILD_SHARE * total:
            rebuild(conn, own=False)
            return int(total)
        # the touched conversations' rows, read once: the views read each source several
        # times, and a scan of a whole source (the *_all views read the conversation table
        # too) grows with the warehouse, not with the batch
        src = {}
        for name, sql in scoped_sources(_TOUCHED).items():
            create_temp(conn, f"{_SOURCE}{name}", f"select * from {sql}")
            src[name] = f"{_SOURCE}{name}"
        stored_segments.remember_old(conn, _TOUCHED)
        for table in TABLES:
            conn.execute(
                f"delete from {table.name} where conversation_key in "
                f"(select conversation_key from {_TOUCHED})"
            )
        # the tables after them read the touched stretches and facts: kept as temp tables
        # on the way in, not looked up again in the stored ones
        for table in TABLES:

            def write(sql: str, t: FactTable = table) -> None:
                if t.name in _KEPT:
                    create_temp(conn, _KEPT[t.name], sql)
                    sql = f"select * from {_KEPT[t.name]}"
                conn.execute(f"insert into {t.name} by name {sql} order by {t.order}")

            _select(conn, table, src, write)
        stored_segments.refresh(conn, _TOUCHED_ASG)
        return int(touched)
    finally:
        _drop_temp(conn, _TOUCHED, *_KEPT.values(), *(_SOURCE + s for s in SOURCES))


def _drop_temp(conn: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Drop temp tables; in a failed transaction DuckDB refuses, and its rollback drops
    them anyway (the error that failed it must come through, not this one)."""
    for name in names:
        try:
            conn.execute(f"drop table if exists temp.{name}")
        except duckdb.Error:
            return


@dataclass(frozen=True)
class Drift:
    """One stored fact table against a from-scratch computation: rows only stored (stale or
    orphaned) and rows only computed (missing)."""

    table: str
    stored_rows: int
    only_stored: int
    only_computed: int

    @property
    def ok(self) -> bool:
        return self.only_stored == 0 and self.only_computed == 0


def check(conn: duckdb.DuckDBPyConnection) -> list[Drift]:
    """Compare every stored fact table with the same facts computed from scratch.

    Doubles are compared to 9 significant digits: sums over a conversation's stretches may
    add up in another order. Raises LookupError when the warehouse has no stored facts.
    """
    state = _state(conn)
    if state is None:
        raise LookupError("the warehouse has no stored facts")
    out: list[Drift] = []
    fresh = {t.name: f"_ss_check_{t.name}" for t in TABLES}
    try:
        for table in TABLES:

            def write(sql: str, t: FactTable = table) -> None:
                # the computed tables read each other, as the stored ones do
                for name, tmp in fresh.items():
                    sql = sql.replace(f'"{name}"', f'"{tmp}"')
                    sql = re.sub(rf"\b{name}\b", tmp, sql)
                create_temp(conn, fresh[t.name], sql)

            _select(conn, table, None, write)
            cols = conn.execute(f"describe {table.name}").fetchall()
            select = ", ".join(
                f"round({c}, 9 - ceil(log10(abs({c}) + 1e-300))::int)" if kind == "DOUBLE"
                else c
                for c, kind, *_ in cols
            )  # fmt: skip
            a = f"select {select} from {table.name}"
            b = f"select {select} from {fresh[table.name]}"
            n, extra, missing = conn.execute(
                f"select (select count(*) from {table.name}), "
                f"(select count(*) from ({a} except all {b})), "
                f"(select count(*) from ({b} except all {a}))"
            ).fetchall()[0]
            out.append(Drift(table.name, int(n), int(extra), int(missing)))
        out.append(Drift(SEGMENTS.name, *stored_segments.drift(conn)))
    finally:
        for tmp in fresh.values():
            conn.execute(f"drop table if exists temp.{tmp}")
    return out
