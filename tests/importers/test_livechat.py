"""LiveChat importer: hand-made archive page, vendor documentation samples, reports."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from _importer_helpers import frt_by_hand_sql

from supportstats.errors import InputFileError
from supportstats.importers import ImportOptions, import_file

DATA = Path(__file__).resolve().parents[1] / "data" / "livechat"
FRT = frt_by_hand_sql("c.kind = 'thread'")


def test_archive_page(warehouse):
    result = import_file(warehouse, DATA / "list_archives.json")
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "livechat",
        2,
        2,
        0,
    )
    assert warehouse.execute(
        "SELECT source_id, kind, parent_key, status_current "
        "FROM conversation_with_source ORDER BY 1"
    ).fetchall() == [
        ("C1", "chat", None, "closed"),
        ("C2", "chat", None, "closed"),
        ("T1", "thread", "livechat:C1", "closed"),
        ("T2", "thread", "livechat:C1", "closed"),
        ("T3", "thread", "livechat:C2", "closed"),
    ]
    # FRT by hand: T1 09:10:02.120 -> 09:10:43.550 = 41.43 s; T2 90 s; T3 no agent (missed).
    frt = dict(warehouse.execute(FRT).fetchall())
    assert frt["T1"] == pytest.approx(41.43) and frt["T2"] == 90.0 and frt["T3"] is None
    assert warehouse.execute(
        "SELECT count(*) FROM message WHERE visibility = 'internal'"
    ).fetchall() == [(1,)]
    # CSAT: thumbs up on T1, thumbs down on T3 -> 1 of 2 positive.
    assert warehouse.execute(
        "SELECT source_id, is_positive, comment FROM rating ORDER BY 1"
    ).fetchall() == [("T1:rating", True, "fast"), ("T3:rating", False, "nobody came")]
    # Engagements: Maya on T1 and T2, accepted; queue wait of T1 = 38 s.
    assert warehouse.execute(
        "SELECT conversation_key, was_accepted, epoch(started_at) - epoch(c.created_at) "
        "FROM engagement JOIN conversation c USING (conversation_key) ORDER BY 1"
    ).fetchall() == [("livechat:T1", True, pytest.approx(38.0)), ("livechat:T2", True, 0.0)]
    assert warehouse.execute(
        "SELECT name FROM agent WHERE agent_key = 'livechat:maya@example.test'"
    ).fetchall() == [("Maya Ortiz",)]


def test_vendor_chat_thread_and_report(warehouse, shared):
    base = shared / "vendor_samples/livechat"
    chat = import_file(warehouse, base / "livechat-public-docs__v3.6_agent-chat-api_chat.json")
    assert (chat.source, chat.rows_read, chat.rows_loaded) == ("livechat", 1, 1)
    # README: chat PJ0MRSHTDG / thread QA37PVJ75B created 2020-05-12T11:42:47.383Z, no agent
    # event -> FRT NULL, no rating.
    assert warehouse.execute(FRT).fetchall() == [("QA37PVJ75B", None)]
    thread = import_file(warehouse, base / "livechat-public-docs__v3.6_agent-chat-api_thread.json")
    assert (thread.rows_read, thread.rows_loaded) == (1, 1)
    # Two events share one id: the second is kept in the rejects, not silently dropped.
    assert warehouse.execute(
        "SELECT count(*) FROM message WHERE conversation_key = 'livechat:K600PKZON8'"
    ).fetchall() == [(1,)]
    assert warehouse.execute(
        "SELECT entity, reason LIKE 'duplicate event id%' FROM import_reject"
    ).fetchall() == [("message", True)]
    report = import_file(
        warehouse, base / "livechat-public-docs__v3.6_reports-api_agents_performance.json"
    )
    assert (report.rows_read, report.rows_loaded, report.entity) == (3, 3, "source_aggregate")
    # README: summary equals per-agent sums (17 chats, 7 good, 3 bad, 11 FR chats) and the
    # chat-weighted mean of first_response_time is 8.55151490909091 s.
    sums = warehouse.execute(
        "SELECT metric, sum(value) FROM source_aggregate WHERE grain = 'agent' AND metric IN "
        "('chats_count', 'chats_rated_good', 'chats_rated_bad', 'first_response_chats_count') "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert sums == [
        ("chats_count", 17.0),
        ("chats_rated_bad", 3.0),
        ("chats_rated_good", 7.0),
        ("first_response_chats_count", 11.0),
    ]
    weighted = warehouse.execute(
        "SELECT sum(f.value * n.value) / sum(n.value) FROM source_aggregate f JOIN "
        "source_aggregate n USING (dim_source_id) WHERE f.metric = 'first_response_time' AND "
        "n.metric = 'first_response_chats_count' AND f.grain = 'agent'"
    ).fetchall()[0][0]
    summary = warehouse.execute(
        "SELECT value FROM source_aggregate WHERE grain = 'account' AND "
        "metric = 'first_response_time'"
    ).fetchall()[0][0]
    assert weighted == pytest.approx(8.55151490909091) and summary == pytest.approx(weighted)


def test_reimport_cli_and_errors(cli, tmp_path, warehouse):
    db = tmp_path / "w.duckdb"
    first = cli("import", DATA / "list_archives.json", "--db", db, "--format", "json")
    assert first.exit_code == 0 and '"source": "livechat"' in first.stdout
    again = cli("import", DATA / "list_archives.json", "--db", db)
    assert again.exit_code == 0 and "already imported" in again.stderr
    other = Path(__file__).resolve().parents[1] / "data" / "intercom" / "conversations.jsonl"
    with pytest.raises(InputFileError, match="looks like a intercom export"):
        import_file(warehouse, other, ImportOptions(source="livechat"))
    cut = tmp_path / "cut.json"
    cut.write_text((DATA / "list_archives.json").read_text()[:700])
    with pytest.raises(InputFileError, match="not valid JSON"):
        import_file(warehouse, cut)


SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "livechat"


def test_sample_data_reconciles_with_performance_report(cli, tmp_path):
    """sample_data/livechat through the real CLI; the report's per-agent numbers = our events."""
    db = tmp_path / "w.duckdb"
    files = [SAMPLES / "list_archives.json", SAMPLES / "agents_performance.json"]
    out = cli("import", *files, "--db", db, "--format", "json")
    assert out.exit_code == 0, out.stderr
    summaries = json.loads(out.stdout)
    assert [s["source"] for s in summaries] == ["livechat", "livechat"]
    assert [(s["rows_read"], s["rows_loaded"], s["rows_rejected"]) for s in summaries] == [
        (48, 48, 0),
        (4, 4, 0),  # 3 agents and the summary
    ]
    conn = duckdb.connect(str(db), read_only=True)
    # Per agent, from events: threads answered first by the agent and their mean FRT; threads
    # the agent was on; thumbs up / down.
    ours = conn.execute(
        """
        WITH firsts AS (
            SELECT c.conversation_key, c.created_at,
                   arg_min(m.author_agent_key, m.created_at) AS agent_key, min(m.created_at) AS at
            FROM conversation c JOIN message m USING (conversation_key)
            WHERE c.kind = 'thread' AND m.author_role = 'agent' AND m.visibility = 'public'
            GROUP BY ALL
        )
        SELECT split_part(a.agent_key, ':', 2), count(*),
               (SELECT count(*) FROM firsts f WHERE f.agent_key = a.agent_key),
               (SELECT avg(epoch(f.at) - epoch(f.created_at)) FROM firsts f
                WHERE f.agent_key = a.agent_key),
               count(*) FILTER (WHERE r.is_positive), count(*) FILTER (WHERE r.is_negative)
        FROM engagement a LEFT JOIN rating r USING (conversation_key)
        GROUP BY a.agent_key ORDER BY 1
        """
    ).fetchall()
    theirs = conn.execute(
        "SELECT dim_source_id, max(value) FILTER (WHERE metric = 'chats_count'), "
        "max(value) FILTER (WHERE metric = 'first_response_chats_count'), "
        "max(value) FILTER (WHERE metric = 'first_response_time'), "
        "max(value) FILTER (WHERE metric = 'chats_rated_good'), "
        "max(value) FILTER (WHERE metric = 'chats_rated_bad') FROM source_aggregate "
        "WHERE grain = 'agent' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in ours] == [
        "agent1@example.com",
        "agent2@example.com",
        "agent3@example.com",
    ]
    for mine, vendor in zip(ours, theirs, strict=True):
        assert mine[0] == vendor[0]
        assert mine[1:3] == vendor[1:3] and mine[4:] == vendor[4:]
        assert mine[3] == pytest.approx(vendor[3], abs=1e-6)  # microsecond timestamps
    # Customers who left the queue: threads with no agent (missed) in the archive, none in
    # the report's counts.
    missed = [sid for sid, frt in conn.execute(FRT).fetchall() if frt is None]
    assert len(missed) == conn.execute(
        "SELECT count(*) FROM conversation WHERE kind = 'thread'"
    ).fetchall()[0][0] - sum(r[1] for r in ours)
    conn.close()


