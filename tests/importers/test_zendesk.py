"""Zendesk Support importer: vendor samples (README facts), a hand-made export, safety.

Vendor files are read from ../shared/vendor_samples (never copied into the project); tests
that need them are skipped when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from supportstats.db import memory_warehouse
from supportstats.errors import InputFileError
from supportstats.importers import ImportOptions, choose_importer, import_file, probe

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "zendesk"
SAMPLES = ROOT / "sample_data" / "zendesk"
VENDOR = ROOT.parent / "shared" / "vendor_samples" / "zendesk_support"
FAROS = VENDOR / "faros-airbyte-connectors__zendesk_all-streams.log"
EMBULK = VENDOR / "embulk-input-zendesk__incremental_tickets_metric_sets.json"
ZENPY = VENDOR / "zenpy__ticket_audits_response_body.json"
needs_vendor = pytest.mark.skipif(not VENDOR.is_dir(), reason="vendor samples not present")


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(sql, params or {}).fetchall()


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    return rows(conn, sql, params)[0][0]


# Our FRT / resolution per ticket, straight from the canonical tables: first public agent
# message minus created_at; last resolve (or status to resolved) minus created_at.
FRT_SQL = """
select epoch(min(m.created_at)) - epoch(any_value(c.created_at))
from conversation c join message m using (conversation_key)
where c.conversation_key = $k and m.author_role = 'agent' and m.visibility = 'public'
  and m.automation = 'none'
