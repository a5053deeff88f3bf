"""The warehouse file: creation, migrations, read-only opening, clear errors."""

from __future__ import annotations

import pytest

from supportstats.db import SCHEMA_VERSION, connect, current_version, migrations
from supportstats.errors import WarehouseError


def test_new_file_gets_the_whole_schema(db_path):
    with connect(db_path) as conn:
        assert current_version(conn) == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {
        "import_batch", "import_reject", "agent", "team", "agent_team", "queue", "contact",
        "schedule", "schedule_interval", "schedule_holiday", "conversation", "message",
        "conversation_event", "engagement", "rating", "agent_status_interval",
        "source_aggregate", "schema_version", "conversation_source",
    } <= tables  # fmt: skip


def test_migrations_are_numbered_and_applied_once(db_path):
    assert [v for v, _ in migrations()] == sorted({v for v, _ in migrations()})
    connect(db_path).close()
    with connect(db_path) as conn:  # a second open applies nothing again
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(v,) for v, _ in migrations()]


def test_read_only_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(WarehouseError) as err:
        connect(missing, read_only=True)
    assert err.value.message == f"warehouse {missing} does not exist"
    assert not missing.exists()


def test_read_only_connection_cannot_write(db_path):
    connect(db_path).close()
    with connect(db_path, read_only=True) as conn:
        with pytest.raises(Exception, match="read-only"):
            conn.execute("DELETE FROM conversation")


def test_newer_schema_is_refused(db_path):
    with connect(db_path) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1])
    with pytest.raises(WarehouseError) as err:
        connect(db_path)
    assert err.value.message == (
        f"warehouse schema version {SCHEMA_VERSION + 1} is newer than this supportstats "
        f"(knows up to {SCHEMA_VERSION})"
    )


def test_directory_is_not_a_warehouse(tmp_path):
    with pytest.raises(WarehouseError) as err:
        connect(tmp_path)
    assert err.value.message == f"{tmp_path} is a directory, not a DuckDB file"