# ------------------------------------------- Reports API: keyed, replaced (issue 15, item 5)
def _daily_report(path: Path, days: dict[str, int]) -> Path:
    """A chats/duration report with distribution=day: one record per day."""
    records = {d: {"count": n, "duration": 300.0} for d, n in days.items()}
    path.write_text(json.dumps({"name": "duration-report", "records": records}))
    return path


def test_an_overlapping_report_replaces_the_days_it_repeats(cli, tmp_path):
    """Two exports of a daily report overlapping by two days: each day's numbers once, the
    newer file's; days only in the older export stay."""
    db = tmp_path / "w.duckdb"
    first = _daily_report(tmp_path / "a.json", {"2026-03-01": 5, "2026-03-02": 6, "2026-03-03": 7})
    later = _daily_report(tmp_path / "b.json", {"2026-03-02": 6, "2026-03-03": 9, "2026-03-04": 4})
    for path in (first, later):
        out = cli("import", path, "--db", db)
        assert out.exit_code == 0, out.stderr
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute(
            "SELECT strftime(period_start, '%d'), value, batch_id FROM source_aggregate "
            "WHERE metric = 'count' ORDER BY period_start"
        ).fetchall() == [("01", 5.0, 1), ("02", 6.0, 2), ("03", 9.0, 2), ("04", 4.0, 2)]


def test_the_performance_report_again_does_not_double(cli, tmp_path, shared):
    db = tmp_path / "w.duckdb"
    path = (
        shared
        / "vendor_samples/livechat"
        / ("livechat-public-docs__v3.6_reports-api_agents_performance.json")
    )
    again = tmp_path / "performance (re-exported).json"
    again.write_text(json.dumps(json.loads(path.read_text()), indent=1))  # other bytes
    for file in (path, again):
        assert cli("import", file, "--db", db).exit_code == 0
    with duckdb.connect(str(db), read_only=True) as conn:
        # README: 17 chats in the summary, the per-agent sum too; once, not twice.
        assert conn.execute(
            "SELECT grain, sum(value) FROM source_aggregate WHERE metric = 'chats_count' "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall() == [("account", 17.0), ("agent", 17.0)]
