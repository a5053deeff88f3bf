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


# -------------------- agents and groups by name (CSV) = by id (API) (issue 15, item 6)
SAME_CSV = DATA / "same_tickets_export.csv"
SAME_API = DATA / "same_tickets_api.jsonl"
IDS = {"Maya Ortiz": "freshdesk:4001", "Jonas Berg": "freshdesk:4002"}


def _import_all(cli, db: Path, files: list[Path], *extra: str | Path) -> str:
    """Import ``files`` one command each (each import resolves what it can); their stderr."""
    said = ""
    for path in files:
        out = cli("import", path, "--db", db, *extra)
        assert out.exit_code == 0, out.stderr
        said += " ".join(out.stderr.split()) + "\n"
    return said


def _credited(db: Path) -> dict[str, object]:
    with duckdb.connect(str(db), read_only=True) as conn:

        def rows(sql: str) -> list[tuple]:
            return conn.execute(sql).fetchall()

        return {
            "agents": rows("SELECT agent_key FROM agent ORDER BY 1"),
            "queues": rows("SELECT queue_key, name FROM queue ORDER BY 1"),
            "assigned": rows(
                "SELECT source_id, assignee_agent_key, queue_key FROM conversation ORDER BY 1"
            ),
            # the CSV's survey answers and synthetic first responses, by the API's agents
            "rated": rows(
                "SELECT rating_key, agent_key_at_rating FROM rating "
                "WHERE rating_key LIKE '%:survey' ORDER BY 1"
            ),
            "replied": rows(
                "SELECT message_key, author_agent_key FROM message "
                "WHERE message_key LIKE '%:first_response' ORDER BY 1"
            ),
        }


CREDITED = {
    "agents": [("freshdesk:4001",), ("freshdesk:4002",)],
    "queues": [("freshdesk:group:5001", "Billing"), ("freshdesk:group:5002", "support")],
    "assigned": [
        ("2001", "freshdesk:4001", "freshdesk:group:5001"),
        ("2002", "freshdesk:4002", "freshdesk:group:5002"),
        ("2003", "freshdesk:4001", "freshdesk:group:5001"),
    ],
    "rated": [
        ("freshdesk:2001:survey", "freshdesk:4001"),
        ("freshdesk:2002:survey", "freshdesk:4002"),
    ],
    "replied": [
        ("freshdesk:2001:first_response", "freshdesk:4001"),
        ("freshdesk:2002:first_response", "freshdesk:4002"),
        ("freshdesk:2003:first_response", "freshdesk:4001"),
    ],
}


@pytest.mark.parametrize("csv_first", [True, False])
@pytest.mark.parametrize("pseudonymise", [False, True])
def test_csv_and_api_of_the_same_tickets_have_one_agent_per_person(
    cli, tmp_path, csv_first, pseudonymise
):
    """The export CSV names agents and groups ("Maya Ortiz", "Billing"), the API by id (4001,
    group 5001; its agents and groups records give the names, "support " in another case).
    In either order, plain or pseudonymised, each person is one agent and each group one
    queue, keyed by the API's id, and the CSV's tickets, ratings and replies are theirs."""
    db = tmp_path / "w.duckdb"
    extra: list[str | Path] = []
    if pseudonymise:
        key = tmp_path / "k.key"
        key.write_text("a3f1c9e07b5d42e8a3f1c9e07b5d42e8\n")
        extra = ["--pseudonymise", "--pseudonym-key-file", key]
    files = [SAME_CSV, SAME_API] if csv_first else [SAME_API, SAME_CSV]
    said = _import_all(cli, db, files, *extra)
    assert "2 agent(s) named only by name are the agents with these ids and names" in said
    assert "2 queue(s) or group(s) named only by name are the ones with these ids" in said
    assert _credited(db) == CREDITED
    report = cli("report", "agents", "--db", db, "--format", "json")
    assert report.exit_code == 0, report.stderr
    rows = json.loads(report.stdout)
    assert len(rows) == 2, rows


def test_agent_names_matching_no_one_agent_stay_with_a_note(cli, tmp_path):
    """A name is compared trimmed and in any case; one that two agents with ids have, or
    none, stays keyed by name, and the import says so."""
    db = tmp_path / "w.duckdb"
    csv = tmp_path / "tickets.csv"
    lines = SAME_CSV.read_text().splitlines()
    csv.write_text(
        "\n".join([*lines, lines[3].replace("2003", "2004").replace("Maya Ortiz", "Lena Park")])
        + "\n"
    )
    agents = tmp_path / "agents.jsonl"
    agents.write_text(
        "\n".join(
            json.dumps({"id": i, "ticket_scope": 1, "contact": {"name": name}, "type": "x"})
            for i, name in [(4001, " maya ORTIZ"), (4002, "Jonas Berg"), (4003, "Jonas Berg")]
        )
        + "\n"
    )
    said = _import_all(cli, db, [csv, agents])
    assert "1 agent(s) named only by name are the agents with these ids and names" in said
    assert (
        "2 agent(s) named only by name match no one agent with an id of freshdesk "
        "(1 no agent of that name, 1 several)" in said
    )
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute(
            "SELECT source_id, assignee_agent_key FROM conversation ORDER BY 1"
        ).fetchall() == [
            ("2001", "freshdesk:4001"),
            ("2002", "freshdesk:Jonas Berg"),
            ("2003", "freshdesk:4001"),
            ("2004", "freshdesk:Lena Park"),
        ]


@pytest.mark.parametrize("drop_api", [True, False])
def test_drop_batch_after_agents_were_resolved(cli, tmp_path, drop_api):
    """Dropping either file's batch leaves no row naming an agent or queue without a row,
    and the stored facts equal a recomputation (tests/test_batches.py)."""
    from supportstats.metrics import stored

    db = tmp_path / "w.duckdb"
    _import_all(cli, db, [SAME_API, SAME_CSV])
    out = cli("db", "drop-batch", "1" if drop_api else "2", "--db", db, "--yes")
    assert out.exit_code == 0, out.stderr
    with duckdb.connect(str(db)) as conn:
        assert all(d.ok for d in stored.check(conn))
        named = conn.execute(
            "SELECT k FROM (SELECT assignee_agent_key AS k FROM conversation "
            "UNION SELECT author_agent_key FROM message UNION SELECT agent_key_at_rating "
            "FROM rating) WHERE k IS NOT NULL AND k NOT IN (SELECT agent_key FROM agent) "
            "UNION ALL SELECT queue_key FROM conversation WHERE queue_key IS NOT NULL "
            "AND queue_key NOT IN (SELECT queue_key FROM queue)"
        ).fetchall()
        assert named == []
        agents = conn.execute("SELECT agent_key FROM agent ORDER BY 1").fetchall()
    # the API's agents stay when its batch goes: the CSV's rows name them now
    assert agents == CREDITED["agents"]