def test_not_a_duckdb_file(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("this is not a database\n" * 100)
    with pytest.raises(WarehouseError) as err:
        connect(junk)
    assert err.value.message == f"{junk} is not a DuckDB warehouse"


def test_db_info_json(cli, tmp_path, db_path):
    path = tmp_path / "c.csv"
    path.write_text("conversation_id,created_at\na,2024-01-01\nb,2024-01-02\n")
    assert cli("import", path, "--db", db_path).exit_code == 0
    import json

    result = cli("db", "info", "--db", db_path, "--format", "json")
    info = json.loads(result.stdout)
    assert info["tables"]["conversation"] == 2
    assert info["rows_rejected"] == 0
    assert [(b["batch_id"], b["rows_read"], b["rows_loaded"]) for b in info["batches"]] == [
        (1, 2, 2)
    ]


def test_env_var_names_the_warehouse(cli, tmp_path, monkeypatch):
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("SUPPORTSTATS_DB", str(target))
    path = tmp_path / "c.csv"
    path.write_text("conversation_id,created_at\na,2024-01-01\n")
    assert cli("import", path).exit_code == 0
    assert target.exists()


def test_version_1_warehouse_moves_vendor_columns_to_conversation_source(db_path):
    """Migration 002 keeps every value: vendor-only columns move to conversation_source."""
    import duckdb

    from supportstats.sql import load_sql

    old = duckdb.connect(str(db_path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    old.execute(load_sql("schema/001_canonical.sql"))
    old.execute("INSERT INTO schema_version (version) VALUES (1)")
    old.execute(
        "INSERT INTO conversation (conversation_key, source_system, source_id, created_at, "
        "display_number, parent_key, custom_attributes, src_first_response_s, src_missed, "
        "status_current, batch_id) VALUES "
        "('zendesk:1', 'zendesk', '1', '2024-03-01 10:00:00+00', '42', 'zendesk:0', "
        "'{\"a\": 1}', 60.0, false, 'solved', 7), "
        "('generic:2', 'generic', '2', '2024-03-01 11:00:00+00', NULL, NULL, NULL, NULL, NULL, "
        "'open', 8)"
    )
    old.close()
    with connect(db_path) as conn:
        assert current_version(conn) == SCHEMA_VERSION >= 2
        core = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'conversation'"
            ).fetchall()
        }
        assert {
            "display_number",
            "parent_key",
            "custom_attributes",
            "src_first_response_s",
        }.isdisjoint(core)
        assert conn.execute(
            "SELECT conversation_key, display_number, parent_key, custom_attributes::VARCHAR, "
            "src_first_response_s, src_missed, src_replies, batch_id FROM conversation_source"
        ).fetchall() == [("zendesk:1", "42", "zendesk:0", '{"a": 1}', 60.0, False, None, 7)]
        assert conn.execute(
            "SELECT source_id, status_current, display_number, src_first_response_s, batch_id "
            "FROM conversation_with_source ORDER BY source_id"
        ).fetchall() == [("1", "solved", "42", 60.0, 7), ("2", "open", None, None, 8)]


def test_version_2_warehouse_gets_computed_child_keys(db_path):
    """Migration 003 keeps every key: one built apart from source_id (LiveChat's thread:event
    messages) moves its tail into source_id, so the computed key is the stored one."""
    import duckdb

    from supportstats.sql import load_sql

    old = duckdb.connect(str(db_path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version in (1, 2):
        name = {1: "001_canonical", 2: "002_conversation_source"}[version]
        old.execute(load_sql(f"schema/{name}.sql"))
        old.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    old.execute(
        "INSERT INTO message (message_key, conversation_key, source_system, source_id, "
        "created_at, author_role, body, batch_id) VALUES "
        "('livechat:T1:e7', 'livechat:T1', 'livechat', 'e7', '2024-03-01 10:00:00+00', "
        "'agent', 'hi', 3), "
        "('generic:m1', 'generic:c1', 'generic', 'm1', '2024-03-01 10:01:00+00', "
        "'customer', 'hello', 4)"
    )
    old.execute(
        "INSERT INTO conversation_event (event_key, conversation_key, source_system, "
        "source_id, occurred_at, event_type) VALUES "
        "('generic:c1:resolved', 'generic:c1', 'generic', 'c1:resolved', "
        "'2024-03-01 11:00:00+00', 'resolve')"
    )
    old.execute(
        "INSERT INTO rating (rating_key, conversation_key, source_system, source_id, "
        "raw_value) VALUES ('generic:c1:csat', 'generic:c1', 'generic', 'c1:csat', '5')"
    )
    old.close()
    with connect(db_path) as conn:
        assert current_version(conn) == SCHEMA_VERSION >= 3
        assert conn.execute(
            "SELECT message_key, source_id, conversation_key, author_role, body, batch_id "
            "FROM message ORDER BY message_key"
        ).fetchall() == [
            ("generic:m1", "m1", "generic:c1", "customer", "hello", 4),
            ("livechat:T1:e7", "T1:e7", "livechat:T1", "agent", "hi", 3),
        ]
        assert conn.execute(
            "SELECT event_key, source_id, event_type FROM conversation_event"
        ).fetchall() == [("generic:c1:resolved", "c1:resolved", "resolve")]
        assert conn.execute("SELECT rating_key, source_id, raw_value FROM rating").fetchall() == [
            ("generic:c1:csat", "c1:csat", "5")
        ]
        generated = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE is_generated = 'ALWAYS' ORDER BY table_name, column_name"
        ).fetchall()
        assert generated == [
            ("conversation", "conversation_key"),
            ("conversation_event", "event_key"),
            ("message", "body_len"),
            ("message", "message_key"),
            ("rating", "rating_key"),
        ]
        assert conn.execute("SELECT body_len FROM message ORDER BY message_key").fetchall() == [
            (5,),
            (2,),
        ]


def test_version_3_warehouse_moves_shortcut_rows_onto_the_conversation(db_path):
    """Migration 004 moves the rows a conversations file's shortcut columns made onto the
    conversation; the *_all views then show exactly the rows the tables held before."""
    import duckdb

    from supportstats.sql import load_sql

    old = duckdb.connect(str(db_path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version, name in migrations()[:3]:
        old.execute(load_sql(name))
        old.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    old.execute(
        "INSERT INTO conversation (source_system, source_id, created_at, assignee_agent_key, "
        "batch_id) VALUES ('generic', 'c1', '2024-03-01 10:00:00+00', 'generic:ana', 4), "
        "('generic', 'c2', '2024-03-01 11:00:00+00', NULL, 4), "
        "('generic', 'c3', '2024-03-01 12:00:00+00', NULL, 5)"
    )
    # As version 3's importer derived them for c1; the look-alikes of c2 and c3 differ from
    # what c2's and c3's own columns would give (a body, a rating time, another batch).
    old.execute(
        "INSERT INTO message (conversation_key, source_system, source_id, created_at, "
        "author_role, author_agent_key, visibility, automation, kind, body, batch_id) VALUES "
        "('generic:c1', 'generic', 'c1:first_response', '2024-03-01 10:05:00+00', 'agent', "
        "'generic:ana', 'public', 'none', 'text', NULL, 4), "
        "('generic:c2', 'generic', 'c2:first_response', '2024-03-01 11:05:00+00', 'agent', "
        "NULL, 'public', 'none', 'text', 'hello', 4), "
        "('generic:c1', 'generic', 'm9', '2024-03-01 10:00:00+00', 'customer', NULL, "
        "'public', 'none', 'text', 'help', 4)"
    )
    old.execute(
        "INSERT INTO conversation_event (conversation_key, source_system, source_id, "
        "occurred_at, event_type, to_value, actor_agent_key, batch_id) VALUES "
        "('generic:c1', 'generic', 'c1:resolved', '2024-03-01 11:00:00+00', 'resolve', "
        "'resolved', 'generic:ana', 4), "
        "('generic:c3', 'generic', 'c3:resolved', '2024-03-01 13:00:00+00', 'resolve', "
        "'resolved', NULL, 6)"
    )
    old.execute(
        "INSERT INTO rating (conversation_key, source_system, source_id, rated_at, scale, "
        "raw_value, score_norm, is_positive, is_negative, agent_key_at_rating, batch_id) VALUES "
        "('generic:c1', 'generic', 'c1:csat', '2024-03-01 11:00:00+00', '1-5', '4', 0.75, "
        "true, false, 'generic:ana', 4), "
        "('generic:c2', 'generic', 'c2:csat', '2024-03-02 09:00:00+00', '1-5', '5', 1.0, "
        "true, false, NULL, 4)"
    )
    tables = ("message", "conversation_event", "rating")
    before = {t: old.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    old.close()
    with connect(db_path) as conn:
        assert current_version(conn) == SCHEMA_VERSION >= 4
        for t in tables:
            assert conn.execute(f"SELECT * FROM {t}_all ORDER BY ALL").fetchall() == before[t]
        assert conn.execute(
            "SELECT source_id, first_response_at::VARCHAR, resolved_at::VARCHAR, csat, "
            "csat_scale FROM conversation ORDER BY 1"
        ).fetchall() == [
            ("c1", "2024-03-01 10:05:00+00", "2024-03-01 11:00:00+00", "4", "1-5"),
            ("c2", None, None, None, None),
            ("c3", None, None, None, None),
        ]
        stored = {
            t: conn.execute(f"SELECT source_id FROM {t} ORDER BY 1").fetchall() for t in tables
        }
        assert stored == {
            "message": [("c2:first_response",), ("m9",)],
            "conversation_event": [("c3:resolved",)],
            "rating": [("c2:csat",)],
        }


def test_ids_of_conversations_and_messages_are_stored_uncompressed(db_path):
    """Nearly every source_id is unique: DuckDB's default string compression would spend more
    time looking for repeats than the rest of the write (schema/004)."""
    with connect(db_path) as conn:
        conn.execute(
            "INSERT INTO conversation (source_system, source_id, created_at) "
            "SELECT 'generic', 'c' || i, TIMESTAMPTZ '2024-03-01 00:00:00+00' FROM range(3000) r(i)"
        )
        conn.execute(
            "INSERT INTO message (conversation_key, source_system, source_id, created_at, "
            "author_role) SELECT 'generic:c1', 'generic', 'm' || i, "
            "TIMESTAMPTZ '2024-03-01 00:00:00+00', 'customer' FROM range(3000) r(i)"
        )
        conn.execute("CHECKPOINT")
        stored = [
            (table, *row)
            for table in ("conversation", "message")
            for row in conn.execute(
                "SELECT DISTINCT column_name, compression FROM pragma_storage_info($t) "
                "WHERE column_name IN ('source_id', 'source_system') "
                "AND segment_type = 'VARCHAR' ORDER BY ALL",
                {"t": table},
            ).fetchall()
        ]
    assert [r for r in stored if r[1] == "source_id"] == [
        ("conversation", "source_id", "Uncompressed"),
        ("message", "source_id", "Uncompressed"),
    ]
    assert {r[2] for r in stored if r[1] == "source_system"} != {"Uncompressed"}


def test_looking_never_creates_a_warehouse(cli, tmp_path):
    """db info on a mistyped path is an error, not a new empty warehouse (issue 14, item 4)."""
    typo = tmp_path / "typo.duckdb"
    result = cli("db", "info", "--db", typo)
    assert result.exit_code == 3
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not typo.exists()


@pytest.mark.parametrize(
    "target", [":memory:", ":memory:x", "md:my_db", "s3://bucket/support.duckdb",
               "https://example.invalid/w.duckdb", "sqlite:foo.db", "postgres:dbname=x",
               "file:x.duckdb"],
)  # fmt: skip
def test_a_warehouse_that_cannot_persist_or_is_remote_is_refused(
    cli, tmp_path, target, monkeypatch
):
    """--db :memory: would report rows loaded and keep nothing; md: and s3:// would make
    DuckDB download extensions. Both the option and the environment variable are refused."""
    path = tmp_path / "c.csv"
    path.write_text("conversation_id,created_at\na,2024-01-01\n")
    result = cli("import", path, "--db", target)
    assert result.exit_code == 3
    assert "is not a file" in result.stderr and "Traceback" not in result.stderr
    monkeypatch.setenv("SUPPORTSTATS_DB", target)
    assert cli("report", "agents").exit_code == 3
    assert cli("import", path).exit_code == 3
    assert not list(tmp_path.glob("*.duckdb")) and not (tmp_path / "foo.db").exists()
