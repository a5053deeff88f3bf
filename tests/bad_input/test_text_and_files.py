"""Bad-input corpus, issue 14 items 8, 9 and 10 (importer parts): encodings, line endings,
JSON with a byte-order mark or broken lines, reject line numbers, odd paths, nested Parquet
columns, mappings, UTC offsets, decimal commas and agent statuses.

Each case runs ``supportstats import`` in a fresh process and checks what a user meets: the
exit code, one ``Error:`` and one ``Hint:`` line for a failure, no traceback, and the rows in
the warehouse (unchanged, or exactly what the file should give).
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest

from tests.bad_input._corpus import (
    assert_clean_error,
    assert_no_traceback,
    counts,
    run,
)
from tests.bad_input._corpus import (
    rows as query,
)

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "conversation_id,created_at,subject"
EMPTY = dict.fromkeys(("conversation", "message", "agent", "import_batch", "import_reject"), 0)


def imp(path: Path, db: Path, *args: str | Path):
    return run("import", path, "--db", db, *args)


def subjects(db: Path) -> list[tuple[str, str]]:
    return query(db, "SELECT source_id, subject FROM conversation ORDER BY source_id")


def rejects(db: Path) -> list[tuple]:
    """(line, row, column, reason, raw) of every reject, in line order."""
    return query(
        db,
        "SELECT line_number, row_number, column_name, reason, raw FROM import_reject "
        "ORDER BY line_number, row_number",
    )


def loaded(outcome, db: Path, conversations: int, rejected: int = 0) -> None:
    """The import succeeded (exit 0) or rejected rows (exit 1), and the warehouse holds one
    batch with exactly these conversations and rejects."""
    if rejected:
        assert_clean_error(outcome, 1, contains="rejected")
    else:
        assert outcome.code == 0, outcome
        assert_no_traceback(outcome)
        assert "Error:" not in outcome.stderr, outcome
    found = counts(db)
    assert found["conversation"] == conversations, found
    assert found["import_reject"] == rejected, found
    assert found["import_batch"] == 1, found


def refused(outcome, db: Path, contains: str) -> None:
    """The file was refused whole (exit 2) and the warehouse is as it was (none)."""
    assert_clean_error(outcome, 2, contains=contains)
    assert counts(db) in ({}, EMPTY), counts(db)


# ------------------------------------------------------------------- item 8: encodings


def test_one_cp1252_line_in_a_utf8_file_is_rejected_not_decoded_as_mojibake(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        (HEADER + "\nc1,2024-03-01T10:00:00Z,García\nc2,2024-03-01T10:00:00Z,").encode()
        + b"Caf\xe9 con leche\n"
        + "c3,2024-03-01T10:00:00Z,Zoë\n".encode()
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=2, rejected=1)
    assert "line 3" in outcome.stderr and "not valid UTF-8" in outcome.stderr, outcome
    assert subjects(db) == [("c1", "García"), ("c3", "Zoë")]
    ((line, _row, _column, reason, raw),) = rejects(db)
    assert line == 3
    assert "byte 0xE9" in reason and "'Café con leche'" in reason, reason
    assert raw == "c2,2024-03-01T10:00:00Z,Caf\\xe9 con leche"


def test_a_cp1252_line_after_the_first_megabyte_is_rejected_with_a_clear_reason(tmp_path):
    rows = [f"c{i},2024-03-01T10:00:00Z,García {i}" for i in range(1, 40_001)]
    path = tmp_path / "late.csv"
    path.write_bytes(
        (HEADER + "\n" + "\n".join(rows) + "\n").encode() + b"c40001,2024-03-01T10:00:00Z,Caf\xe9\n"
    )
    assert path.stat().st_size > 1 << 20
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=40_000, rejected=1)
    ((line, _row, _column, reason, raw),) = rejects(db)
    assert line == 40_002
    assert "not valid UTF-8" in reason and "'Café'" in reason, reason
    assert "?" not in raw and raw.endswith("Caf\\xe9")


def test_a_cp1252_file_whose_first_megabyte_is_ascii_is_read_as_cp1252(tmp_path):
    rows = [f"c{i},2024-03-01T10:00:00Z,plain {i}" for i in range(1, 40_001)]
    path = tmp_path / "late_cp1252.csv"
    path.write_bytes(
        (HEADER + "\n" + "\n".join(rows) + "\n").encode()
        + "c40001,2024-03-01T10:00:00Z,Café “señal” €5\n".encode("cp1252")
    )
    db = tmp_path / "w.duckdb"
    loaded(imp(path, db), db, conversations=40_001)
    assert query(db, "SELECT subject FROM conversation WHERE source_id = 'c40001'") == [
        ("Café “señal” €5",)
    ]


@pytest.mark.parametrize("name", ["late.jsonl", "late.json", "late_mixed_eol.csv"])
def test_cp1252_past_an_ascii_first_megabyte_in_json_and_with_mixed_line_endings(tmp_path, name):
    path = tmp_path / name
    cafe = "Café".encode("cp1252").decode("latin-1")
    if name.endswith(".csv"):
        rows = [f"c{i},2024-03-01T10:00:00Z,plain" for i in range(60_000)]
        text = HEADER + "\r\n" + "\r\n".join(rows) + f"\r\nx1,2024-03-01T10:00:00Z,{cafe}\n"
    else:
        records = [
            {"conversation_id": f"c{i}", "created_at": "2024-03-01T10:00:00Z", "subject": "p"}
            for i in range(20_000)
        ]
        records.append({"conversation_id": "x1", "created_at": "2024-03-01T10:00:00Z"})
        lines = [json.dumps(r) for r in records]
        lines[-1] = lines[-1][:-1] + f', "subject": "{cafe}"}}'
        text = "\n".join(lines) + "\n" if name.endswith(".jsonl") else "[" + ",\n".join(lines) + "]"
    path.write_bytes(text.encode("latin-1"))
    assert path.stat().st_size > 1 << 20
    db = tmp_path / "w.duckdb"
    loaded(imp(path, db), db, conversations=60_001 if name.endswith(".csv") else 20_001)
    assert query(db, "SELECT subject FROM conversation WHERE source_id = 'x1'") == [("Café",)]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_utf16_and_utf32_files_are_transcoded(tmp_path, encoding, bom):
    text = HEADER + "\r\nc1,2024-03-01T10:00:00Z,García\r\nc2,2024-03-01T10:00:00Z,日本 €\r\n"
    path = tmp_path / "wide.csv"
    path.write_bytes(bom + text.encode(encoding))
    db = tmp_path / "w.duckdb"
    loaded(imp(path, db), db, conversations=2)
    assert subjects(db) == [("c1", "García"), ("c2", "日本 €")]


def test_a_broken_utf16_file_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "broken16.csv"
    text = (HEADER + "\nc1,2024-03-01T10:00:00Z,x\n").encode("utf-16-le")
    # a lone high surrogate in the second row
    path.write_bytes(codecs.BOM_UTF16_LE + text + b"\x00\xd8" + "c2\n".encode("utf-16-le"))
    db = tmp_path / "w.duckdb"
    refused(imp(path, db), db, "not valid UTF-16")


# ----------------------------------------------- item 9: files that should lose a row at most


@pytest.mark.parametrize(
    "lines",
    [
        # a CRLF file with one LF line, and an LF file with one CRLF line
        [b"\r\n", b"\r\n", b"\n", b"\r\n"],
        [b"\n", b"\n", b"\r\n", b"\n"],
    ],
    ids=["crlf-with-one-lf", "lf-with-one-crlf"],
)
def test_mixed_line_endings_load_every_row(tmp_path, lines):
    rows = [HEADER, "c1,2024-03-01T10:00:00Z,a", "c2,2024-03-01T10:00:00Z,b", '"c3",x,"y"']
    path = tmp_path / "mixed_eol.csv"
    path.write_bytes(b"".join(r.encode() + e for r, e in zip(rows, lines, strict=True)))
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=2, rejected=1)
    assert subjects(db) == [("c1", "a"), ("c2", "b")]
    assert [(r[0], r[2]) for r in rejects(db)] == [(4, "created_at")]


def test_json_with_a_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    records = [{"conversation_id": "c1", "created_at": "2024-03-01T10:00:00Z", "subject": "Ä"}]
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(records).encode())
    db = tmp_path / "w.duckdb"
    loaded(imp(path, db), db, conversations=1)
    assert subjects(db) == [("c1", "Ä")]


def _jsonl(records: list[dict | str]) -> bytes:
    return b"".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)).encode() + b"\n"
        for r in records
    )


@pytest.mark.parametrize("name", ["broken.jsonl", "broken.jsonl.gz"])
def test_json_lines_with_one_broken_line_lose_that_line_only(tmp_path, name):
    records: list[dict | str] = [
        {"conversation_id": f"c{i}", "created_at": "2024-03-01T10:00:00Z"} for i in range(1, 21)
    ]
    records[6] = '{"conversation_id": "c7", "created_at": '
    path = tmp_path / name
    data = _jsonl(records)
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=19, rejected=1)
    assert "line 7" in outcome.stderr, outcome
    ((line, _row, _column, reason, raw),) = rejects(db)
    assert line == 7
    assert reason.startswith("not valid JSON"), reason
    assert raw == '{"conversation_id": "c7", "created_at": '


def test_json_lines_reject_line_numbers_count_blank_and_broken_lines(tmp_path):
    records: list[dict | str] = [
        {"conversation_id": "c1", "created_at": "2024-03-01T10:00:00Z"},
        "",
        "not json at all",
        "   ",
        {"conversation_id": "c2", "created_at": "never"},
        {"conversation_id": "c3", "created_at": "2024-03-01T10:00:00Z", "subject": "García"},
    ]
    path = tmp_path / "blank.jsonl"
    path.write_bytes(_jsonl(records) + b'{"conversation_id": "c4", "created_at": "Caf\xe9"}\n')
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=2, rejected=3)
    assert [(r[0], r[2]) for r in rejects(db)] == [(3, None), (5, "created_at"), (7, None)]
    assert "not valid UTF-8" in rejects(db)[2][3] and "'Café'" in rejects(db)[2][3]
    assert subjects(db) == [("c1", None), ("c3", "García")]


def test_a_70_mb_json_lines_line_is_read(tmp_path):
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"conversation_id": "c1", "created_at": "2024-03-01T10:00:00Z"}))
        handle.write("\n")
        big = {"conversation_id": "c2", "created_at": "2024-03-01T10:00:00Z"}
        handle.write(json.dumps({**big, "subject": "x" * 70_000_000}) + "\n")
        handle.write(json.dumps({"conversation_id": "c3", "created_at": "bad"}) + "\n")
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=2, rejected=1)
    assert query(db, "SELECT length(subject) FROM conversation WHERE source_id = 'c2'") == [
        (70_000_000,)
    ]
    assert [(r[0], r[2]) for r in rejects(db)] == [(3, "created_at")]


def test_a_70_mb_vendor_record_is_rejected_and_the_other_records_load(tmp_path):
    # Intercom conversations, one per line; the 8th holds 70 MB (an inlined attachment).
    # Parsed once per field, that record would take gigabytes: the first reading runs out of
    # memory, the second reads every other record and rejects that one with its size.
    sample = json.loads((DATA / "intercom" / "conversations.jsonl").read_text().splitlines()[0])

    def conversation(number: int, body: str = "<p>Where is my refund?</p>") -> str:
        record = json.loads(json.dumps(sample))
        record["id"] = str(900_000 + number)
        record["source"]["body"] = body
        parts = record.get("conversation_parts", {}).get("conversation_parts", [])
        for index, part in enumerate(parts):
            part["id"] = f"{number}-{index}"
        return json.dumps(record)

    path = tmp_path / "conversations.jsonl"
    lines = [conversation(n) for n in range(19)]
    lines.insert(7, conversation(99, "x" * 70_000_000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    assert_clean_error(outcome, 1, contains="line 8")
    assert "70.0 MB" in outcome.stderr
    assert counts(db)["conversation"] == 19
    ((line, _row, _column, reason, raw),) = rejects(db)
    assert line == 8 and "more than the 16 MB" in reason
    # the reject keeps the record's start and its size, not 70 MB of text
    assert raw.endswith(f"... ({len(lines[7].encode()):,} bytes)") and len(raw) < 2000


def test_reject_line_numbers_are_physical_lines(tmp_path):
    text = (
        HEADER + "\n"
        'c1,2024-03-01T10:00:00Z,"two\nlines"\n'  # lines 2-3
        "\n"  # line 4: blank
        "c2,never,x\n"  # line 5
        'c3,2024-03-01T10:00:00Z,"a ""quoted""\nvalue\nover three"\n'  # lines 6-8
        "c4,2024-03-01T10:00:00Z,x,extra\n"  # line 9: too many columns
        'c5,2024-03-01T10:00:00Z,q"r\n'  # line 10: a quote inside a value is a character
        'c6,also never,"x"\n'  # line 11
    )
    path = tmp_path / "multiline.csv"
    path.write_bytes(text.encode())
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=3, rejected=3)
    assert "line 5" in outcome.stderr, outcome
    assert [(r[0], r[2]) for r in rejects(db)] == [
        (5, "created_at"),
        (9, None),
        (11, "created_at"),
    ]


def test_reject_line_numbers_of_a_crlf_file_with_embedded_newlines(tmp_path):
    text = HEADER + '\r\nc1,2024-03-01T10:00:00Z,"a\r\nb"\r\nc2,bad,x\r\n'
    path = tmp_path / "crlf_multiline.csv"
    path.write_bytes(text.encode())
    db = tmp_path / "w.duckdb"
    loaded(imp(path, db), db, conversations=1, rejected=1)
    assert [r[0] for r in rejects(db)] == [4]


# -------------------------------------------------- item 10: messages that say what happened


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    db = tmp_path / "w.duckdb"
    refused(imp(fifo, db), db, "not a regular file")


def test_a_device_is_not_a_regular_file(tmp_path):
    db = tmp_path / "w.duckdb"
    refused(imp(Path("/dev/zero"), db), db, "not a regular file")


def test_a_symlink_loop_is_named(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    db = tmp_path / "w.duckdb"
    refused(imp(tmp_path / "a.csv", db), db, "symlink loop")


def test_an_unreadable_file_says_permission(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text(HEADER + "\nc1,2024-03-01T10:00:00Z,x\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        db = tmp_path / "w.duckdb"
        refused(imp(path, db), db, "permission")
    finally:
        path.chmod(0o644)


def test_nested_parquet_columns_are_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "nested.parquet"
    pq.write_table(
        pa.table(
            {
                "conversation_id": ["c1"],
                "created_at": ["2024-03-01T10:00:00Z"],
                "tags": [["vip", "billing"]],
            }
        ),
        path,
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    refused(outcome, db, "column tags")
    assert "nested" in outcome.stderr and "element" not in outcome.stderr, outcome


def test_a_nested_parquet_column_is_kept_as_json_with_keep_extra(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "extra.parquet"
    pq.write_table(
        pa.table(
            {
                "conversation_id": ["c1"],
                "created_at": ["2024-03-01T10:00:00Z"],
                "meta": [{"a": 1, "b": "x"}],
            }
        ),
        path,
    )
    db = tmp_path / "w.duckdb"
    refused(imp(path, db), db, "unknown column meta")
    loaded(imp(path, db, "--keep-extra"), db, conversations=1)


def test_one_source_column_mapped_twice_is_explained(tmp_path):
    path = tmp_path / "house.csv"
    path.write_text("Ticket,Created\nc1,2024-03-01T10:00:00Z\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nconversation_id = "Ticket"\nsubject = "Ticket"\ncreated_at = "Created"\n'
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db, "--mapping", mapping)
    refused(outcome, db, "Ticket")
    assert "conversation_id and subject" in outcome.stderr, outcome
    assert "missing required column" not in outcome.stderr, outcome


def test_utc_offsets_beyond_14_hours_are_rejected_per_row(tmp_path):
    path = tmp_path / "offsets.csv"
    path.write_text(
        "conversation_id,created_at,resolved_at\n"
        "c1,2024-03-01T10:00:00+25:00,\n"
        "c2,2024-03-01T10:00:00+14:00,2024-03-01T10:00:00-1500\n"
        "c3,2024-03-01T10:00:00-12:00,2024-03-02T10:00:00-12\n"
        "c4,2024-03-01 10:00:00+05:30,\n"
        "c5,2024-03-31,\n"
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=3, rejected=2)
    assert [(r[0], r[2]) for r in rejects(db)] == [(2, "created_at"), (3, "resolved_at")]
    assert "UTC offset" in rejects(db)[0][3], rejects(db)
    # the same rule with --timezone (naive times local there; offsets taken as given)
    db2 = tmp_path / "w2.duckdb"
    loaded(imp(path, db2, "--timezone", "Europe/Madrid"), db2, conversations=3, rejected=2)


def test_decimal_comma_csat_in_a_semicolon_file(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(
        "conversation_id;created_at;csat\n"
        "c1;2024-03-01T10:00:00Z;4,5\n"
        "c2;2024-03-01T10:00:00Z;3\n"
        "c3;2024-03-01T10:00:00Z;5,5\n"
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    loaded(outcome, db, conversations=2, rejected=1)
    assert query(db, "SELECT source_id, csat FROM conversation ORDER BY 1") == [
        ("c1", "4.5"),
        ("c2", "3"),
    ]
    assert [(r[0], r[2]) for r in rejects(db)] == [(4, "csat")]


def test_decimal_comma_ratings_in_a_semicolon_file(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("conversation_id;rating\nc1;4,5\nc2;2\n")
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    assert outcome.code == 0, outcome
    assert_no_traceback(outcome)
    assert (counts(db)["import_batch"], counts(db)["import_reject"]) == (1, 0)
    assert query(db, "SELECT raw_value, score_norm FROM rating ORDER BY 1") == [
        ("2", 0.25),
        ("4.5", 0.875),
    ]


def test_an_unknown_agent_status_is_rejected_not_relabelled(tmp_path):
    path = tmp_path / "status.csv"
    path.write_text(
        "agent,started_at,status\n"
        "ana,2024-03-01T10:00:00Z,lunch\n"
        "ben,2024-03-01T10:00:00Z,Busy\n"
        "cy,2024-03-01T10:00:00Z,wrapping up\n"
    )
    db = tmp_path / "w.duckdb"
    outcome = imp(path, db)
    assert_clean_error(outcome, 1, contains="line 4")
    assert (counts(db)["import_batch"], counts(db)["import_reject"]) == (1, 1)
    assert query(db, "SELECT status_raw, status_class FROM agent_status_interval ORDER BY 1") == [
        ("busy", "occupied"),
        ("lunch", "break"),
    ]
    ((line, _row, column, reason, _raw),) = rejects(db)
    assert (line, column) == (4, "status")
    assert "'wrapping up'" in reason and "available" in reason, reason
