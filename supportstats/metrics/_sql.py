"""Render metric SQL files and cache derived relations as temp tables.

SQL files may hold ``{{name}}`` fragments. Fragments are fixed SQL chosen from whitelists in
Python (a group-by expression, a table name this module generated, an option's SQL form), never
text a user typed; values always travel as ``$name`` parameters.

Derived relations (conversation facts, assignment intervals, concurrency segments) are
expensive to build from tens of millions of messages and cheap to reuse, so they are kept as
temp tables named after a hash of the options they depend on and a fingerprint of the data.
Temp tables work on read-only connections and vanish with the connection.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import duckdb

from supportstats.sql import load_sql, used_params

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# The per-conversation inputs of the derived relations. The views name them as fragments so
# the same SQL computes the facts of a few conversations (``stored.scoped_sources``): at
# import, for the conversations a batch touched, and on demand, for one period.
SOURCES = (
    "conversation",
    "conversation_source",
    "message_all",
    "conversation_event_all",
    "engagement",
    "rating_all",
)


def render(name: str, **fragments: str) -> str:
    """Text of ``supportstats/sql/<name>.sql`` with every ``{{fragment}}`` filled.

    Source fragments (:data:`SOURCES`) not given are the whole tables of the warehouse.
    """
    text = load_sql(f"{name}.sql")
    fragments = {**{s: s for s in SOURCES}, **fragments}

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in fragments:
            raise KeyError(f"{name}.sql needs fragment {key!r}")
        return str(fragments[key])

    # comment lines keep their {{names}} as documentation (a multi-line fragment pasted into a
    # "--" line would turn its tail into code)
    return "\n".join(
        line if line.lstrip().startswith("--") else _PLACEHOLDER.sub(fill, line)
        for line in text.splitlines()
    )


def relation(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyRelation:
    """A lazy DuckDB relation of ``sql`` with its parameters bound."""
    return conn.sql(sql, params=used_params(sql, params or {}))


def to_frame(result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation):
    """``result.df()`` without pandas 3.1's Pandas4Warning about ``drop(inplace=True)``.

    The call is not ours: DuckDB's own conversion of TIMESTAMPTZ columns to tz-aware pandas
    columns uses ``DataFrame.drop(..., inplace=True)``, deprecated in pandas 3.1. Only that
    warning is silenced, and only around the conversion; the frame is the same.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"The inplace keyword in DataFrame\.drop", category=Warning
        )
        return result.df()


def frame(conn: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None):
    """Run ``sql`` and return a pandas DataFrame."""
    return to_frame(conn.execute(sql, used_params(sql, params or {})))


_FINGERPRINT_SQL = [
    # row counts are catalogue look-ups; the import log changes with every import, also one
    # that replaces rows without changing their number
    "select count(*), max(batch_id), max(imported_at)::varchar from import_batch",
    *(
        f"select count(*) from {t}"
        for t in (
            "conversation", "message", "conversation_event", "engagement", "rating",
            "agent_status_interval", "agent_team", "schedule_interval", "schedule_holiday",
            "queue", "sla_target", "conversation_source", "agent",
        )
    ),
]  # fmt: skip


def fingerprint(conn: duckdb.DuckDBPyConnection) -> str:
    """Short hash of table sizes and the import log: changes whenever an import changes data.

    A connection that knows its data cannot change (the Spark engine's, over a lake with a
    manifest) gives its own through ``data_fingerprint()``."""
    own = getattr(conn, "data_fingerprint", None)
    if own is not None:
        return own()
    rows = [conn.execute(sql).fetchall()[0] for sql in _FINGERPRINT_SQL]
    return hashlib.sha1(repr(rows).encode()).hexdigest()[:10]


# hex digits of a cached table's name: the data fingerprint's first ones, then the hash of
# the fingerprint and the key
_FP = 8
_DIGEST = _FP + 12


def cached_table(
    conn: duckdb.DuckDBPyConnection,
    kind: str,
    key: Mapping[str, Any],
    build: Callable[[str], None],
    fp: str | None = None,
) -> str:
    """Name of a temp table ``_ss_<kind>_<hash>``, built by ``build(name)`` if not there yet.

    The hash covers ``key`` (the options the relation depends on) and the data fingerprint
    (``fp``, computed when not given), so an import in between makes a fresh table. Tables of
    the same kind built from other data are dropped; those of other keys on the same data
    stay, since a query still holding their name may read them again (two periods asked
    in turn on one connection).
    """
    fp = fp or fingerprint(conn)
    name = _cache_name(conn, kind, key, fp)
    existing = _cached(conn, kind)
    if name in existing:
        return name
    data = name[-_DIGEST:][:_FP]
    for old in existing:
        if old[-_DIGEST:][:_FP] != data:  # built from other data: never read again
            conn.execute(f'drop table if exists temp."{old}"')
    build(name)
    return name


def cached_name(
    conn: duckdb.DuckDBPyConnection, kind: str, key: Mapping[str, Any], fp: str | None = None
) -> str | None:
    """Name of the temp table :func:`cached_table` would return, if it is built already."""
    name = _cache_name(conn, kind, key, fp)
    return name if name in _cached(conn, kind) else None


def _cache_name(
    conn: duckdb.DuckDBPyConnection, kind: str, key: Mapping[str, Any], fp: str | None
) -> str:
    fp = fp or fingerprint(conn)
    data = hashlib.sha1(fp.encode()).hexdigest()[:_FP]
    digest = hashlib.sha1((fp + repr(sorted(key.items()))).encode()).hexdigest()
    return f"_ss_{kind}_{data}{digest[: _DIGEST - _FP]}"


def _cached(conn: duckdb.DuckDBPyConnection, kind: str) -> list[str]:
    """Temp tables of this kind on the connection (of this kind only: kind ``seg`` must not
    see ``segday`` tables, which a LIKE pattern with its ``_`` wildcard would)."""
    return [
        r[0]
        for r in conn.execute(
            "select table_name from duckdb_tables() where temporary and "
            "regexp_full_match(table_name, $p)",
            {"p": f"_ss_{re.escape(kind)}_[0-9a-f]{{{_DIGEST}}}"},
        ).fetchall()
    ]


def create_temp(
    conn: duckdb.DuckDBPyConnection, name: str, sql: str, params: Mapping[str, Any] | None = None
) -> None:
    """``CREATE TEMP TABLE name AS sql`` with parameters."""
    conn.execute(f'create or replace temp table "{name}" as {sql}', used_params(sql, params or {}))