"""
RES_SQL = """
select epoch(max(e.occurred_at)) - epoch(any_value(c.created_at))
from conversation c join conversation_event e using (conversation_key)
where c.conversation_key = $k and (e.event_type = 'resolve' or e.to_value = 'resolved')
"""


@pytest.fixture()
def conn() -> duckdb.DuckDBPyConnection:
    return memory_warehouse()


# ------------------------------------------------------------------ vendor samples
@needs_vendor
def test_vendor_files_are_detected_as_zendesk() -> None:
    for path in (FAROS, EMBULK, ZENPY):
        assert choose_importer(probe(path)).SOURCE == "zendesk", path.name


@needs_vendor
def test_faros_ticket_6_solve_time_csat_and_credited_agent(conn) -> None:
    result = import_file(conn, FAROS)
    # 64 lines: 14 tickets (main entity) + metrics, ratings, users, groups, fields, tags.
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (14, 14, 0)
    assert one(conn, "select count(*) from conversation") == 14
    created, status = rows(
        conn, "select created_at, status_current from conversation where source_id = '6'"
    )[0]
    assert created.isoformat() == "2024-01-24T14:17:58+00:00"
    assert status == "closed"
    # solved_at 2024-01-24T20:12:02Z = 21,244 s after creation (README)
    assert one(conn, RES_SQL, {"k": "zendesk:6"}) == 21244
    # vendor numbers in seconds: first_resolution 354 min, reply 0 min, 1 reply
    src = rows(
        conn,
        "select src_first_resolution_s, src_first_response_s, src_replies "
        "from conversation_with_source "
        "where source_id = '6'",
    )[0]
    assert src == (354 * 60, 0.0, 1)
    # FRT in [0, 60) s per the vendor; no comments in the file, so ours is NULL
    assert one(conn, FRT_SQL, {"k": "zendesk:6"}) is None
    rating = rows(
        conn,
        "select raw_value, is_positive, agent_key_at_rating, rated_at is not null "
        "from rating where conversation_key = 'zendesk:6'",
    )
    assert rating == [("good", True, "zendesk:23111595978772", True)]
    assert one(conn, "select name from agent where agent_key = 'zendesk:23111595978772'") == (
        "Cha M"
    )
    # the offered rating (orphan, ticket 15) is an offer: no score, not positive
    offered = rows(
        conn, "select score_norm, is_positive, rated_at from rating where raw_value = 'offered'"
    )
    assert offered == [(None, None, None)]
    assert rows(conn, "select count(*) from agent where role in ('agent', 'admin')") == [(2,)]
    assert one(conn, "select count(*) from contact") == 13
    assert one(conn, "select count(*) from team where name like 'Team %'") == 2
    # ticket 14 is ticket 6's follow-up; ticket_fields kept as raw rejects, not counted
    assert one(
        conn, "select followup_of_key from conversation_with_source where source_id = '14'"
    ) == ("zendesk:6")
    assert one(conn, "select count(*) from import_reject where entity = 'ticket_fields'") == 9
    assert one(conn, "select count(*) from source_aggregate where report = 'zendesk_tags'") == 8


@needs_vendor
def test_embulk_tickets_without_replies_have_null_frt_and_resolution(conn) -> None:
    result = import_file(conn, EMBULK)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    got = rows(
        conn,
        "select source_id, created_at, src_first_response_s, src_full_resolution_s, "
        "src_replies, assignee_agent_key from conversation_with_source order by source_id",
    )
    assert [g[0] for g in got] == ["2", "3", "4"]
    assert [g[1].isoformat() for g in got] == [
        "2019-02-20T06:51:50+00:00",
        "2019-02-20T06:52:02+00:00",
        "2019-02-20T06:52:12+00:00",
    ]
    assert all(g[2] is None and g[3] is None and g[4] == 0 for g in got)
    assert {g[5] for g in got} == {"zendesk:374673563333"}
    assert one(conn, "select count(*) from conversation_event") == 0
    for tid in ("2", "3", "4"):
        assert one(conn, FRT_SQL, {"k": f"zendesk:{tid}"}) is None
        assert one(conn, RES_SQL, {"k": f"zendesk:{tid}"}) is None


@needs_vendor
def test_zenpy_audits_ticket_1_frt_ignores_private_comment(conn) -> None:
    result = import_file(conn, ZENPY)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (91, 91, 0)
    assert result.entity == "ticket_audit"
    assert rows(conn, "select visibility, count(*) from message group by 1 order by 1") == [
        ("internal", 1),
        ("public", 87),
    ]
    # 863 events = 88 comments (messages) + 775 field events
    assert one(conn, "select count(*) from conversation_event") == 775
    assert one(conn, "select count(*) from conversation") == 86
    assert one(conn, FRT_SQL, {"k": "zendesk:1"}) == 12_961_039
    assert (
        one(
            conn,
            "select author_agent_key from message where conversation_key = 'zendesk:1' "
            "and visibility = 'internal'",
        )
        == "zendesk:6130907993114"
    )
    statuses = rows(
        conn,
        "select occurred_at, from_value, to_value from conversation_event "
        "where conversation_key = 'zendesk:1' and event_type = 'status' order by occurred_at",
    )
    assert [(s[1], s[2]) for s in statuses] == [
        (None, "open"),
        ("open", "deleted"),
        ("deleted", "open"),
    ]
    assert statuses[1][0].isoformat() == "2023-09-19T00:19:17+00:00"
    assert statuses[2][0].isoformat() == "2023-09-19T00:25:38+00:00"
    ticket = rows(
        conn,
        "select created_at, contact_key, assignee_agent_key from conversation "
        "where source_id = '1'",
    )[0]
    assert ticket[0].isoformat() == "2023-09-09T23:52:05+00:00"
    assert ticket[1:] == ("zendesk:6130869168922", "zendesk:6130907993114")


# ------------------------------------------------------------------ hand-made export
def _import_tiny(conn) -> dict[str, object]:
    out = {}
    for name in ("users.json", "tickets_page.json", "audits.json", "satisfaction_ratings.json"):
        out[name] = import_file(conn, DATA / name)
    return out


def test_tiny_export_counts_and_rejects(conn) -> None:
    results = _import_tiny(conn)
    summary = {
        k: (r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_skipped) for k, r in results.items()
    }
    assert summary == {
        "users.json": (4, 4, 0, 0),
        "tickets_page.json": (4, 3, 1, 0),  # ticket 104: created_at 'yesterday'
        "audits.json": (7, 6, 1, 0),  # audit 7 has no ticket_id
        "satisfaction_ratings.json": (3, 2, 0, 1),  # 9003 unoffered: skipped by rule
    }
    reasons = rows(conn, "select reason, skipped from import_reject order by batch_id")
    assert reasons == [
        ("created_at 'yesterday' is not a date/time", False),
        ("audit has no ticket_id", False),
        (
            "score unoffered skipped: Zendesk marks a ticket no satisfaction survey was sent "
            "for as unoffered, so there is no rating",
            True,
        ),
    ]


def test_tiny_export_canonical_rows(conn) -> None:
    _import_tiny(conn)
    t101 = rows(
        conn,
        "select kind, channel, status_current, priority, contact_key, assignee_agent_key, "
        "team_key, tags, src_first_response_s, src_first_response_bh_s, "
        "src_full_resolution_s, src_first_resolution_s, src_requester_wait_s, src_replies "
        "from conversation_with_source where source_id = '101'",
    )[0]
    assert t101 == (
        "ticket",
        "email",
        "resolved",
        "high",
        "zendesk:501",
        "zendesk:401",
        "zendesk:301",
        ["billing", "invoice"],
        1800.0,
        1800.0,
        7200.0,
        7200.0,
        7200.0,
        1,
    )
    assert rows(
        conn,
        "select status_current, src_first_response_s, followup_of_key "
        "from conversation_with_source where source_id in ('102', '103') order by source_id",
    ) == [("resolved", None, None), ("on_hold", None, "zendesk:102")]
    roles = rows(
        conn,
        "select source_id, author_role, visibility, automation, author_agent_key, "
        "author_contact_key from message order by source_id::int",
    )
    assert roles == [
        ("11", "customer", "public", "none", None, "zendesk:501"),
        ("12", "agent", "internal", "none", "zendesk:401", None),
        ("13", "agent", "public", "none", "zendesk:401", None),
        ("14", "third_party", "public", "none", None, "zendesk:503"),
        ("21", "system", "public", "trigger", None, None),
    ]
    events = rows(
        conn,
        "select event_type, from_value, to_value from conversation_event "
        "where conversation_key = 'zendesk:101' and event_type in ('status', 'assignee', "
        "'team') order by occurred_at, source_id",
    )
    assert events == [
        ("status", None, "new"),
        ("team", None, "zendesk:301"),
        ("assignee", None, "zendesk:401"),
        ("status", "new", "open"),
        ("status", "open", "resolved"),
    ]
    ratings = rows(
        conn,
        "select source_id, raw_value, score_norm, is_positive, is_negative, comment, "
        "agent_key_at_rating, rated_at from rating order by source_id",
    )
    assert [r[:7] for r in ratings] == [
        ("9001", "good", 1.0, True, False, "Great", "zendesk:401"),
        ("9002", "offered", None, None, None, None, None),
    ]
    assert ratings[0][7].isoformat() == "2026-01-05T12:00:00+00:00"
    assert ratings[1][7] is None


def test_tiny_export_metrics_by_hand(conn) -> None:
    _import_tiny(conn)
    # 101: created 09:00:00, first public agent reply 09:30:30 -> 1,830 s; the private note at
    # 09:10 and the CC's comment do not count. Zendesk says 30 min = floor(1830 / 60).
    assert one(conn, FRT_SQL, {"k": "zendesk:101"}) == 1830
    assert one(conn, FRT_SQL, {"k": "zendesk:101"}) // 60 * 60 == one(
        conn, "select src_first_response_s from conversation_with_source where source_id = '101'"
    )
    # solved at 11:00 -> 7,200 s; 102 solved by a trigger at 11:00 -> 3,600 s, no reply
    assert one(conn, RES_SQL, {"k": "zendesk:101"}) == 7200
    assert one(conn, RES_SQL, {"k": "zendesk:102"}) == 3600
    assert one(conn, FRT_SQL, {"k": "zendesk:102"}) is None
    # CSAT: 1 good of 1 response (the offer is not a response); 1 offer unanswered
    assert rows(
        conn, "select count(*) filter (where is_positive), count(score_norm), count(*) from rating"
    ) == [(1, 1, 2)]


def test_tiny_export_with_metrics_module(conn) -> None:
    metrics = pytest.importorskip("supportstats.metrics")
    from supportstats.metrics.facts import conversation_facts

    _import_tiny(conn)
    facts = conversation_facts(conn, metrics.MetricOptions())
    got = rows(
        conn,
        f'select conversation_id, frt_s, resolution_s, is_missed_no_reply from "{facts}" '
        "where conversation_id in ('101', '102') order by 1",
    )
    assert got == [("101", 1830.0, 7200.0, False), ("102", None, 3600.0, True)]


# ------------------------------------------------------------------ samples and safety
def test_samples_reconcile_with_vendor_minutes(conn) -> None:
    for name in ("incremental_tickets_metric_sets.json", "ticket_audits.json"):
        import_file(conn, SAMPLES / name)
    checked = 0
    for key, src in rows(
        conn,
        "select conversation_key, src_first_response_s from conversation_with_source where "
        "conversation_key in (select conversation_key from message)",
    ):
        ours = one(conn, FRT_SQL, {"k": key})
        if src is None:
            assert ours is None, key
        else:
            assert ours // 60 * 60 == src, key  # Zendesk floors to whole minutes
            checked += 1
        res = one(conn, RES_SQL, {"k": key})
        full = one(
            conn,
            "select src_full_resolution_s "
            "from conversation_with_source where conversation_key = $k",
            {"k": key},
        )
        assert (res is None and full is None) or res // 60 * 60 == full, key
    assert checked >= 3


def test_reimport_is_a_no_op_and_order_does_not_matter(conn) -> None:
    first = import_file(conn, DATA / "tickets_page.json")
    again = import_file(conn, DATA / "tickets_page.json")
    assert again.skipped and again.batch_id == first.batch_id
    assert one(conn, "select count(*) from conversation") == 3


def test_metrics_file_before_tickets_keeps_vendor_numbers(conn, tmp_path) -> None:
    metrics = tmp_path / "ticket_metrics.json"
    metrics.write_text(
        '{"ticket_metrics": [{"id": 1, "ticket_id": 101, "created_at": "2026-01-05T09:00:00Z",'
        ' "reply_time_in_minutes": {"calendar": 30, "business": 20}, "replies": 1}]}'
    )
    stripped = tmp_path / "tickets.json"
    stripped.write_text(
        '{"tickets": [{"id": 101, "created_at": "2026-01-05T09:00:00Z", "status": "open", '
        '"requester_id": 501, "assignee_id": 401, "via": {"channel": "email"}}]}'
    )
    assert import_file(conn, metrics).rows_loaded == 1
    import_file(conn, stripped)
    assert rows(
        conn,
        "select status_current, src_first_response_s, src_first_response_bh_s "
        "from conversation_with_source",
    ) == [("open", 1800.0, 1200.0)]


def test_truncated_json_is_refused_and_nothing_is_written(conn, tmp_path) -> None:
    text = (DATA / "tickets_page.json").read_text()
    cut = tmp_path / "tickets_cut.json"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(InputFileError, match="not valid JSON"):
        import_file(conn, cut, ImportOptions(source="zendesk"))
    assert one(conn, "select count(*) from conversation") == 0
    assert one(conn, "select count(*) from import_batch") == 0


def test_chat_file_forced_as_support_names_the_right_source(conn) -> None:
    chat = ROOT / "tests" / "data" / "zendesk_chat" / "chats.json"
    with pytest.raises(InputFileError) as err:
        import_file(conn, chat, ImportOptions(source="zendesk"))
    assert "no Zendesk Support" in err.value.message
    assert "--source zendesk_chat" in err.value.hint


def test_project_holds_no_copy_of_the_vendor_files() -> None:
    # licences differ: the vendor files are only read from ../shared
    names = {p.name for p in (ROOT / "tests").rglob("*")} | {
        p.name for p in (ROOT / "sample_data").rglob("*")
    }
    assert not names & {EMBULK.name, ZENPY.name, FAROS.name}


def test_pages_as_json_lines_number_records_per_kind_and_keep_memory_setting(
    conn, tmp_path
) -> None:
    """The streamed read numbers records per kind across pages; memory_limit comes back."""
    before = one(conn, "select current_setting('memory_limit')")
    pages = tmp_path / "pages.jsonl"
    ticket = (
        '{{"id": {i}, "created_at": {c}, "status": "open", "requester_id": 5, '
        '"via": {{"channel": "web"}}}}'
    )
    good = '"2026-01-05T09:00:00Z"'
    pages.write_text(
        '{"tickets": [' + ticket.format(i=1, c=good) + ", " + ticket.format(i=2, c=good) + "]}\n"
        '{"groups": [{"id": 7, "name": "Billing", "url": "x/groups/7.json"}], "tickets": ['
        + ticket.format(i=3, c='"not a time"')
        + "]}\n"
    )
    result = import_file(conn, pages)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert rows(conn, "select row_number, line_number from import_reject") == [(3, 2)]
    assert one(conn, "select name from team where source_id = '7'") == "Billing"
    assert one(conn, "select current_setting('memory_limit')") == before
