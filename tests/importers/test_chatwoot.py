"""Chatwoot importer: hand-made messages, CSAT CSV and report CSVs; the vendor mock data."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from _importer_helpers import frt_by_hand_sql, resolution_by_hand_sql

from supportstats.errors import InputFileError
from supportstats.importers import ImportOptions, import_file

DATA = Path(__file__).resolve().parents[1] / "data" / "chatwoot"
FRT = frt_by_hand_sql()
RESOLUTION = resolution_by_hand_sql()


def test_messages_page(warehouse):
    result = import_file(warehouse, DATA / "messages.json")
    # 9 messages; message 9 has message_type 7 and is rejected.
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "chatwoot",
        9,
        8,
        1,
    )
    # FRT: template (+1 s), activity and private note (+90 s) skipped; John at +120 s.
    # 2002 only got an automation-rule message: missed.
    assert warehouse.execute(FRT).fetchall() == [("2001", 120.0), ("2002", None)]
    assert warehouse.execute(RESOLUTION).fetchall() == [("2001", 600.0), ("2002", None)]
    assert warehouse.execute(
        "SELECT source_id, status_current FROM conversation ORDER BY 1"
    ).fetchall() == [("2001", "resolved"), ("2002", "open")]
    assert warehouse.execute(
        "SELECT author_role, automation FROM message WHERE source_id = '8'"
    ).fetchall() == [("system", "rule")]
    # "John self-assigned this conversation" names the agent; John (id 7) wrote in the file,
    # so the assignment is his, not an agent called "John" that no other row knows.
    assert warehouse.execute(
        "SELECT to_value FROM conversation_event WHERE event_type = 'assignee'"
    ).fetchall() == [("chatwoot:7",)]
    assert warehouse.execute("SELECT DISTINCT agent_key FROM fact_assignment").fetchall() == [
        ("chatwoot:7",)
    ]


def test_csat_csv(warehouse):
    result = import_file(warehouse, DATA / "csat_responses.csv")
    # 4 responses (the footer "Reporting period" line is not a row); "six" is rejected.
    assert (result.entity, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "rating",
        4,
        3,
        1,
    )
    # CSAT = ratings >= 4 over responses: 5 and 4 of (5, 2, 4) -> 2 of 3.
    assert warehouse.execute(
        "SELECT conversation_key, raw_value, is_positive, agent_key_at_rating FROM rating "
        "ORDER BY 1"
    ).fetchall() == [
        ("chatwoot:1042", "5", True, "chatwoot:maya@example.test"),
        ("chatwoot:1057", "2", False, None),
        ("chatwoot:1060", "4", True, "chatwoot:maya@example.test"),
    ]


def test_report_csvs(warehouse):
    agents = import_file(warehouse, DATA / "agents_report.csv")
    assert (agents.entity, agents.rows_read, agents.rows_loaded) == ("source_aggregate", 3, 3)
    got = dict(
        warehouse.execute(
            "SELECT dim_name || '/' || metric, value FROM source_aggregate "
            "WHERE report = 'chatwoot_agents_csv'"
        ).fetchall()
    )
    # Humanised durations by hand: 4 min 10 s = 250; 1 day 2 hours = 93,600; N/A = NULL.
    assert got["Maya Ortiz/avg_first_response_time"] == 250.0
    assert got["Jonas Berg/avg_resolution_time"] == 93600.0
    assert got["Jonas Berg/avg_customer_waiting_time"] == 541.0
    assert got["Priya Nair/avg_first_response_time"] is None
    assert got["Maya Ortiz/resolution_count"] == 37.0
    inboxes = import_file(warehouse, DATA / "inboxes_report.csv")
    assert inboxes.rows_loaded == 1
    # The inbox header has 5 cells, rows 7: the unlabeled reply time and resolution count.
    assert dict(
        warehouse.execute(
            "SELECT metric, value FROM source_aggregate WHERE report = 'chatwoot_inboxes_csv'"
        ).fetchall()
    ) == {
        "conversations_count": 52.0,
        "avg_first_response_time": 200.0,
        "avg_resolution_time": 7500.0,
        "avg_reply_time": 300.0,
        "resolution_count": 48.0,
    }


def test_vendor_mock_messages(warehouse, shared):
    path = shared / "vendor_samples/chatwoot/chatwoot-mobile-app__textOnly.messages.json"
    result = import_file(warehouse, path)
    # README: 29 messages in 2 conversations (1016: 27, 43: 2); 2 private notes.
    assert (result.rows_read, result.rows_loaded) == (29, 29)
    assert warehouse.execute(
        "SELECT conversation_key, count(*) FROM message GROUP BY 1 ORDER BY 1"
    ).fetchall() == [("chatwoot:1016", 27), ("chatwoot:43", 2)]
    assert warehouse.execute(
        "SELECT count(*) FROM message WHERE visibility = 'internal'"
    ).fetchall() == [(2,)]
    # FRT 191 s (5295 at 12:29:31Z -> 5301 by John at 12:32:42Z); resolved 571 s later.
    frt = dict(warehouse.execute(FRT).fetchall())
    assert frt["1016"] == 191.0
    assert dict(warehouse.execute(RESOLUTION).fetchall())["1016"] == 571.0
    assert warehouse.execute(
        "SELECT author_agent_key FROM message WHERE source_id = '5301'"
    ).fetchall() == [("chatwoot:1",)]


def test_cli_reimport_and_errors(cli, tmp_path, warehouse):
    db = tmp_path / "w.duckdb"
    out = cli("import", DATA / "agents_report.csv", "--db", db, "--format", "json")
    assert out.exit_code == 0 and '"source": "chatwoot"' in out.stdout
    again = cli("import", DATA / "agents_report.csv", "--db", db)
    assert "already imported" in again.stderr
    other = Path(__file__).resolve().parents[1] / "data" / "livechat" / "list_archives.json"
    with pytest.raises(InputFileError, match="looks like a livechat export"):
        import_file(warehouse, other, ImportOptions(source="chatwoot"))


SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "chatwoot"


def _humanised_step(seconds: float) -> float:
    """Precision of Chatwoot's two-unit duration text for a value of this size."""
    return 1.0 if seconds < 3600 else 60.0 if seconds < 86400 else 3600.0


