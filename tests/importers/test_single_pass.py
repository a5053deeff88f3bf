"""Clean CSV files of conversations and messages load in one pass; anything else the staged way.

Which way a file went shows in the progress labels (files of 4 MiB and more report one per
statement): the one-pass load runs "reading and checking ... rows" and never "writing ...",
which ends the staged load.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from _importer_helpers import kill_import_after

from supportstats.db import connect
from supportstats.importers import import_file
from supportstats.importers._read import sha256_of

PLAIN = "conversation_id,created_at,channel,queue,team,agent,contact,status,priority,subject,tags"
# Enough rows of ~110 bytes for a file over the 4 MiB progress threshold.
ROWS = 45_000
PAD = "x" * 40


def plain_row(i: int, status: str = "open") -> str:
    channel = ["chat", " WhatsApp", "email", "", "Phone", "carrier pigeon"][i % 6]
    tags = ["billing", "billing| refunds ;vip", "", " a,,b "][i % 4]
    return (
        f"c{i},2024-03-01T{i % 24:02d}:{i % 60:02d}:00Z,{channel},Web chat,Team {i % 3},"
        f'agent{i % 7},cust{i % 101},{status},normal,Order {i} {PAD},"{tags}"'
    )


def plain_file(path: Path, rows: list[str], header: str = PLAIN) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def import_with_labels(conn: duckdb.DuckDBPyConnection, path: Path, **kwargs):
    labels: list[str] = []
    result = import_file(conn, path, progress=lambda f, label: labels.append(label), **kwargs)
    return result, set(labels)


def one_pass(labels: set[str], entity: str = "conversation") -> bool:
    assert f"reading and checking {entity} rows" in labels, labels
    return f"writing {entity}" not in labels


def table(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


@contextmanager
def both_ways(
    tmp_path: Path, rows: list[str], header: str = PLAIN
) -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    """Warehouses with ``rows`` imported in one pass and, with a repeated id added, the staged
    way (checking that each file went its way and what it loaded)."""
    fast_path = plain_file(tmp_path / "clean.csv", rows, header)
    staged_path = plain_file(tmp_path / "repeated.csv", rows + rows[:1], header)
    assert fast_path.stat().st_size > 4 << 20
    with connect(tmp_path / "fast.duckdb") as fast, connect(tmp_path / "staged.duckdb") as slow:
        result, labels = import_with_labels(fast, fast_path)
        assert one_pass(labels)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (ROWS, ROWS, 0)
        result, labels = import_with_labels(slow, staged_path)
        assert not one_pass(labels)
        assert (result.rows_loaded, result.rows_rejected) == (ROWS, 1)
        yield fast, slow


def test_a_clean_file_loads_in_one_pass_with_the_rows_the_staged_way_gives(tmp_path):
    with both_ways(tmp_path, [plain_row(i) for i in range(ROWS)]) as (fast, slow):
        everything = "SELECT * EXCLUDE (batch_id) FROM conversation ORDER BY conversation_key"
        assert table(fast, everything) == table(slow, everything)
        for t in ("agent", "team", "queue"):
            assert table(fast, f"SELECT * EXCLUDE (batch_id) FROM {t} ORDER BY 1") == table(
                slow, f"SELECT * EXCLUDE (batch_id) FROM {t} ORDER BY 1"
            )
        # The typing itself, checked by hand on two rows.
        assert table(
            fast,
            "SELECT channel, kind, tags, queue_key, team_key FROM conversation "
            "WHERE source_id IN ('c1', 'c5') ORDER BY source_id",
        ) == [
            ("messaging", "ticket", ["billing", "refunds", "vip"], "generic:Web chat",
             "generic:Team 1"),
            ("carrier pigeon", "ticket", ["billing", "refunds", "vip"], "generic:Web chat",
             "generic:Team 2"),
        ]  # fmt: skip
        assert table(
            fast,
            "SELECT channel, kind, tags FROM conversation WHERE source_id IN ('c3', 'c4') "
            "ORDER BY source_id",
        ) == [(None, "ticket", ["a", "b"]), ("voice", "call", ["billing"])]


def test_a_bad_date_in_the_last_row_sends_the_file_the_staged_way(tmp_path, db_path):
    rows = [plain_row(i) for i in range(ROWS - 1)]
    rows.append(plain_row(ROWS - 1).replace("2024-03-01T", "2024-13-01T", 1))
    path = plain_file(tmp_path / "bad.csv", rows)
    with connect(db_path) as conn:
        result, labels = import_with_labels(conn, path)
        assert "reading and checking conversation rows" in labels
        assert "writing conversation" in labels
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (ROWS, ROWS - 1, 1)
        assert table(conn, "SELECT count(*) FROM conversation") == [(ROWS - 1,)]
        reject = table(
            conn, "SELECT row_number, line_number, column_name, reason FROM import_reject"
        )
        assert reject == [
            (ROWS, ROWS + 1, "created_at",
             f"created_at '2024-13-01T{(ROWS - 1) % 24:02d}:{(ROWS - 1) % 60:02d}:00Z' "
             "is not a date/time"),
        ]  # fmt: skip
        # Nothing of the first attempt is left: one batch, the counts of the staged load.
        assert table(conn, "SELECT count(*), sum(rows_loaded) FROM import_batch") == [(1, ROWS - 1)]


def test_a_repeated_id_sends_the_file_the_staged_way(tmp_path, db_path):
    rows = [plain_row(i) for i in range(ROWS)]
    rows[-1] = plain_row(7, status="closed")
    path = plain_file(tmp_path / "dup.csv", rows)
    with connect(db_path) as conn:
        result, labels = import_with_labels(conn, path)
        assert not one_pass(labels)
        assert (result.rows_loaded, result.rows_rejected) == (ROWS - 1, 1)
        assert table(conn, "SELECT row_number, column_name, reason FROM import_reject") == [
            (ROWS, "conversation_id",
             "duplicate conversation_id c7 (first seen at row 8); the first was kept"),
        ]  # fmt: skip
        assert table(conn, "SELECT status_current FROM conversation WHERE source_id = 'c7'") == [
            ("open",)
        ]


def test_a_malformed_line_does_not_stop_the_single_pass(tmp_path, db_path):
    rows = [plain_row(i) for i in range(ROWS)]
    rows.insert(10, "broken,2024-03-01T10:00:00Z,chat,too,many,fields,here,x,y,z,w,v,u")
    path = plain_file(tmp_path / "malformed.csv", rows)
    with connect(db_path) as conn:
        result, labels = import_with_labels(conn, path)
        assert one_pass(labels)
        assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (
            ROWS + 1, ROWS, 1,
        )  # fmt: skip
        assert table(
            conn, "SELECT line_number, reason LIKE 'too many columns%' FROM import_reject"
        ) == [(12, True)]
        assert table(conn, "SELECT count(*) FROM conversation WHERE source_id = 'broken'") == [(0,)]


def test_an_overlapping_file_replaces_rows_and_their_vendor_columns(tmp_path, db_path):
    first = plain_file(tmp_path / "a.csv", [plain_row(i) for i in range(ROWS)])
    half = ROWS // 2
    second = plain_file(
        tmp_path / "b.csv", [plain_row(i, status="resolved") for i in range(half, ROWS + half)]
    )
    with connect(db_path) as conn:
        assert one_pass(import_with_labels(conn, first)[1])
        # A vendor figure an earlier export gave for a conversation the new file replaces.
        conn.execute(
            "INSERT INTO conversation_source (conversation_key, src_first_response_s, batch_id) "
            "VALUES ($k, 60, 1), ('generic:c0', 30, 1)",
            {"k": f"generic:c{half}"},
        )
        result, labels = import_with_labels(conn, second)
        assert one_pass(labels)
        assert result.rows_loaded == ROWS
        assert table(
            conn,
            "SELECT count(*), count(DISTINCT conversation_key), "
            "count(*) FILTER (WHERE status_current = 'resolved') FROM conversation",
        ) == [(ROWS + half, ROWS + half, ROWS)]
        assert table(conn, "SELECT conversation_key FROM conversation_source") == [("generic:c0",)]


SHORTCUTS = ",first_response_at,resolved_at,csat,csat_scale"


def shortcut_row(i: int) -> str:
    first = f"2024-03-01T{i % 24:02d}:{i % 60:02d}:30Z" if i % 3 else ""
    resolved = f"2024-03-02T{i % 24:02d}:00:00Z" if i % 2 else ""
    csat, scale = [("5", ""), ("", ""), ("good", "binary"), ("7", "0-10"), ("", "")][i % 5]
    return plain_row(i) + f",{first},{resolved},{csat},{scale}"


def test_shortcut_columns_load_in_one_pass_and_show_as_rows(tmp_path):
    rows = [shortcut_row(i) for i in range(ROWS)]
    with both_ways(tmp_path, rows, PLAIN + SHORTCUTS) as (fast, slow):
        for view in ("conversation", "message_all", "conversation_event_all", "rating_all"):
            everything = f"SELECT * EXCLUDE (batch_id) FROM {view} ORDER BY ALL"
            assert table(fast, everything) == table(slow, everything), view
        # By hand: c0 has only a 1-5 rating, timed at creation; c2 a binary "good" and a first
        # response; c3 a 7 of 0-10 (neither positive nor negative) at its resolution.
        assert table(
            fast,
            "SELECT source_id, scale, raw_value, score_norm, is_positive, is_negative, "
            "rated_at::VARCHAR FROM rating_all WHERE source_id IN ('c0:csat', 'c2:csat', "
            "'c3:csat') ORDER BY 1",
        ) == [
            ("c0:csat", "1-5", "5", 1.0, True, False, "2024-03-01 00:00:00+00"),
            ("c2:csat", "binary", "good", 1.0, True, False, "2024-03-01 02:02:00+00"),
            ("c3:csat", "0-10", "7", 0.7, False, False, "2024-03-02 03:00:00+00"),
        ]
        assert table(
            fast,
            "SELECT message_key, author_role, author_agent_key, created_at::VARCHAR "
            "FROM message_all WHERE conversation_key IN ('generic:c0', 'generic:c2')",
        ) == [("generic:c2:first_response", "agent", "generic:agent2", "2024-03-01 02:02:30+00")]
        assert table(fast, "SELECT count(*) FROM message") == [(0,)]


def test_a_plain_file_drops_the_shortcut_values_of_the_rows_it_replaces(tmp_path, db_path):
    shortcut = tmp_path / "shortcut.csv"
    shortcut.write_text(
        "conversation_id,created_at,resolved_at,first_response_at,csat\n"
        "c1,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,2024-03-01T10:05:00Z,5\n"
        "c2,2024-03-01T10:00:00Z,2024-03-01T12:00:00Z,,\n"
    )
    plain = plain_file(tmp_path / "plain.csv", [plain_row(1), plain_row(3)])
    with connect(db_path) as conn:
        import_file(conn, shortcut)
        derived = (
            "SELECT (SELECT count(*) FROM message_all), "
            "(SELECT count(*) FROM conversation_event_all), (SELECT count(*) FROM rating_all)"
        )
        assert table(conn, derived) == [(1, 2, 1)]
        import_file(conn, plain)
        # c1's values went with the row they came from; c2's stay.
        assert table(conn, derived) == [(0, 1, 0)]
        assert table(conn, "SELECT event_key FROM conversation_event_all") == [
            ("generic:c2:resolved",)
        ]


MESSAGES = "message_id,conversation_id,created_at,author_role,author,body"


def message_row(i: int, role: str = "customer") -> str:
    return (
        f"m{i},c{i // 5},2024-03-01T10:{i % 60:02d}:00Z,{role},someone{i % 9},Hello {i} {PAD}{PAD}"
    )


def test_messages_load_in_one_pass_and_a_bad_role_goes_the_staged_way(tmp_path):
    rows = [message_row(i, ["customer", "agent", "Bot"][i % 3]) for i in range(ROWS)]
    clean = plain_file(tmp_path / "messages.csv", rows, MESSAGES)
    rows[-1] = message_row(ROWS - 1, "martian")
    bad = plain_file(tmp_path / "bad_messages.csv", rows, MESSAGES)
    with connect(tmp_path / "a.duckdb") as conn:
        result, labels = import_with_labels(conn, clean)
        assert one_pass(labels, "message")
        assert result.rows_loaded == ROWS
        assert table(
            conn,
            "SELECT author_role, count(*), count(author_agent_key), count(author_contact_key) "
            "FROM message GROUP BY 1 ORDER BY 1",
        ) == [("agent", ROWS // 3, ROWS // 3, 0), ("bot", ROWS // 3, ROWS // 3, 0),
              ("customer", ROWS // 3, 0, ROWS // 3)]  # fmt: skip
    with connect(tmp_path / "b.duckdb") as conn:
        result, labels = import_with_labels(conn, bad)
        assert not one_pass(labels, "message")
        assert (result.rows_loaded, result.rows_rejected) == (ROWS - 1, 1)
        assert table(conn, "SELECT row_number, column_name FROM import_reject") == [
            (ROWS, "author_role")
        ]


def test_reimport_of_a_plain_file_is_a_no_op_and_a_same_size_file_is_not(tmp_path, db_path):
    rows = [plain_row(i) for i in range(200)]
    path = plain_file(tmp_path / "a.csv", rows)
    # Same size, other bytes: its sha256 is taken before the import (a size seen before).
    twin = plain_file(tmp_path / "b.csv", [r.replace("open", "shut") for r in rows])
    assert twin.stat().st_size == path.stat().st_size
    with connect(db_path) as conn:
        first = import_file(conn, path)
        again = import_file(conn, path)
        assert again.skipped and again.batch_id == first.batch_id
        other = import_file(conn, twin)
        assert not other.skipped and other.rows_loaded == 200
        assert table(conn, "SELECT count(*), count(DISTINCT sha256) FROM import_batch") == [(2, 2)]
        assert table(conn, "SELECT DISTINCT status_current FROM conversation") == [("shut",)]


def test_the_background_sha256_stops_when_the_import_no_longer_needs_it(tmp_path):
    data = b"0123456789abcdef" * (1 << 18)  # 4 MB: two reads of 2 MB
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert sha256_of(path, chunk=1 << 21) == hashlib.sha256(data).hexdigest()
    stop = threading.Event()
    stop.set()
    assert sha256_of(path, chunk=1 << 21, stop=stop) is None


def test_sigkill_after_the_single_pass_insert_leaves_the_warehouse_as_before(tmp_path, db_path):
    small = plain_file(tmp_path / "small.csv", [plain_row(i) for i in range(10)])
    with connect(db_path) as conn:
        import_file(conn, small)
        before = table(conn, "SELECT count(*), max(batch_id) FROM conversation")
    big = plain_file(tmp_path / "big.csv", [plain_row(i) for i in range(100, 100 + ROWS)])
    # The one-pass insert has finished; the transaction is not committed yet.
    kill_import_after(db_path, big, "reading and checking conversation", tmp_path / "marker")
    with connect(db_path) as conn:
        assert table(conn, "SELECT count(*), max(batch_id) FROM conversation") == before
        assert table(conn, "SELECT count(*) FROM import_batch") == [(1,)]
        result, labels = import_with_labels(conn, big)
        assert one_pass(labels) and result.rows_loaded == ROWS
