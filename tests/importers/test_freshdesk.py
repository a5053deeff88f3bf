"""Freshdesk importer: hand-made ticket export CSV (local times), vendor API/Airbyte samples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from _importer_helpers import frt_by_hand_sql, resolution_by_hand_sql

from supportstats.errors import InputFileError
from supportstats.importers import ImportOptions, import_file

DATA = Path(__file__).resolve().parents[1] / "data" / "freshdesk"
FRT = frt_by_hand_sql()
RESOLUTION = resolution_by_hand_sql()


def test_ticket_export_csv_in_local_time(warehouse):
    result = import_file(
        warehouse, DATA / "tickets_export.csv", ImportOptions(timezone="Europe/Berlin")
    )
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "freshdesk",
        5,
        4,
        1,
    )
    assert warehouse.execute("SELECT line_number, reason FROM import_reject").fetchall() == [
        (5, "Created time 'yesterday' is not a date/time")
    ]
    # 09:14 in Berlin (CET) is 08:14 UTC; 1005 straddles the 2026-03-29 clock change.
    conv = warehouse.execute(
        "SELECT source_id, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'), channel, "
        "src_first_response_bh_s, src_full_resolution_bh_s, src_replies, source_timezone "
        "FROM conversation_with_source ORDER BY 1"
    ).fetchall()
    assert conv == [
        ("1001", "2026-03-02 08:14", "email", 2491.0, 23172.0, 3, "Europe/Berlin"),
        ("1002", "2026-03-02 22:30", "chat", 1800.0, None, 1, "Europe/Berlin"),
        ("1003", "2026-03-03 09:00", "voice", None, None, 0, "Europe/Berlin"),
        ("1005", "2026-03-29 00:30", "web", 3600.0, 450190.0, 2, "Europe/Berlin"),
    ]
    # FRT by hand: 41 min 31 s; 9 h overnight; none; 01:30 -> 03:30 local is 1 h (DST).
    assert warehouse.execute(FRT).fetchall() == [
        ("1001", 2491.0),
        ("1002", 32400.0),
        ("1003", None),
        ("1005", 3600.0),
    ]
    # Resolution: 6 h 26 min 12 s; 1005: 00:30Z on 03-29 -> 08:00Z on 04-03 = 459,000 s.
    assert warehouse.execute(RESOLUTION).fetchall() == [
        ("1001", 23172.0),
        ("1002", None),
        ("1003", None),
        ("1005", 459000.0),
    ]
    # CSAT: Extremely satisfied (+), Unhappy (-), Neutral (neither): 1 positive of 3 answers.
    assert warehouse.execute(
        "SELECT count(*) FILTER (WHERE is_positive), count(*) FILTER (WHERE is_negative), "
        "count(*) FROM rating"
    ).fetchall() == [(1, 1, 3)]
    # Missed: only 1003 has no agent response.
    assert warehouse.execute(
        "SELECT source_id FROM conversation c WHERE NOT EXISTS (SELECT 1 FROM message m WHERE "
        "m.conversation_key = c.conversation_key AND m.author_role = 'agent')"
    ).fetchall() == [("1003",)]
    # Our calendar FRT equals the export's own timestamps (src_first_response_s) everywhere.
    assert warehouse.execute(
        "SELECT count(*) FROM conversation_with_source WHERE src_first_response_s IS NOT NULL"
    ).fetchall() == [(3,)]


def test_reimport_is_a_no_op(warehouse):
    import_file(warehouse, DATA / "tickets_export.csv")
    again = import_file(warehouse, DATA / "tickets_export.csv")
    assert again.skipped
    assert warehouse.execute("SELECT count(*) FROM conversation").fetchall() == [(4,)]


def test_vendor_airbyte_ticket_22(warehouse, shared):
    path = (
        shared
        / "vendor_samples/freshdesk"
        / "airbyte-source-freshdesk__expected_records_ticket22_conversations_csat.jsonl"
    )
    result = import_file(warehouse, path)
    # 1 agent, 1 ticket, 2 conversations, 1 rating load; the survey is skipped by rule (it
    # only gives the ratings' scale), so nothing is rejected.
    assert (
        result.source,
        result.rows_read,
        result.rows_loaded,
        result.rows_rejected,
        result.rows_skipped,
    ) == ("freshdesk", 6, 5, 0, 1)
    assert warehouse.execute(
        "SELECT entity, skipped, left(reason, 24) FROM import_reject"
    ).fetchall() == [("survey", True, "Freshdesk survey skipped")]
    # README: created 16:03:17Z, first public reply 16:16:58Z -> 821 s; the note does not count.
    assert warehouse.execute(FRT).fetchall() == [("22", 821.0)]
    assert warehouse.execute(
        "SELECT status_current, channel, src_first_response_s, assignee_agent_key "
        "FROM conversation_with_source"
    ).fetchall() == [("pending", "voice", 821.0, "freshdesk:67013469919")]
    assert warehouse.execute(RESOLUTION).fetchall() == [("22", None)]
    assert warehouse.execute(
        "SELECT name FROM agent WHERE agent_key = 'freshdesk:67013469919'"
    ).fetchall() == [("Team Airbyte",)]
    # Rating 103 = top of the survey's 3-point scale; credited to agent 67013469919.
    assert warehouse.execute(
        "SELECT conversation_key, raw_value, scale, score_norm, is_positive, comment, "
        "agent_key_at_rating FROM rating"
    ).fetchall() == [("freshdesk:23", "103", "3-level", 1.0, True, "test", "freshdesk:67013469919")]


def test_vendor_python_freshdesk_ticket(warehouse, shared):
    result = import_file(
        warehouse,
        shared / "vendor_samples/freshdesk/python-freshdesk__v2_ticket_1_include_stats.json",
    )
    assert (result.source, result.rows_loaded) == ("freshdesk", 1)
    # Hand-edited but valid: 2016-05-18T04:36:04Z -> 2020-06-17T20:23:43Z = 128,879,259 s.
    assert warehouse.execute(
        "SELECT src_first_response_s FROM conversation_with_source"
    ).fetchall() == [(128879259.0,)]


def test_cli_and_wrong_source(cli, tmp_path, warehouse):
    out = cli(
        "import",
        DATA / "tickets_export.csv",
        "--db",
        tmp_path / "w.duckdb",
        "--timezone",
        "Europe/Berlin",
        "--format",
        "json",
    )
    assert '"source": "freshdesk"' in out.stdout and out.exit_code == 1
    other = Path(__file__).resolve().parents[1] / "data" / "intercom" / "conversations.jsonl"
    with pytest.raises(InputFileError, match="looks like a intercom export"):
        import_file(warehouse, other, ImportOptions(source="freshdesk"))


SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "freshdesk"


def _business_seconds(start: dt.datetime, end: dt.datetime) -> float:
    """Monday-Friday 08:00-18:00 Europe/Berlin seconds in start..end (the sample's hours)."""
    tz = ZoneInfo("Europe/Berlin")
    start, end = start.astimezone(tz), end.astimezone(tz)
    total, day = 0.0, start.date()
    while day <= end.date():
        if day.weekday() < 5:
            lo = max(start, dt.datetime.combine(day, dt.time(8), tz))
            hi = min(end, dt.datetime.combine(day, dt.time(18), tz))
            total += max((hi - lo).total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total


def test_sample_data_reconciles_with_export_durations(cli, tmp_path):
    """sample_data/freshdesk through the real CLI; our FRT and resolution equal the export's."""
    db = tmp_path / "w.duckdb"
    out = cli(
        "import",
        SAMPLES / "tickets_export.csv",
        "--db",
        db,
        "--timezone",
        "Europe/Berlin",
        "--format",
        "json",
    )
    assert out.exit_code == 0, out.stderr
    summary = json.loads(out.stdout)[0]
    assert summary["source"] == "freshdesk"
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (60, 60, 0)
    conn = duckdb.connect(str(db), read_only=True)
    ours = dict(conn.execute(FRT).fetchall())
    res = dict(conn.execute(RESOLUTION).fetchall())
    got = conn.execute(
        "SELECT source_id, created_at, src_first_response_s, src_first_response_bh_s, "
        "src_full_resolution_s, src_full_resolution_bh_s FROM conversation_with_source ORDER BY 1"
    ).fetchall()
    checked = 0
    for sid, created, fr_s, fr_bh, res_s, res_bh in got:
        assert ours[sid] == fr_s and res[sid] == res_s  # calendar: our events vs export times
        if ours[sid] is None:
            assert fr_bh is None
            continue
        # "First response time (in hrs)" = our first reply, counted in business hours.
        reply = created + dt.timedelta(seconds=ours[sid])
        assert fr_bh == _business_seconds(created, reply), sid
        if res[sid] is not None:
            done = created + dt.timedelta(seconds=res[sid])
            assert res_bh == _business_seconds(created, done), sid
        checked += 1
    assert checked == 54  # every 9th ticket is unanswered
    # Tickets created in the evening: business-hours FRT is shorter than the calendar one.
    assert any(bh < s for _, _, s, bh, _, _ in got if bh is not None)
    conn.close()
