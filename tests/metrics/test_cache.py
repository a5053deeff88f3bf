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
    # other options on the same data: a second table; the first stays (a query may hold it)
    seg2 = cached_table(conn, "seg", {"k": 2}, build, fp="a")
    tables = {r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == {day, seg, seg2}
    # asking again builds nothing
    assert cached_table(conn, "segday", {}, build, fp="a") == day
    assert built == [day, seg, seg2]
    assert cached_name(conn, "segday", {}, fp="a") == day
    assert cached_name(conn, "seg", {}, fp="b") is None
    # new data: "seg" tables of the old data go, and only those
    seg3 = cached_table(conn, "seg", {}, build, fp="b")
    tables = {r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == {day, seg3}


def test_two_periods_asked_in_turn_keep_their_facts(tmp_path) -> None:
    """Facts computed on demand for one period's conversations stay while another period is
    asked on the same connection (the first query still reads them)."""
    from _build import Warehouse

    from supportstats.metrics import MetricOptions, Period, query, resolution, volume

    wh = Warehouse()
    wh.conv("a", "2024-03-04 09:00")
    wh.conv("b", "2024-03-05 09:00")
    options = MetricOptions(frt_start="first_customer_message")  # facts computed on demand
    q1 = query(wh.conn, options, Period.from_dates("2024-03-04", "2024-03-04"))
    q2 = query(wh.conn, options, Period.from_dates("2024-03-05", "2024-03-05"))
    assert volume(q1).df()["contacts"].tolist() == [1]
    assert volume(q2).df()["contacts"].tolist() == [1]
    assert resolution(q1).df()["resolved"].tolist() == [0]  # q1's facts are still there
