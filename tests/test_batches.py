"""Dropping import batches (supportstats.batches) and replacing them on re-import: the stored
facts equal a recomputation afterwards, whatever the batches held (issue 14, item 2).

A property test in the manner of tests/metrics/test_stored_facts.py: random generic files
(conversations, messages and events that move between conversations, engagements, ratings,
agent definitions) imported into a real warehouse file, then random batches dropped, then a
file re-imported with --replace and one with another time zone; after each step
``stored.check`` finds no drift and no bookkeeping is left behind.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportstats.batches import BatchDrop, drop_batches, plan
from supportstats.db import connect
from supportstats.errors import OptionError
from supportstats.importers import ImportOptions, import_file
from supportstats.metrics import stored
from tests.metrics.test_stored_facts import BASE, _conversations, _write, any_file


def _no_drift(conn: duckdb.DuckDBPyConnection) -> None:
    drift = stored.check(conn)
    assert all(d.ok for d in drift), drift
    assert stored.is_current(conn), "the upkeep stamps the facts as current"
    assert conn.execute("select count(*) from fact_pending").fetchall() == [(0,)]


def _stamped(conn: duckdb.DuckDBPyConnection, batch: int) -> int:
    """Rows stamped with ``batch`` in any table but the drop log."""
    tables = [
        r[0]
        for r in conn.execute(
            "select table_name from duckdb_columns() where column_name = 'batch_id' "
            "and schema_name = 'main' and table_name <> 'import_batch_dropped'"
        ).fetchall()
    ]
    return sum(
        conn.execute(f'select count(*) from "{t}" where batch_id = $b', {"b": batch}).fetchall()[0][
            0
        ]
        for t in tables
    )


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=st.lists(any_file, min_size=2, max_size=6),
    drops=st.lists(st.integers(0, 6), min_size=1, max_size=3),
    data=st.data(),
)
def test_stored_facts_equal_a_recomputation_after_drops_and_replaces(
    tmp_path_factory: pytest.TempPathFactory, files, drops: list[int], data
) -> None:
    tmp = tmp_path_factory.mktemp("batches")
    written = [_write(tmp, n, kind, rows) for n, (kind, rows) in enumerate(files)]
    conn = connect(tmp / "w.duckdb")
    try:
        # twenty other conversations first, so most drops go the incremental way
        import_file(conn, _conversations(tmp / "base.csv", BASE, 20, "base"))
        for file in written:
            import_file(conn, file)
        _no_drift(conn)
        batches = [r[0] for r in conn.execute("select batch_id from import_batch").fetchall()]
        gone: set[int] = set()
        for pick in drops:
            batch = batches[pick % len(batches)]
            if batch in gone:
                continue
            planned = plan(conn, [batch])
            done = drop_batches(conn, [batch])
            gone.add(batch)
            assert [t.as_dict() for t in done.tables] == [t.as_dict() for t in planned.tables]
            # what stays stamped with it are only reference rows handed to other batches
            assert _stamped(conn, batch) == 0
            _no_drift(conn)
        # a remaining file again on purpose, and one with another time zone: each replaces
        # its earlier batch, and nothing is left of it
        present = {r[0] for r in conn.execute("select sha256 from import_batch").fetchall()}
        left = [f for f in written if hashlib.sha256(f.read_bytes()).hexdigest() in present]
        if left:
            again = data.draw(st.sampled_from(left))
            result = import_file(conn, again, ImportOptions(replace=True))
            assert result.replaced and not result.skipped
            assert all(_stamped(conn, b) == 0 for b in result.replaced)
            _no_drift(conn)
            moved = import_file(conn, again, ImportOptions(timezone="Asia/Tokyo"))
            # a file whose times all carry an offset is imported again all the same
            assert moved.replaced == [result.batch_id]
            _no_drift(conn)
    finally:
        conn.close()


def test_a_drop_that_fails_leaves_everything_as_it_was(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "c.csv", BASE, 5, "c"))
        before = conn.execute("select count(*) from conversation").fetchall()
        with pytest.raises(OptionError, match="no import batch 2 in the warehouse"):
            drop_batches(conn, [1, 2])
        assert conn.execute("select count(*) from conversation").fetchall() == before
        assert conn.execute("select count(*) from import_batch").fetchall() == [(1,)]
        done = drop_batches(conn, [1])
        assert isinstance(done, BatchDrop) and done.as_dict()["rows_removed"] > 0
        # the id is never given again
        assert import_file(conn, tmp_path / "c.csv").batch_id == 2
        _no_drift(conn)
    finally:
        conn.close()
