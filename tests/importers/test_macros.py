"""The staging macros that every importer shares (sql/staging/_macros.sql)."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.sql import load_sql, split_statements

# Every space separator DuckDB's trim() removes, plus characters it keeps.
EDGES = [" ", "\u00a0", "\u1680", "\u2003", "\u202f", "\u3000", "\t", "\n", "\u200b", "é", "a"]


def _conn() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    for statement in split_statements(load_sql("staging/_macros.sql")):
        conn.execute(statement)
    return conn


CONN = _conn()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(EDGES) | st.characters(exclude_categories=("Cs",)), max_size=20
        )
    )
)
def test_ss_text_is_trim_then_empty_as_null(values):
    """ss_text skips trim() for values that cannot need it; the result must not change."""
    rows = CONN.execute(
        "SELECT ss_text(v) IS NOT DISTINCT FROM nullif(trim(v), '') FROM unnest($v) t(v)",
        {"v": values},
    ).fetchall()
    assert all(same for (same,) in rows)


def test_ss_text_examples():
    got = CONN.execute(
        "SELECT ss_text(v) FROM unnest(['  a b ', '\u00a0x\u3000', '', '   ', NULL, "
        "'\tq\t', 'plain']) WITH ORDINALITY t(v, i) ORDER BY i"
    ).fetchall()
    assert got == [("a b",), ("x",), (None,), (None,), (None,), ("\tq\t",), ("plain",)]


def test_ss_channel_maps_names_and_keeps_empty_as_null():
    got = CONN.execute(
        "SELECT ss_channel(v) FROM unnest([' Email ', 'WhatsApp', 'Pigeon', '  ', '', NULL]) "
        "WITH ORDINALITY t(v, i) ORDER BY i"
    ).fetchall()
    assert got == [("email",), ("messaging",), ("pigeon",), (None,), (None,), (None,)]