def test_sample_data_reconciles_with_chatwoot_numbers(cli, tmp_path):
    """sample_data/chatwoot through the real CLI; our numbers equal Chatwoot's own."""
    db = tmp_path / "w.duckdb"
    names = ["conversations.json", "messages.jsonl", "csat_responses.csv", "agents_report.csv"]
    out = cli("import", *[SAMPLES / n for n in names], "--db", db, "--format", "json")
    assert out.exit_code == 0, out.stderr
    summaries = json.loads(out.stdout)
    assert {s["source"] for s in summaries} == {"chatwoot"}
    assert [(s["rows_read"], s["rows_loaded"], s["rows_rejected"]) for s in summaries] == [
        (40, 40, 0),
        (169, 169, 0),
        (20, 20, 0),
        (3, 3, 0),
    ]
    conn = duckdb.connect(str(db), read_only=True)
    # first_reply_created_at - created_at = our FRT (template and private note skipped).
    ours = dict(conn.execute(FRT).fetchall())
    assert ours == dict(
        conn.execute(
            "SELECT source_id, src_first_response_s FROM conversation_with_source"
        ).fetchall()
    )
    assert sum(v is None for v in ours.values()) == 5  # every 8th conversation unanswered
    # Every CSAT row is a resolved conversation's input_csat answer, with the same rating.
    assert conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE r.raw_value = m.raw ->> "
        "'$.content_attributes.submitted_values.csat_survey_response.rating' AND "
        "c.status_current = 'resolved') FROM rating r JOIN conversation c USING "
        "(conversation_key) JOIN message m ON m.conversation_key = r.conversation_key "
        "AND m.kind = 'csat_request'"
    ).fetchall() == [(20, 20)]
    # The agents report: per current assignee, from our events.
    mine = conn.execute(
        """
        WITH f AS (SELECT source_id, assignee_agent_key AS a FROM conversation)
        SELECT ag.name, count(*),
               avg(frt.v), avg(res.v),
               count(res.v)
        FROM f JOIN agent ag ON ag.agent_key = f.a
        LEFT JOIN (SELECT c.source_id, epoch(min(m.created_at)) - epoch(c.created_at) AS v
                   FROM conversation c JOIN message m USING (conversation_key)
                   WHERE m.author_role = 'agent' AND m.visibility = 'public'
                   GROUP BY c.source_id, c.created_at) frt
               ON frt.source_id = f.source_id
        LEFT JOIN (SELECT c.source_id, epoch(max(e.occurred_at)) - epoch(c.created_at) AS v
                   FROM conversation c JOIN conversation_event e USING (conversation_key)
                   WHERE e.event_type = 'resolve' GROUP BY c.source_id, c.created_at) res
               ON res.source_id = f.source_id
        GROUP BY ag.name ORDER BY 1
        """
    ).fetchall()
    report = conn.execute(
        "SELECT dim_name, max(value) FILTER (WHERE metric = 'conversations_count'), "
        "max(value) FILTER (WHERE metric = 'avg_first_response_time'), "
        "max(value) FILTER (WHERE metric = 'avg_resolution_time'), "
        "max(value) FILTER (WHERE metric = 'resolution_count') FROM source_aggregate "
        "WHERE report = 'chatwoot_agents_csv' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in report] == ["Agent 1", "Agent 2", "Agent 3"]
    for (name, n, frt, res, resolved), (rname, rn, rfrt, rres, rresolved) in zip(
        mine, report, strict=True
    ):
        assert (name, n, resolved) == (rname, rn, rresolved)
        # The text keeps two units ("4 minutes 10 seconds", "2 hours 5 minutes").
        assert abs(frt - rfrt) < _humanised_step(frt)
        assert abs(res - rres) < _humanised_step(res)
    conn.close()


# ----------------------------------------------- report CSVs: keyed, replaced (issue 15, item 5)
def _aggregates(db: Path, report: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(
            "SELECT metric, count(*), sum(value) FROM source_aggregate WHERE report = $r "
            "GROUP BY 1 ORDER BY 1",
            {"r": report},
        ).fetchall()


def test_a_report_of_the_same_period_replaces_the_earlier_numbers(cli, tmp_path):
    """The agents report downloaded again a day later (other bytes, one number moved): the
    numbers of that period are the newer file's, never the sum of both."""
    db = tmp_path / "w.duckdb"
    text = (DATA / "agents_report.csv").read_text()
    assert cli("import", DATA / "agents_report.csv", "--db", db).exit_code == 0
    first = dict((m, (n, v)) for m, n, v in _aggregates(db, "chatwoot_agents_csv"))
    assert first["resolution_count"] == (3, 62.0)
    later = tmp_path / "agents_report (1).csv"
    later.write_text(text.replace("Maya Ortiz,41,", "Maya Ortiz,43,"))
    out = cli("import", later, "--db", db)
    assert out.exit_code == 0, out.stderr
    assert "replaced 15 aggregate numbers of batch 1" in " ".join(out.stderr.split())
    now = dict((m, (n, v)) for m, n, v in _aggregates(db, "chatwoot_agents_csv"))
    assert now["conversations_count"] == (3, 71.0)  # 43 + 28 + 0, not 41 + 28 + 43 + 28
    assert now["resolution_count"] == (3, 62.0)
    # Another week is other numbers: kept beside.
    week = tmp_path / "agents_report_next_week.csv"
    week.write_text(text.replace("2026-03-02 to 2026-03-08", "2026-03-09 to 2026-03-15"))
    assert cli("import", week, "--db", db).exit_code == 0
    assert dict((m, (n, v)) for m, n, v in _aggregates(db, "chatwoot_agents_csv"))[
        "conversations_count"
    ] == (6, 140.0)
    # Dropping the newest batch takes its week away; the replaced numbers stay replaced.
    dropped = cli("db", "drop-batch", "3", "--yes", "--db", db)
    assert dropped.exit_code == 0, dropped.stderr
    assert dict((m, (n, v)) for m, n, v in _aggregates(db, "chatwoot_agents_csv"))[
        "conversations_count"
    ] == (3, 71.0)
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT DISTINCT batch_id FROM source_aggregate").fetchall() == [(2,)]


def test_one_agent_twice_in_one_report_is_a_reject(warehouse, tmp_path):
    path = tmp_path / "agents_report.csv"
    lines = (DATA / "agents_report.csv").read_text().splitlines()
    path.write_text("\n".join([*lines, "Maya Ortiz,5,1 minute,N/A,N/A,1"]) + "\n")
    result = import_file(warehouse, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    (reason,) = warehouse.execute(
        "SELECT reason FROM import_reject WHERE entity = 'source_aggregate'"
    ).fetchone()
    assert "Maya Ortiz" in reason and "first at row 1" in reason and "kept" in reason
    assert warehouse.execute(
        "SELECT value FROM source_aggregate WHERE dim_name = 'Maya Ortiz' "
        "AND metric = 'conversations_count'"
    ).fetchall() == [(41.0,)]


def test_pseudonymised_reports_replace_too(cli, tmp_path):
    db, key = tmp_path / "w.duckdb", tmp_path / "k.key"
    key.write_text("a3f1c9e07b5d42e8a3f1c9e07b5d42e8\n")
    later = tmp_path / "agents_report (1).csv"
    later.write_text((DATA / "agents_report.csv").read_text() + "\n")
    for path in (DATA / "agents_report.csv", later):
        out = cli("import", path, "--db", db, "--pseudonymise", "--pseudonym-key-file", key)
        assert out.exit_code == 0, out.stderr
    assert dict((m, (n, v)) for m, n, v in _aggregates(db, "chatwoot_agents_csv"))[
        "conversations_count"
    ] == (3, 69.0)


# ----------------------------------- CSAT agents by e-mail = agents by id (issue 15, item 6)
def _agent_join(db: Path) -> tuple[int, int, int]:
    """(ratings with an agent, of them naming an agent who wrote messages, agents keyed by a
    personal id): the CSAT's agent must be the messages' agent."""
    with duckdb.connect(str(db), read_only=True) as conn:
        rated, joined = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE agent_key_at_rating IN "
            "(SELECT author_agent_key FROM message)) FROM rating "
            "WHERE agent_key_at_rating IS NOT NULL"
        ).fetchone()
        # every rating's agent is the conversation's assignee in the sample
        assert conn.execute(
            "SELECT count(*) FROM rating r JOIN conversation c USING (conversation_key) "
            "WHERE r.agent_key_at_rating IS DISTINCT FROM c.assignee_agent_key"
        ).fetchone() == (0,)
        by_email = conn.execute(
            "SELECT count(*) FROM agent WHERE lower(email) IN "
            "(lower(source_id), lower(source_id) || '@pseudonym.invalid')"
        ).fetchone()[0]
    return rated, joined, by_email


@pytest.mark.parametrize("csat_first", [False, True])
@pytest.mark.parametrize("pseudonymise", [False, True])
def test_csat_agent_is_the_agent_of_the_messages(cli, tmp_path, csat_first, pseudonymise):
    """sample_data/chatwoot: the CSAT CSV names agents "Agent 2 (agent2@example.com)", the
    conversations and messages by id (8); the conversations' assignee carries the e-mail.
    In either order, plain or pseudonymised, a rating's agent is the agent of the messages."""
    db = tmp_path / "w.duckdb"
    names = ["conversations.json", "messages.jsonl"]
    names = ["csat_responses.csv", *names] if csat_first else [*names, "csat_responses.csv"]
    extra: list[str | Path] = []
    if pseudonymise:
        key = tmp_path / "k.key"
        key.write_text("a3f1c9e07b5d42e8a3f1c9e07b5d42e8\n")
        extra = ["--pseudonymise", "--pseudonym-key-file", key]
    said = ""
    for name in names:  # one command per file: each import resolves what it can
        out = cli("import", SAMPLES / name, "--db", db, *extra)
        assert out.exit_code == 0, out.stderr
        said += " ".join(out.stderr.split())
    assert "2 agent(s) named only by e-mail are the agents with these ids (2 by e-mail); 20" in said
    assert _agent_join(db) == (20, 20, 0)
    # Per agent, the CSAT is on the same row as the agent's conversations.
    report = cli("report", "agents", "--db", db, "--format", "json")
    assert report.exit_code == 0, report.stderr
    rows = json.loads(report.stdout)
    assert len(rows) == 3, rows


def test_csat_agent_found_by_name_or_kept_with_a_note(cli, tmp_path):
    """Messages name John by id 7, without an e-mail: the CSAT's "John (john@...)" is he (the
    only agent of that name). Maya wrote no message: she stays keyed by e-mail, and the
    import says so."""
    db = tmp_path / "w.duckdb"
    csat = tmp_path / "csat.csv"
    lines = (DATA / "csat_responses.csv").read_text().splitlines()
    csat.write_text(
        "\n".join(
            [
                lines[0],
                "John (John@Example.test),5,,Ana,,,https://x.test/app/accounts/3/conversations/"
                "2001,2026-03-04 10:00:00 UTC",
                "Maya Ortiz (maya@example.test),4,,Tom,,,https://x.test/app/accounts/3/"
                "conversations/2002,2026-03-04 11:00:00 UTC",
            ]
        )
        + "\n"
    )
    assert cli("import", DATA / "messages.json", "--db", db).exit_code == 1  # 1 reject
    out = cli("import", csat, "--db", db)
    assert out.exit_code == 0, out.stderr
    said = " ".join(out.stderr.split())
    assert "1 by name" in said
    assert "1 agent(s) named only by e-mail in ratings match no agent with an id" in said
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute(
            "SELECT conversation_key, agent_key_at_rating FROM rating ORDER BY 1"
        ).fetchall() == [
            ("chatwoot:2001", "chatwoot:7"),
            ("chatwoot:2002", "chatwoot:maya@example.test"),
        ]
        # John's row learnt his e-mail; no agent row is left under it.
        assert conn.execute(
            "SELECT agent_key, name, email FROM agent WHERE name IN ('John', 'Maya Ortiz') "
            "ORDER BY 1"
        ).fetchall() == [
            ("chatwoot:7", "John", "john@example.test"),
            ("chatwoot:maya@example.test", "Maya Ortiz", "maya@example.test"),
        ]
