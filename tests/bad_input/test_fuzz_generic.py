"""Fuzz the generic importer with CSV bytes (issue 14, "Tests"): a header and rows with random
values, quotes, delimiters, line breaks, encodings and stray bytes.

Whatever the bytes, an import either refuses the file with a SupportStatsError (the CLI:
exit 2, one Error: and one Hint: line) or reads it, and then every row it read is loaded,
rejected or skipped: rows_read = rows_loaded + rows_rejected + rows_skipped, as recorded in
the warehouse too. A failed import leaves the warehouse as it was. Never a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportstats.db import connect
from supportstats.errors import SupportStatsError
from supportstats.importers import import_file
from tests.bad_input._corpus import assert_no_traceback, counts, run

OPTIONAL = ["channel", "subject", "csat", "csat_scale", "status", "tags", "resolved_at"]

values = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    st.sampled_from(
        [
            "2024-03-01T10:00:00Z",
            "2024-03-01 10:00:00+02:00",
            "2024-03-01T10:00:00+25:00",
            "2024-03-01T10:00:00.123-1500",
            "1709287200",
            "2024-02-30",
            "4,5",
            "5",
            "-1",
            "García",
            "日本",
            "=cmd|' /C calc'!A0",
            "",
            " ",
        ]
    ),
    st.text(max_size=12),
    st.text(alphabet='",;|\t\r\n ', max_size=6),
)
# How a field is written: as is, or quoted with its quotes doubled.
fields = st.tuples(values, st.booleans())
lines_break = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


@st.composite
def csv_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    # Mostly a good header (the required columns and some others, in any order); now and
    # then a required column missing or a column of no known name.
    header = ["conversation_id", "created_at"]
    header += draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=4))
    header = draw(st.permutations(header))
    if draw(st.integers(0, 7)) == 0:
        header = header[1:]
    if draw(st.integers(0, 7)) == 0:
        header = [*header, draw(st.text(min_size=1, max_size=6))]
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(fields, min_size=max(width - 1, 1), max_size=width + 1),
            max_size=12,
        )
    )
    newline = draw(lines_break)
    mixed = draw(st.booleans())
    parts = [delimiter.join(header) + newline]
    for row in rows:
        cells = [
            '"' + v.replace('"', '""') + '"' if quoted else v.replace(delimiter, "")
            for v, quoted in row
        ]
        parts.append(delimiter.join(cells) + (draw(lines_break) if mixed else newline))
    text = "".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "mixed"]))
    if encoding == "mixed":
        lines = text.split("\n")
        cut = draw(st.integers(0, len(lines) - 1))
        data = (
            "\n".join(lines[:cut]).encode()
            + (b"\n" if cut else b"")
            + "\n".join(lines[cut:]).encode("cp1252", errors="replace")
        )
    else:
        data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 3)) == 0:  # a few stray bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An empty, migrated warehouse each example starts from (a copy is quicker than a
    fresh schema)."""
    path = tmp_path_factory.mktemp("fuzz") / "template.duckdb"
    connect(path).close()
    return path


def _fresh(template: Path, folder: Path) -> Path:
    db = folder / "w.duckdb"
    shutil.copyfile(template, db)
    return db


def _balanced(db: Path, result) -> None:
    assert result.rows_read == result.rows_loaded + result.rows_rejected + result.rows_skipped
    conn = duckdb.connect(str(db), read_only=True)
    try:
        (batch,) = conn.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, rows_skipped FROM import_batch"
        ).fetchall()
        (rejects,) = conn.execute(
            "SELECT count(*) FROM import_reject WHERE NOT coalesce(skipped, false)"
        ).fetchone()
    finally:
        conn.close()
    assert batch == (
        result.rows_read,
        result.rows_loaded,
        result.rows_rejected,
        result.rows_skipped,
    )
    assert rejects == result.rows_rejected


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=csv_files())
def test_library_import_never_raises_anything_else(tmp_path_factory, template, data):
    folder = tmp_path_factory.mktemp("case")
    db = _fresh(template, folder)
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    conn = connect(db)
    try:
        result = import_file(conn, path)
    except SupportStatsError as exc:
        assert exc.message and exc.hint, exc
        result = None
    finally:
        conn.close()
    if result is None:
        assert counts(db)["import_batch"] == 0
        assert counts(db)["import_reject"] == 0
    else:
        _balanced(db, result)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=csv_files())
def test_cli_import_exits_cleanly(tmp_path_factory, template, data):
    folder = tmp_path_factory.mktemp("cli")
    db = _fresh(template, folder)
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    outcome = run("import", path, "--db", db)
    assert outcome.code in (0, 1, 2), outcome
    assert_no_traceback(outcome)
    lines = outcome.stderr.splitlines()
    if outcome.code:
        assert sum(line.startswith("Error: ") for line in lines) == 1, outcome
        assert sum(line.startswith("Hint: ") for line in lines) == 1, outcome
    if outcome.code == 2:
        assert counts(db)["import_batch"] == 0
