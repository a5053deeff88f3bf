"""Intercom importer: hand-made export, vendor samples, safety and errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from _importer_helpers import frt_by_hand_sql, resolution_by_hand_sql

from supportstats.errors import InputFileError
from supportstats.importers import ImportOptions, import_file

DATA = Path(__file__).resolve().parents[1] / "data" / "intercom"
T0 = 1772614200  # 2026-03-04T08:50:00Z, created_at of conversation 9001

# Our default definitions, in SQL over the canonical tables (DESIGN.md §4).
FRT = frt_by_hand_sql("c.source_system = $ss")
RESOLUTION = resolution_by_hand_sql("c.source_system = $ss")


def rows(conn, sql: str, ss: str = "intercom") -> list[tuple]:
    return conn.execute(sql, {"ss": ss}).fetchall()


def test_hand_made_export(warehouse):
    result = import_file(warehouse, DATA / "conversations.jsonl")
    # 3 conversations: 9003 has created_at "yesterday" and is rejected with its raw record.
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "intercom",
        3,
        2,
        1,
    )
    reject = warehouse.execute("SELECT column_name, reason, raw FROM import_reject").fetchall()
    assert reject[0][0] == "created_at" and "'yesterday'" in reject[0][1]
    assert json.loads(reject[0][2])["id"] == "9003"
    conv = warehouse.execute(
        "SELECT source_id, status_current, priority, assignee_agent_key, team_key, tags, "
        "src_first_response_s, src_first_response_bh_s, src_full_resolution_s, "
        "src_full_resolution_bh_s, src_reopens FROM conversation_with_source ORDER BY 1"
    ).fetchall()
    assert conv[0] == (
        "9001",
        "closed",
        "normal",
        "intercom:5566",
        "intercom:team:91",
        ["refund"],
        255.0,
        200.0,
        12600.0,
        12000.0,
        1,
    )
    assert conv[1][:3] == ("9002", "open", "high")
    # FRT: the bot part (+5 s) and the note (+60 s) do not count; Maya's comment at +255 s does.
    assert rows(warehouse, FRT) == [("9001", 255.0), ("9002", None)]
    # Resolution: created -> last close (+12,600 s), after a reopen at +7,200 s.
    assert rows(warehouse, RESOLUTION) == [("9001", 12600.0), ("9002", None)]
    # Our FRT reconciles with Intercom's calendar timestamps (src_first_response_s).
    assert warehouse.execute(
        "SELECT src_first_response_s FROM conversation_with_source WHERE source_id = '9001'"
    ).fetchall() == [(255.0,)]
    # CSAT: one rating of 4 of 5, credited to the teammate at rating time.
    assert warehouse.execute(
        "SELECT raw_value, score_norm, is_positive, agent_key_at_rating FROM rating"
    ).fetchall() == [("4", 0.75, True, "intercom:5566")]
    # Missed: 9002 never got a human reply.
    missed = warehouse.execute(
        "SELECT c.source_id FROM conversation c WHERE NOT EXISTS (SELECT 1 FROM message m "
        "WHERE m.conversation_key = c.conversation_key AND m.author_role = 'agent' "
        "AND m.automation = 'none' AND m.visibility = 'public')"
    ).fetchall()
    assert missed == [("9002",)]
    assert warehouse.execute(
        "SELECT is_bot FROM agent WHERE agent_key = 'intercom:4423434'"
    ).fetchall() == [(True,)]


def test_reimport_is_a_no_op(warehouse):
    first = import_file(warehouse, DATA / "conversations.jsonl")
    again = import_file(warehouse, DATA / "conversations.jsonl")
    assert again.skipped and again.batch_id == first.batch_id
    # 9001: source, bot, note, reply; 9002: source (the "open" and "close" parts are events).
    assert warehouse.execute("SELECT count(*) FROM message").fetchall() == [(5,)]


def test_vendor_airbyte_records(warehouse, shared):
    path = (
        shared
        / "vendor_samples/intercom"
        / "airbyte-source-intercom__expected_records_conversations_and_parts.jsonl"
    )
    result = import_file(warehouse, path)
    # README: 3 conversations + 3 conversation parts, nothing rejected.
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "intercom",
        6,
        6,
        0,
    )
    # Conversation 1: created 2020-12-09T22:34:03Z; calendar FRT 18,100,888 s from Intercom's
    # timestamps; time_to_admin_reply 4,317,957 s (office hours) kept apart.
    assert warehouse.execute(
        "SELECT epoch(created_at), src_first_response_s, src_first_response_bh_s "
        "FROM conversation_with_source WHERE source_id = '1'"
    ).fetchall() == [(1607553243.0, 18100888.0, 4317957.0)]
    # The two Operator parts are bot messages, so our FRT stays NULL (the reply part is absent).
    assert rows(warehouse, FRT) == [("1", None), ("60", None), ("61", None)]
    assert warehouse.execute(
        "SELECT count(*) FROM message WHERE author_role = 'bot' AND author_agent_key = "
        "'intercom:4423434'"
    ).fetchall() == [(2,)]
    # Conversations 60 and 61: admin-initiated automated messages, FRT NULL, not closed.
    assert rows(warehouse, RESOLUTION) == [("1", None), ("60", None), ("61", None)]
    assert warehouse.execute("SELECT count(*) FROM rating").fetchall() == [(0,)]


def test_vendor_openapi_example(warehouse, shared):
    path = shared / "vendor_samples/intercom/intercom-openapi__2.15_get_conversation_example.json"
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    # 4 parts (1 comment, 3 action/attribute parts) + the opening source message.
    assert warehouse.execute("SELECT count(*) FROM message").fetchall() == [(2,)]
    assert warehouse.execute("SELECT count(*) FROM conversation_event").fetchall() == [(3,)]


def test_cli_detects_intercom(cli, tmp_path):
    out = cli(
        "import", DATA / "conversations.jsonl", "--db", tmp_path / "w.duckdb", "--format", "json"
    )
    assert out.exit_code == 1  # one row rejected
    assert '"source": "intercom"' in out.stdout


def test_other_source_and_truncated_json(warehouse, tmp_path):
    other = Path(__file__).resolve().parents[1] / "data" / "chatwoot" / "messages.json"
    with pytest.raises(InputFileError, match="looks like a chatwoot export"):
        import_file(warehouse, other, ImportOptions(source="intercom"))
    cut = tmp_path / "cut.json"
    cut.write_text((DATA / "conversations.jsonl").read_text().splitlines()[0][:500])
    with pytest.raises(InputFileError, match="not valid JSON"):
        import_file(warehouse, cut, ImportOptions(source="intercom"))
    assert warehouse.execute("SELECT count(*) FROM conversation").fetchall() == [(0,)]


SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "intercom"


def test_sample_data_reconciles_with_statistics(cli, tmp_path):
    """sample_data/intercom through the real CLI; our numbers equal Intercom's statistics."""
    db = tmp_path / "w.duckdb"
    out = cli("import", SAMPLES / "conversations.json", "--db", db, "--format", "json")
    assert out.exit_code == 0, out.stderr
    summary = json.loads(out.stdout)[0]
    assert summary["source"] == "intercom"
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (40, 40, 0)
    conn = duckdb.connect(str(db), read_only=True)
    ours = dict(rows(conn, FRT))
    theirs = dict(
        conn.execute(
            "SELECT source_id, src_first_response_bh_s FROM conversation_with_source"
        ).fetchall()
    )
    # time_to_admin_reply = first public human part - created_at (the bot greeting and the
    # notes written before the reply do not count); the workspace has no office hours.
    assert ours == theirs
    assert sum(v is None for v in ours.values()) == 5  # conversations 7, 14, ... unanswered
    resolution = dict(rows(conn, RESOLUTION))
    assert resolution == dict(
        conn.execute(
            "SELECT source_id, src_full_resolution_bh_s FROM conversation_with_source"
        ).fetchall()
    )
    # count_reopens = our reopen events; every rating is 1-5 and credited to a teammate.
    assert conn.execute(
        "SELECT count(*) FROM conversation_with_source c WHERE src_reopens <> (SELECT count(*) "
        "FROM "
        "conversation_event e WHERE e.conversation_key = c.conversation_key AND "
        "e.event_type = 'reopen')"
    ).fetchall() == [(0,)]
    assert conn.execute(
        "SELECT sum(src_reopens), count(*) FILTER (WHERE state_rated) FROM (SELECT src_reopens, "
        "conversation_key IN (SELECT conversation_key FROM rating) AS state_rated "
        "FROM conversation_with_source)"
    ).fetchall() == [(7, 26)]  # n % 5 == 0 and answered: 5, 10, ..., 40 but 35
    assert conn.execute(
        "SELECT count(*), count(agent_key_at_rating), min(score_norm), max(score_norm) FROM rating"
    ).fetchall() == [(26, 26, 0.0, 1.0)]
    conn.close()
