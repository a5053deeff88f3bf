"""Zendesk Chat importer: vendor samples (README facts), a hand-made export, safety.

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
DATA = ROOT / "tests" / "data" / "zendesk_chat"
SAMPLES = ROOT / "sample_data" / "zendesk_chat"
VENDOR = ROOT.parent / "shared" / "vendor_samples" / "zendesk_chat"
ZENPY = VENDOR / "zenpy__specification_chat_chat.json"
EMBULK = VENDOR / "embulk-input-zendesk__chats_bulk_docs.json"
AIRBYTE = VENDOR / "airbyte-source-zendesk-chat__expected_records_agent_and_agent_timeline.jsonl"
needs_vendor = pytest.mark.skipif(not VENDOR.is_dir(), reason="vendor samples not present")

# Our FRT per chat from the canonical tables: first public, non-automated agent message
# minus the chat's start.
FRT_SQL = """
select epoch(min(m.created_at)) - epoch(any_value(c.created_at))
from conversation c join message m using (conversation_key)
where c.conversation_key = $k and m.author_role = 'agent' and m.automation = 'none'
"""


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(sql, params or {}).fetchall()


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    return rows(conn, sql, params)[0][0]


@pytest.fixture()
def conn() -> duckdb.DuckDBPyConnection:
    return memory_warehouse()


# ------------------------------------------------------------------ vendor samples
@needs_vendor
def test_vendor_files_are_detected_as_zendesk_chat() -> None:
    for path in (ZENPY, EMBULK, AIRBYTE):
        assert choose_importer(probe(path)).SOURCE == "zendesk_chat", path.name


@needs_vendor
def test_zenpy_chat_frt_by_name_without_nick(conn) -> None:
    result = import_file(conn, ZENPY)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (1, 1, 0)
    key = "zendesk_chat:1704.2314815.QHgVx6SOrRuSx"
    created, src_first, missed, duration = rows(
        conn,
        "select created_at, src_first_response_s, src_missed, src_duration_s "
        "from conversation_with_source",
    )[0]
    assert created.isoformat() == "2017-04-24T04:36:45+00:00"
    assert (src_first, missed, duration) == (10.0, False, 717.0)
    # first agent message 04:36:55.497 by "facetoe" (no nick: told apart by agent_names)
    assert one(conn, FRT_SQL, {"k": key}) == pytest.approx(10.497)
    # from the first visitor message (04:36:45.165): the README's 10.332 s
    first_customer = one(conn, "select first_customer_message_at from conversation_with_source")
    first_agent = one(conn, "select min(created_at) from message where author_role = 'agent'")
    assert (first_agent - first_customer).total_seconds() == pytest.approx(10.332)
    # 19 messages = 8 visitor + 11 agent, as count says
    assert rows(conn, "select author_role, count(*) from message group by 1 order by 1") == [
        ("agent", 11),
        ("customer", 8),
    ]
    assert (
        one(conn, "select distinct author_agent_key from message where author_role = 'agent'")
        == "zendesk_chat:4120927"
    )
    assert one(conn, "select name from agent where agent_key = 'zendesk_chat:4120927'") == (
        "facetoe"
    )
    # engaged 04:36:51.939 -> 04:47:13.619 = 621.68 s
    eng = rows(
        conn, "select agent_key, epoch(ended_at) - epoch(started_at), end_reason from engagement"
    )
    assert len(eng) == 1 and eng[0][0] == "zendesk_chat:4120927"
    assert eng[0][1] == pytest.approx(621.68)
    assert eng[0][2] == "leave"
    # CSAT: no rating, comment "Hell yea!" at 04:48:06.694 -> a row with no score
    rating = rows(conn, "select raw_value, score_norm, comment, rated_at from rating")[0]
    assert rating[:3] == (None, None, "Hell yea!")
    assert rating[3].isoformat() == "2017-04-24T04:48:06.694000+00:00"
    assert rows(
        conn, "select event_type, count(*) from conversation_event group by 1 order by 1"
    ) == [
        ("agent_join", 1),
        ("agent_leave", 1),
        ("comment", 1),
        ("customer_join", 1),
        ("customer_leave", 1),
        ("tag", 2),
    ]


@needs_vendor
def test_embulk_bulk_docs_shape(conn) -> None:
    result = import_file(conn, EMBULK)
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert rows(
        conn,
        "select source_id, src_first_response_s, src_duration_s "
        "from conversation_with_source order by 1",
    ) == [("id_1", 12.0, 1286.0), ("id_2", 12.0, 1286.0)]
    # the anonymised history has no messages, only a join (and an invalid type 'c')
    assert one(conn, "select count(*) from message") == 0


@needs_vendor
def test_airbyte_agent_timeline_durations(conn) -> None:
    result = import_file(conn, AIRBYTE)
    assert (result.rows_read, result.rows_loaded, result.entity) == (3, 3, "agent_status_interval")
    total = one(conn, "select sum(epoch(ended_at) - epoch(started_at)) from agent_status_interval")
    assert total == pytest.approx(4420.679973, abs=1e-5)
    assert rows(conn, "select distinct status_raw, status_class from agent_status_interval") == [
        ("invisible", "away")
    ]
    assert rows(conn, "select name, role from agent") == [("Team Airbyte", "admin")]


# ------------------------------------------------------------------ hand-made export
def test_tiny_chats_counts_and_canonical_rows(conn) -> None:
    result = import_file(conn, DATA / "chats.json")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    assert one(conn, "select reason from import_reject") == "chat has no id"
    convs = rows(
        conn,
        "select source_id, kind, status_current, initiated_by, src_first_response_s, "
        "src_missed, assignee_agent_key, team_key, parent_key "
        "from conversation_with_source order by 1",
    )
    assert convs == [
        (
            "A1",
            "chat",
            "closed",
            "customer",
            15.0,
            False,
            "zendesk_chat:401",
            "zendesk_chat:301",
            None,
        ),
        ("B2", "chat", "missed", "customer", None, True, None, "zendesk_chat:301", None),
        (
            "C3",
            "chat",
            "closed",
            "customer",
            20.0,
            False,
            "zendesk_chat:402",
            "zendesk_chat:302",
            "zendesk_chat:ticket:555",
        ),
        ("D4", "offline_message", "closed", "customer", None, False, None, None, None),
    ]
    msgs = rows(
        conn,
        "select source_id, author_role, automation, author_agent_key from "
        "message where conversation_key like '%C3' order by created_at",
    )
    assert msgs == [
        ("C3:0", "customer", "none", None),
        ("C3:1", "bot", "trigger", None),
        ("C3:2", "agent", "none", "zendesk_chat:402"),
    ]
    engs = rows(
        conn,
        "select conversation_key, agent_key, epoch(ended_at) - epoch(started_at),"
        " first_agent_message_at is not null, was_accepted from engagement "
        "order by 1",
    )
    # A1 from join/leave: 09:00:10 -> 09:08:00 = 470 s; C3 from the export's engagements
    assert engs == [
        ("zendesk_chat:A1", "zendesk_chat:401", 470.0, True, True),
        ("zendesk_chat:C3", "zendesk_chat:402", 120.0, True, True),
    ]
    abandon = rows(
        conn,
        "select conversation_key, occurred_at from conversation_event where event_type = 'abandon'",
    )
    assert [a[0] for a in abandon] == ["zendesk_chat:B2"]
    assert abandon[0][1].isoformat() == "2026-01-05T10:02:00+00:00"


def test_tiny_chats_metrics_by_hand(conn) -> None:
    import_file(conn, DATA / "chats.json")
    # A1: start 09:00:00, first agent message 09:00:15.5 -> 15.5 s (vendor: 15)
    assert one(conn, FRT_SQL, {"k": "zendesk_chat:A1"}) == 15.5
    # C3: the trigger message at 11:00:01 does not count; Bo at 11:00:20 -> 20 s
    assert one(conn, FRT_SQL, {"k": "zendesk_chat:C3"}) == 20.0
    assert one(conn, FRT_SQL, {"k": "zendesk_chat:B2"}) is None
    # CSAT: A1 good (rated 09:09:00), credited to Ana: 1 positive of 1
    assert rows(
        conn, "select conversation_key, raw_value, is_positive, agent_key_at_rating from rating"
    ) == [("zendesk_chat:A1", "good", True, "zendesk_chat:401")]
    # missed: B2 only
    assert rows(conn, "select source_id from conversation_with_source where src_missed") == [
        ("B2",)
    ]


def test_tiny_chats_with_metrics_module(conn) -> None:
    metrics = pytest.importorskip("supportstats.metrics")
    from supportstats.metrics.facts import conversation_facts

    import_file(conn, DATA / "chats.json")
    facts = conversation_facts(conn, metrics.MetricOptions())
    got = rows(
        conn,
        f'select conversation_id, frt_s, is_abandoned from "{facts}" '
        "where conversation_id in ('A1', 'B2', 'C3') order by 1",
    )
    assert got == [("A1", 15.5, False), ("B2", None, True), ("C3", 20.0, False)]


def test_tiny_timeline_and_analytics_csv(conn) -> None:
    t = import_file(conn, DATA / "agent_timeline.json")
    assert (t.rows_read, t.rows_loaded, t.rows_rejected) == (3, 2, 1)
    assert rows(
        conn,
        "select status_class, epoch(ended_at) - epoch(started_at) from "
        "agent_status_interval order by started_at",
    ) == [("available", 3600.5), ("away", 600.0)]
    a = import_file(conn, DATA / "agent_activity.csv")
    assert (a.rows_read, a.rows_loaded, a.rows_rejected, a.entity) == (3, 2, 1, "source_aggregate")
    got = rows(
        conn,
        "select dim_source_id, metric, value from source_aggregate where "
        "metric in ('Assigned Chats', 'Missed Chats') order by 1, 2",
    )
    assert got == [
        ("ana@support.test", "Assigned Chats", 10.0),
        ("ana@support.test", "Missed Chats", 1.0),
        ("bo@support.test", "Assigned Chats", 4.0),
        ("bo@support.test", "Missed Chats", 0.0),
    ]
    assert one(conn, "select count(*) from source_aggregate") == 10
    assert one(conn, "select distinct period_start from source_aggregate").isoformat() == (
        "2026-01-05T00:00:00+00:00"
    )


# ------------------------------------------------------------------ samples and safety
def test_samples_reconcile_with_vendor_response_time(conn) -> None:
    import_file(conn, SAMPLES / "incremental_chats.json")
    checked = 0
    for key, src, missed in rows(
        conn,
        "select conversation_key, src_first_response_s, src_missed from conversation_with_source",
    ):
        ours = one(conn, FRT_SQL, {"k": key})
        if missed:
            assert ours is None and src is None, key
        else:
            assert int(ours) == src, key  # the vendor truncates to whole seconds
            checked += 1
    assert checked == 27
    assert one(conn, "select count(*) from engagement") == 27


def test_reimport_is_a_no_op(conn) -> None:
    first = import_file(conn, DATA / "chats.json")
    again = import_file(conn, DATA / "chats.json")
    assert again.skipped and again.batch_id == first.batch_id
    assert one(conn, "select count(*) from message") == 8  # A1 3, B2 1, C3 3, D4 1


def test_truncated_json_is_refused_and_nothing_is_written(conn, tmp_path) -> None:
    text = (DATA / "chats.json").read_text()
    cut = tmp_path / "chats_cut.json"
    cut.write_text(text[: len(text) * 2 // 3])
    with pytest.raises(InputFileError, match="not valid JSON"):
        import_file(conn, cut)
    assert one(conn, "select count(*) from conversation") == 0


def test_support_file_forced_as_chat_names_the_right_source(conn) -> None:
    tickets = ROOT / "tests" / "data" / "zendesk" / "tickets_page.json"
    with pytest.raises(InputFileError) as err:
        import_file(conn, tickets, ImportOptions(source="zendesk_chat"))
    assert "no Zendesk Chat" in err.value.message
    assert "--source zendesk" in err.value.hint


# --------------------------------------- analytics CSV: keyed, replaced (issue 15, item 5)
def test_analytics_csv_exported_again_replaces_its_rows(conn, tmp_path) -> None:
    text = (DATA / "agent_activity.csv").read_text()
    import_file(conn, DATA / "agent_activity.csv")
    later = tmp_path / "agent_activity (1).csv"
    ana = "ana@support.test,true,2026-01-05 00:00:00,2026-01-06 00:00:00,"
    later.write_text(text.replace(ana + "10,", ana + "11,"))
    again = import_file(conn, later)
    assert (again.rows_loaded, again.rows_rejected) == (2, 1)
    assert rows(
        conn,
        "select dim_source_id, count(*), sum(value) from source_aggregate "
        "where metric = 'Assigned Chats' group by 1 order by 1",
    ) == [("ana@support.test", 1, 11.0), ("bo@support.test", 1, 4.0)]
    # The same agent twice for one period in one file: the second row is rejected.
    twice = tmp_path / "twice.csv"
    lines = text.splitlines()
    twice.write_text("\n".join([lines[0], lines[1], lines[1].replace(",10,", ",3,")]) + "\n")
    result = import_file(conn, twice)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert (
        one(
            conn,
            "select value from source_aggregate where dim_source_id = 'ana@support.test' "
            "and metric = 'Assigned Chats'",
        )
        == 10.0
    )
