"""The generic importer and the shared pipeline: formats, encodings, bad files, safety."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from _importer_helpers import kill_import_after
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportstats.db import connect
from supportstats.importers import ImportOptions, import_file

HEADER = "conversation_id,created_at,channel,agent,status,first_response_at,resolved_at,csat"
ROWS = [
    "c1,2024-03-01T10:00:00Z,chat,ana,resolved,2024-03-01T10:00:30Z,2024-03-01T10:10:00Z,5",
    "c2,2024-03-01T11:00:00+02:00,email,ben,open,,,",
    "c3,2024-03-02T09:30:00Z,whatsapp,ana,resolved,2024-03-02T09:45:00Z,2024-03-02T12:00:00Z,2",
]
# Expected after import: (source_id, created_at UTC, channel, assignee)
EXPECTED = [
    ("c1", datetime(2024, 3, 1, 10, 0, tzinfo=UTC), "chat", "generic:ana"),
    ("c2", datetime(2024, 3, 1, 9, 0, tzinfo=UTC), "email", "generic:ben"),
    ("c3", datetime(2024, 3, 2, 9, 30, tzinfo=UTC), "messaging", "generic:ana"),
]


def conversations(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    return conn.execute(
        "SELECT source_id, created_at, channel, assignee_agent_key FROM conversation "
        "ORDER BY source_id"
    ).fetchall()


def counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in (
            "conversation",
            "message_all",
            "conversation_event_all",
            "rating_all",
            "import_batch",
            "import_reject",
        )
    }


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    data = text.replace("\n", newline).encode(encoding)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


CSV_TEXT = HEADER + "\n" + "\n".join(ROWS) + "\n"


@pytest.mark.parametrize(
    ("name", "text", "encoding", "newline"),
    [
        ("plain.csv", CSV_TEXT, "utf-8", "\n"),
        ("crlf.csv", CSV_TEXT, "utf-8", "\r\n"),
        ("bom.csv", "\ufeff" + CSV_TEXT, "utf-8", "\n"),
        ("tabs.tsv", CSV_TEXT.replace(",", "\t"), "utf-8", "\n"),
        ("semi.csv", CSV_TEXT.replace(",", ";"), "utf-8", "\n"),
        ("pipe.txt", CSV_TEXT.replace(",", "|"), "utf-8", "\n"),
        ("zipped.csv.gz", CSV_TEXT, "utf-8", "\n"),
    ],
)
def test_csv_variants_round_trip(warehouse, tmp_path, name, text, encoding, newline):
    path = write(tmp_path / name, text, encoding, newline)
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)
    assert conversations(warehouse) == EXPECTED
    # The shortcut columns show as event-level rows: 2 first responses, 2 resolves, 2 ratings,
    # stored on the conversation only (nothing written to the tables of stored rows).
    c = counts(warehouse)
    assert (c["message_all"], c["conversation_event_all"], c["rating_all"]) == (2, 2, 2)
    stored = "SELECT (SELECT count(*) FROM message) + (SELECT count(*) FROM rating)"
    assert warehouse.execute(stored).fetchall() == [(0,)]


def test_csat_scale_names_are_read_in_any_case(warehouse, tmp_path):
    """A conversations file's csat_scale is read as a ratings file's scale: case aside."""
    text = (
        "conversation_id,created_at,csat,csat_scale\n"
        "c1,2024-03-01T10:00:00Z,Good,Binary\n"
        "c2,2024-03-01T11:00:00Z,9,0-10\n"
        "c3,2024-03-01T12:00:00Z,4,\n"
    )
    result = import_file(warehouse, write(tmp_path / "scales.csv", text))
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert warehouse.execute(
        "SELECT source_id, scale, raw_value, score_norm, is_positive FROM rating_all ORDER BY 1"
    ).fetchall() == [
        ("c1:csat", "binary", "Good", 1.0, True),
        ("c2:csat", "0-10", "9", 0.9, True),
        ("c3:csat", "1-5", "4", 0.75, True),
    ]


def test_cp1252_text_survives(warehouse, tmp_path):
    text = "conversation_id,created_at,subject\nc1,2024-03-01T10:00:00Z,Café – “señal” €5\n"
    path = write(tmp_path / "latin.csv", text, "cp1252")
    import_file(warehouse, path)
    assert warehouse.execute("SELECT subject FROM conversation").fetchall() == [
        ("Café – “señal” €5",)
    ]


def test_decimal_comma_is_detected(tmp_path):
    from supportstats.importers import probe

    path = write(tmp_path / "eu.csv", "conversation_id;created_at;amount\nc1;2024-03-01;3,5\n")
    found = probe(path)
    assert (found.delimiter, found.decimal_comma) == (";", True)


def _records() -> list[dict]:
    return [dict(zip(HEADER.split(","), row.split(","), strict=True)) for row in ROWS]


def test_json_array(warehouse, tmp_path):
    path = tmp_path / "conv.json"
    path.write_text(json.dumps(_records()))
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    assert conversations(warehouse) == EXPECTED


def test_json_lines_gzip(warehouse, tmp_path):
    path = tmp_path / "conv.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in _records()).encode()))
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    assert conversations(warehouse) == EXPECTED


def test_parquet(warehouse, tmp_path):
    csv_path = write(tmp_path / "conv.csv", CSV_TEXT)
    pq = tmp_path / "conv.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM read_csv($p, all_varchar = true)) TO '"
        + str(pq)
        + "' (FORMAT parquet)",
        {"p": str(csv_path)},
    )
    result = import_file(warehouse, pq)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    assert conversations(warehouse) == EXPECTED


def test_mapping_file_day_first_and_timezone(warehouse, tmp_path):
    mapping = tmp_path / "helpdesk.toml"
    mapping.write_text(
        textwrap.dedent(
            """
            source_system = "helpdesk"
            timezone = "Europe/Madrid"
            timestamp_format = "%d/%m/%Y %H:%M"
            [columns]
            conversation_id = "Ticket ID"
            created_at = "Created"
            agent = "Owner"
            """
        )
    )
    path = write(tmp_path / "t.csv", "Ticket ID,Created,Owner\n17,03/07/2024 09:15,Eva\n")
    import_file(warehouse, path, ImportOptions(mapping=mapping))
    # 3 July 2024 09:15 in Madrid (CEST, UTC+2) is 07:15 UTC.
    assert conversations(warehouse) == [
        ("17", datetime(2024, 7, 3, 7, 15, tzinfo=UTC), None, "helpdesk:Eva")
    ]


def test_epoch_seconds_and_milliseconds(warehouse, tmp_path):
    path = write(
        tmp_path / "epoch.csv",
        "conversation_id,created_at\na,1709287200\nb,1709287200500\n",
    )
    import_file(warehouse, path)
    rows = warehouse.execute(
        "SELECT source_id, epoch_ms(created_at) FROM conversation ORDER BY 1"
    ).fetchall()
    assert rows == [("a", 1709287200000), ("b", 1709287200500)]


def test_naive_times_use_the_timezone_option(warehouse, tmp_path):
    path = write(tmp_path / "n.csv", "conversation_id,created_at\na,2024-01-15 09:00:00\n")
    import_file(warehouse, path, ImportOptions(timezone="America/New_York"))
    assert conversations(warehouse)[0][1] == datetime(2024, 1, 15, 14, 0, tzinfo=UTC)


def test_reimport_is_a_no_op(warehouse, tmp_path):
    path = write(tmp_path / "c.csv", CSV_TEXT)
    first = import_file(warehouse, path)
    before = counts(warehouse)
    again = import_file(warehouse, path)
    assert again.skipped and again.batch_id == first.batch_id
    assert counts(warehouse) == before


def test_overlapping_exports_upsert(warehouse, tmp_path):
    import_file(warehouse, write(tmp_path / "a.csv", CSV_TEXT))
    newer = HEADER + "\nc2,2024-03-01T11:00:00+02:00,email,carla,resolved,,2024-03-01T12:00:00Z,\n"
    result = import_file(warehouse, write(tmp_path / "b.csv", newer))
    assert result.rows_loaded == 1
    rows = warehouse.execute(
        "SELECT source_id, assignee_agent_key, status_current FROM conversation ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("c1", "generic:ana", "resolved"),
        ("c2", "generic:carla", "resolved"),
        ("c3", "generic:ana", "resolved"),
    ]
    assert counts(warehouse)["import_batch"] == 2


def test_overlapping_export_replaces_derived_rows(warehouse, tmp_path):
    """A newer row replaces the message, event and rating its shortcut columns made before."""
    import_file(warehouse, write(tmp_path / "a.csv", CSV_TEXT))
    newer = (
        HEADER + "\nc1,2024-03-01T10:00:00Z,chat,ana,resolved,2024-03-01T10:01:00Z,"
        "2024-03-01T10:20:00Z,4\n"
    )
    import_file(warehouse, write(tmp_path / "b.csv", newer))
    derived = warehouse.execute(
        "SELECT 'message', message_key, created_at FROM message_all UNION ALL "
        "SELECT 'event', event_key, occurred_at FROM conversation_event_all UNION ALL "
        "SELECT 'rating', rating_key || '=' || raw_value, rated_at FROM rating_all ORDER BY 1, 2"
    ).fetchall()
    assert derived == [
        ("event", "generic:c1:resolved", datetime(2024, 3, 1, 10, 20, tzinfo=UTC)),
        ("event", "generic:c3:resolved", datetime(2024, 3, 2, 12, 0, tzinfo=UTC)),
        ("message", "generic:c1:first_response", datetime(2024, 3, 1, 10, 1, tzinfo=UTC)),
        ("message", "generic:c3:first_response", datetime(2024, 3, 2, 9, 45, tzinfo=UTC)),
        ("rating", "generic:c1:csat=4", datetime(2024, 3, 1, 10, 20, tzinfo=UTC)),
        ("rating", "generic:c3:csat=2", datetime(2024, 3, 2, 12, 0, tzinfo=UTC)),
    ]


def test_row_level_rejects_keep_everything(warehouse, tmp_path):
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                ROWS[0],
                "c2,yesterday,email,ben,open,,,",  # bad date
                ROWS[2],
                ROWS[0],  # duplicate id
                "c4,2024-03-03T10:00:00Z,chat,ana,open,,,7",  # 7 is not on a 1-5 scale
                "c5,2024-03-03T10:00:00Z,chat",  # too few columns
            ]
        )
        + "\n"
    )
    result = import_file(warehouse, write(tmp_path / "bad.csv", text))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 2, 4)
    rejects = warehouse.execute(
        "SELECT line_number, column_name, reason FROM import_reject ORDER BY line_number"
    ).fetchall()
    assert rejects == [
        (3, "created_at", "created_at 'yesterday' is not a date/time"),
        (
            5,
            "conversation_id",
            "duplicate conversation_id c1 (first seen at row 1); the first was kept",
        ),
        (6, "csat", "csat '7' is not a rating on the 1-5 scale"),
        (7, "agent", "missing columns: Expected Number of Columns: 8 Found: 3"),
    ]
    raw = warehouse.execute("SELECT raw FROM import_reject WHERE line_number = 3").fetchall()[0][0]
    assert json.loads(raw)["created_at"] == "yesterday"


# --- the bad-file corpus through the real CLI --------------------------------------------

BAD_FILES = {
    "empty.csv": (b"", "empty.csv: file is empty", "export the data again; nothing to import"),
    "binary.csv": (
        bytes(range(256)) * 4,
        "binary.csv: looks like a binary file, not CSV, JSON or Parquet",
        "export the data as CSV, JSON, JSON Lines or Parquet (optionally .gz)",
    ),
    "truncated.json": (
        b'[{"conversation_id": "c1", "created_at": "2024-03-01T10:00:00Z"}, '
        b'{"conversation_id": "c2", "crea',
        "truncated.json: not valid JSON",
        "the file may be truncated or not JSON; export it again or check the end of the file",
    ),
    "wrong_delimiter.csv": (
        b"conversation_id:created_at\nc1:2024-03-01\n",
        "wrong_delimiter.csv: missing required columns conversation_id, created_at",
        None,
    ),
    "missing_column.csv": (
        b"conversation_id,channel\nc1,chat\n",
        "missing_column.csv: missing required column created_at",
        "the conversation file needs the columns conversation_id, created_at; map other names "
        "with --mapping FILE",
    ),
    "unknown_column.csv": (
        b"conversation_id,created_at,mood\nc1,2024-03-01T10:00:00Z,happy\n",
        "unknown_column.csv: unknown column mood for a conversation file",
        "pass --keep-extra to keep them in the raw column, or map them with --mapping FILE",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_whole(cli, tmp_path, db_path, name):
    data, message, hint = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("import", path, "--db", db_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(
        f"Error: {tmp_path / message}".replace(str(tmp_path / name), str(path))
    )
    assert "Traceback" not in result.stderr
    if hint:
        assert lines[1] == f"Hint: {hint}"
    with connect(db_path) as conn:
        assert counts(conn) == dict.fromkeys(counts(conn), 0)


def test_wrong_delimiter_hint_names_the_problem(cli, tmp_path, db_path):
    path = tmp_path / "colon.csv"
    path.write_text("conversation_id:created_at\nc1:2024-03-01\n")
    result = cli("import", path, "--db", db_path)
    assert result.stderr.splitlines()[1] == (
        "Hint: the conversation file needs the columns conversation_id, created_at; only one "
        "column was found with a comma delimiter: is it delimited?"
    )


def test_missing_file_and_directory(cli, tmp_path, db_path):
    result = cli("import", tmp_path / "nope.csv", tmp_path, "--db", db_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'nope.csv'}: file not found",
        "Hint: check the path; quote names with spaces or wildcards",
        f"Error: {tmp_path} is a directory, not a file",
        f"Hint: import the files inside it, e.g. supportstats import {tmp_path}/*.csv",
    ]


def test_rejects_give_exit_1_and_a_pointer(cli, tmp_path, db_path):
    path = write(tmp_path / "dates.csv", "conversation_id,created_at\na,2024-03-01\nb,31/02/2024\n")
    result = cli("import", path, "--db", db_path, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "batch_id": 1,
            "source": "generic",
            "file": str(path),
            "rows_read": 2,
            "rows_loaded": 1,
            "rows_rejected": 1,
            "rows_skipped": 0,
            "already_imported": False,
            "replaced_batches": [],
        }
    ]
    assert (
        f"Error: 1 row(s) rejected, first at {path} line 3, column created_at: created_at "
        "'31/02/2024' is not a date/time" in result.stderr
    )
    assert "Hint: see them all with: supportstats db rejects --batch 1" in result.stderr
    listed = cli("db", "rejects", "--db", db_path, "--format", "json")
    rows = json.loads(listed.stdout)
    assert [(r["line"], r["column"]) for r in rows] == [(3, "created_at")]


def test_strict_refuses_the_whole_file(cli, tmp_path, db_path):
    path = write(tmp_path / "dates.csv", "conversation_id,created_at\na,2024-03-01\nb,nope\n")
    result = cli("import", path, "--db", db_path, "--strict")
    assert result.exit_code == 2
    assert "1 of 2 rows would be rejected" in result.stderr
    with connect(db_path) as conn:
        assert counts(conn)["conversation"] == 0


def test_unknown_source_and_timezone(cli, tmp_path, db_path):
    path = write(tmp_path / "c.csv", CSV_TEXT)
    bad_tz = cli("import", path, "--db", db_path, "--timezone", "Mars/Olympus")
    assert bad_tz.exit_code == 2
    assert bad_tz.stderr.splitlines()[0] == "Error: unknown time zone 'Mars/Olympus'"
    bad_source = cli("import", path, "--db", db_path, "--source", "nosuch")
    assert bad_source.stderr.splitlines()[0] == "Error: unknown source 'nosuch'"


def test_locked_warehouse_has_a_clear_error(tmp_path, db_path):
    connect(db_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        path = write(tmp_path / "c.csv", CSV_TEXT)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "supportstats",
                "import",
                str(path),
                "--db",
                str(db_path),
                "--wait",
                "0",
            ],  # fmt: skip
            capture_output=True,
            text=True,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3
    # --wait 0: at once, naming the holder (waiting is tests/bad_input/test_warehouse_in_use.py)
    first = done.stderr.splitlines()[0]
    assert first.startswith(
        f"Error: warehouse {db_path} is busy: python -c … {db_path.name} (pid {holder.pid}"
    )
    assert first.endswith("is writing to it")
    assert "Traceback" not in done.stderr


# --- atomicity: SIGKILL in the middle of an import -----------------------------------------


def test_sigkill_mid_import_leaves_the_warehouse_as_before(tmp_path, db_path):
    with connect(db_path) as conn:
        import_file(conn, write(tmp_path / "small.csv", CSV_TEXT))
        before = counts(conn)
    big = tmp_path / "big.csv"
    lines = [HEADER] + [
        f"big{i},2024-03-01T10:00:00Z,chat,agent{i % 7},resolved,2024-03-01T10:01:00Z,,4"
        for i in range(80_000)
    ]
    big.write_text("\n".join(lines) + "\n")
    # Stop right after the rows were written into the conversation table (in one pass), before
    # the commit.
    kill_import_after(db_path, big, "reading and checking conversation rows", tmp_path / "marker")
    with connect(db_path) as conn:
        assert counts(conn) == before
        assert conn.execute(
            "SELECT count(*) FROM conversation WHERE source_id LIKE 'big%'"
        ).fetchall() == [(0,)]
        # The same file imports cleanly afterwards.
        result = import_file(conn, big)
        assert result.rows_loaded == 80_000


# --- property: random valid rows survive unchanged -----------------------------------------

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip() != "")
# Valid times are past ones: a time more than a day after the import is rejected as
# implausible (importers._plausible).
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
            moments,
            texts,
            st.sampled_from(["low", "normal", "high"]),
        ),
        min_size=1,
        max_size=20,
        unique_by=lambda r: r[0],
    ),
    fmt=st.sampled_from(["csv", "json"]),
)
def test_random_valid_rows_survive(tmp_path_factory, rows, fmt):
    folder = tmp_path_factory.mktemp("prop")
    records = [
        {"conversation_id": i, "created_at": t.isoformat(), "subject": s, "priority": p}
        for i, t, s, p in rows
    ]
    if fmt == "json":
        path = folder / "rows.json"
        path.write_text(json.dumps(records), encoding="utf-8")
    else:
        import csv

        path = folder / "rows.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    with connect(folder / "w.duckdb") as conn:
        result = import_file(conn, path)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (len(rows),) * 2 + (
            0,
        )
        got = conn.execute(
            "SELECT source_id, created_at, subject, priority FROM conversation ORDER BY source_id"
        ).fetchall()
    assert got == sorted((i, t, s, p) for i, t, s, p in rows)


def test_line_numbers_after_a_malformed_line(warehouse, tmp_path):
    text = (
        "conversation_id,created_at\n"
        "a,2024-03-01\n"
        "b,2024-03-01,extra\n"  # line 3: malformed
        "c,2024-03-01\n"
        "d,not-a-date\n"  # line 5: bad value, the 3rd good row
    )
    result = import_file(warehouse, write(tmp_path / "m.csv", text))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    rows = warehouse.execute(
        "SELECT line_number, column_name FROM import_reject ORDER BY line_number"
    ).fetchall()
    assert rows == [(3, None), (5, "created_at")]


def test_row_numbers_of_a_file_read_in_parallel(warehouse, tmp_path):
    # ~40 MB: DuckDB reads it in several buffers on several threads; the conversation rows
    # are numbered from the staged table's rowids, which must follow the file's order
    n = 1_200_000
    path = tmp_path / "big.csv"
    duckdb.execute(
        "COPY (SELECT 'c' || i AS conversation_id, CASE WHEN i IN (700001, 1199998) "
        "THEN 'never' ELSE '2024-03-01T00:00:00Z' END AS created_at, "
        "'chat' AS channel FROM range(1, $n + 1) t(i) "
        "UNION ALL SELECT 'c17', '2024-03-02T00:00:00Z', 'email') TO '"
        + str(path).replace("'", "''")
        + "' (HEADER)",
        {"n": n},
    )
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (n + 1, n - 2, 3)
    rejects = warehouse.execute(
        "SELECT row_number, line_number, column_name, reason FROM import_reject ORDER BY row_number"
    ).fetchall()
    assert rejects == [
        (700001, 700002, "created_at", "created_at 'never' is not a date/time"),
        (1199998, 1199999, "created_at", "created_at 'never' is not a date/time"),
        (
            n + 1,
            n + 2,
            "conversation_id",
            "duplicate conversation_id c17 (first seen at row 17); the first was kept",
        ),
    ]
