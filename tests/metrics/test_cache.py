"""Derived temp tables are cached per kind: one kind's rebuild never drops another kind."""

from __future__ import annotations

import duckdb

from supportstats.metrics._sql import cached_name, cached_table


def test_kinds_sharing_a_prefix_keep_their_tables() -> None:
    conn = duckdb.connect()
    built: list[str] = []

    def build(name: str) -> None:
        built.append(name)
        conn.execute(f'create temp table "{name}" as select 1 as x')

    day = cached_table(conn, "segday", {}, build, fp="a")
    seg = cached_table(conn, "seg", {}, build, fp="a")
    # "seg" with other options replaces the old "seg" table, and only that one
    seg2 = cached_table(conn, "seg", {"k": 2}, build, fp="a")
    tables = {r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == {day, seg2}
    assert seg not in tables
    # asking again builds nothing
    assert cached_table(conn, "segday", {}, build, fp="a") == day
    assert built == [day, seg, seg2]
    assert cached_name(conn, "segday", {}, fp="a") == day
    assert cached_name(conn, "seg", {}, fp="a") is None
