"""Stored concurrency segments (``fact_segment``), kept with the other stored facts.

Each agent's concurrency c(t) as constant pieces [s, e) with c >= 1 and the chats among them
(:func:`supportstats.metrics.sweep.sweep` over the agent's closed live stretches, starting at
assignment: the default ``concurrency_start``), sorted by ``s``. Concurrency and utilisation
over a period clip the pieces that overlap it, which gives the same sums, maxima and spans as
sweeping the period's stretches clipped to it (c inside the period is the same); over a year
of ten million stretches that saves reading and sorting all of them per request.

Open stretches (no end yet) end "now" and are never stored; a period that an open stretch
reaches is swept per request (``concurrency.stored_segments_apply``).

After an import, only the touched agents' pieces within a window are recomputed: the window
spans the old and new stretches of the touched conversations, widened to the stored pieces it
cuts; the agent's stretches are clipped to it and swept. Outside it nothing changed, so the
stored pieces there stay valid.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from supportstats.metrics._sql import create_temp
from supportstats.metrics.sweep import sweep

TABLE = "fact_segment"
_OLD = "_ss_touched_old_asg"
_WINDOWS = "_ss_segment_windows"
# closed live stretches from assignment to end, per agent (the stored definition)
_CLOSED = "is_live and started_at is not null and ended_at is not null and ended_at > started_at"


def _pieces(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None):
    """Sweep the stretches ``sql`` returns (agent_key, s_us, e_us, is_chat) into a table of
    pieces (agent_key, s, e, c, chats) sorted by s."""
    data = conn.sql(sql, params=params or {}).to_arrow_table()
    agents = pc.dictionary_encode(data.column("agent_key").combine_chunks())
    found = sweep(
        agents.indices.to_numpy(zero_copy_only=False),
        data.column("s_us").to_numpy(),
        data.column("e_us").to_numpy(),
        data.column("is_chat").to_numpy(zero_copy_only=False),
    )
    keys = agents.dictionary
    return pa.table(
        {
            "agent_key": pc.take(keys, pa.array(found.agent))
            if len(keys)
            else pa.array([], pa.string()),
            "s": pa.array(found.start_us, pa.timestamp("us", tz="UTC")),
            "e": pa.array(found.end_us, pa.timestamp("us", tz="UTC")),
            "c": pa.array(found.c, pa.int32()),
            "chats": pa.array(found.chats, pa.int32()),
        }
    )


def _write(conn: duckdb.DuckDBPyConnection, statement: str, pieces: pa.Table) -> None:
    """Run ``statement`` (which reads ``_ss_pieces``) with ``pieces`` registered under that
    name."""
    conn.register("_ss_pieces", pieces)
    try:
        conn.execute(statement)
    finally:
        conn.unregister("_ss_pieces")


STRETCHES = f"""
select agent_key, epoch_us(started_at) as s_us, epoch_us(ended_at) as e_us, is_chat
from {{asg}} where {_CLOSED}
"""


def build(conn: duckdb.DuckDBPyConnection, asg: str = "fact_assignment",
          name: str = TABLE, temp: bool = False) -> None:  # fmt: skip
    """(Re)create the whole segment table ``name`` from the stretches in ``asg``."""
    pieces = _pieces(conn, STRETCHES.format(asg=asg))
    kind = "temp table" if temp else "table"
    _write(
        conn,
        f"create or replace {kind} {name} as "
        "select agent_key::varchar as agent_key, s, e, c, chats from _ss_pieces order by s",
        pieces,
    )


def remember_old(conn: duckdb.DuckDBPyConnection, touched: str) -> None:
    """Keep the stored stretches of the touched conversations before they are replaced."""
    create_temp(
        conn,
        _OLD,
        f"select agent_key, started_at, coalesce(ended_at, started_at) as ended_at "
        f"from fact_assignment semi join {touched} using (conversation_key) "
        "where is_live and started_at is not null",
    )


def refresh(conn: duckdb.DuckDBPyConnection, new_asg: str) -> None:
    """Recompute the pieces of the touched agents within their windows (see the module
    docstring); ``new_asg`` holds the touched conversations' stretches as now stored."""
    try:
        create_temp(
            conn,
            _WINDOWS,
            f"""
            with spans as (
                select agent_key, started_at, ended_at from {_OLD}
                union all
                select agent_key, started_at, coalesce(ended_at, started_at)
                from {new_asg} where is_live and started_at is not null
            ),
            touched as (
                select agent_key, min(started_at) as w0, max(ended_at) as w1
                from spans where agent_key is not null group by agent_key
            )
            -- widened to the stored pieces the window cuts
            select t.agent_key,
                least(t.w0, min(g.s)) as w0,
                greatest(t.w1, max(g.e)) as w1
            from touched t
            left join {TABLE} g
              on g.agent_key = t.agent_key and g.s <= t.w1 and g.e >= t.w0
            group by t.agent_key, t.w0, t.w1
            """,
        )
        if not conn.execute(f"select count(*) from {_WINDOWS}").fetchall()[0][0]:
            return  # no live stretch touched (tickets, or chats without agents yet)
        conn.execute(
            f"""delete from {TABLE} g using {_WINDOWS} w
            where g.agent_key = w.agent_key and g.s >= w.w0 and g.e <= w.w1"""
        )
        pieces = _pieces(
            conn,
            f"""
            select a.agent_key,
                epoch_us(greatest(a.started_at, w.w0)) as s_us,
                epoch_us(least(a.ended_at, w.w1)) as e_us,
                a.is_chat
            from fact_assignment a
            join {_WINDOWS} w using (agent_key)
            where a.is_live and a.ended_at > a.started_at
              and a.started_at < w.w1 and a.ended_at > w.w0
            """,
        )
        _write(
            conn,
            f"insert into {TABLE} select agent_key::varchar, s, e, c, chats "
            "from _ss_pieces order by s",
            pieces,
        )
    finally:
        for name in (_OLD, _WINDOWS):
            conn.execute(f"drop table if exists temp.{name}")


# adjacent pieces with the same counts merged: pieces cut at other instants (a window edge, a
# start and an end at one instant) are the same step function
_CANONICAL = """
with ordered as (
    select *, case when lag(e) over w = s and lag(c) over w = c and lag(chats) over w = chats
                   then 0 else 1 end as starts
    from {table} window w as (partition by agent_key order by s)
),
runs as (
    select *, sum(starts) over (partition by agent_key order by s) as run from ordered
)
select agent_key, min(s) as s, max(e) as e, any_value(c) as c, any_value(chats) as chats
from runs group by agent_key, run
"""


def drift(conn: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(stored pieces, step-function pieces only stored, only in a fresh sweep)."""
    fresh = "_ss_check_fact_segment"
    build(conn, name=fresh, temp=True)
    try:
        a, b = _CANONICAL.format(table=TABLE), _CANONICAL.format(table=fresh)
        n, extra, missing = conn.execute(
            f"select (select count(*) from {TABLE}), "
            f"(select count(*) from (select * from ({a}) except all select * from ({b}))), "
            f"(select count(*) from (select * from ({b}) except all select * from ({a})))"
        ).fetchall()[0]
        return int(n), int(extra), int(missing)
    finally:
        conn.execute(f"drop table if exists temp.{fresh}")
