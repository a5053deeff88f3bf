"""The identity of an import, re-imports with corrected options, --replace and db drop-batch
(issue 14, item 2), through the real CLI in a fresh process.

An import is the file's content and the options that change its rows. The same file with the
same options changes nothing; with other options (or --replace) it replaces its earlier batch
in one transaction, so no row is counted twice; `db drop-batch N` removes what batch N loaded.
After every change the stored facts agree with a recomputation (`db check`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.bad_input._corpus import assert_clean_error, assert_no_traceback, counts, rows, run

NAIVE = (
    "conversation_id,created_at,agent,first_response_at\n"
    "c1,2024-03-04 09:00:00,a1,2024-03-04 09:02:00\n"
    "c2,2024-03-04 10:00:00,a2,2024-03-04 10:05:00\n"
)
MESSAGES = (
    "message_id,conversation_id,created_at,author_role,author\n"
    "m1,c1,2024-03-04T09:00:00Z,customer,\n"
    "m2,c1,2024-03-04T09:02:00Z,agent,a1\n"
    "m3,c2,2024-03-04T10:05:00Z,agent,a3\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _summary(outcome) -> dict:
    assert_no_traceback(outcome)
    (summary,) = json.loads(outcome.stdout)
    return summary


def _facts_agree(db: Path) -> None:
    """The stored facts equal a from-scratch computation (the CLI's db check)."""
    done = run("db", "check", "--db", db, "--format", "json")
    assert done.code == 0, done
    assert all(t["only_stored"] == 0 == t["only_computed"] for t in json.loads(done.stdout))
    assert "agree with a recomputation" in done.stderr


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_same_file_same_options_changes_nothing(tmp_path: Path) -> None:
    db, naive = tmp_path / "w.duckdb", _write(tmp_path / "naive.csv", NAIVE)
    first = run("import", naive, "--db", db, "--format", "json")
    assert first.code == 0, first
    before = counts(db)
    again = run("import", naive, "--db", db, "--format", "json")
    assert again.code == 0, again
    assert _summary(again) == {
        "batch_id": 1, "source": "generic", "file": str(naive), "rows_read": 2,
        "rows_loaded": 2, "rows_rejected": 0, "rows_skipped": 0, "already_imported": True,
        "replaced_batches": [],
    }  # fmt: skip
    assert "already imported as batch 1 (same content, same options); nothing changed" in (
        again.stderr
    )
    # --timezone UTC is what the first import assumed: the same import
    same_zone = run("import", naive, "--db", db, "--timezone", "UTC", "--format", "json")
    assert same_zone.code == 0 and _summary(same_zone)["already_imported"] is True, same_zone
    # --strict changes no row: the same import too
    strict = run("import", naive, "--db", db, "--strict", "--format", "json")
    assert strict.code == 0 and _summary(strict)["already_imported"] is True, strict
    assert counts(db) == before


def test_a_corrected_timezone_replaces_the_earlier_import(tmp_path: Path) -> None:
    db, naive = tmp_path / "w.duckdb", _write(tmp_path / "naive.csv", NAIVE)
    assert run("import", naive, "--db", db).code == 0
    fixed = run("import", naive, "--db", db, "--timezone", "Europe/Madrid", "--format", "json")
    assert fixed.code == 0, fixed
    assert _summary(fixed) == {
        "batch_id": 2, "source": "generic", "file": str(naive), "rows_read": 2,
        "rows_loaded": 2, "rows_rejected": 0, "rows_skipped": 0, "already_imported": False,
        "replaced_batches": [1],
    }  # fmt: skip
    assert (
        "imported before as batch 1 (other options: --timezone: default (UTC) -> "
        "Europe/Madrid); batch 1 dropped, its rows replaced by batch 2"
    ) in fixed.stderr
    # the rows are corrected (Madrid is UTC+1 in March), not doubled
    assert rows(
        db, "SELECT source_id, created_at, first_response_at, batch_id FROM conversation "
        "ORDER BY 1",
    ) == [
        ("c1", _utc(2024, 3, 4, 8), _utc(2024, 3, 4, 8, 2), 2),
        ("c2", _utc(2024, 3, 4, 9), _utc(2024, 3, 4, 9, 5), 2),
    ]  # fmt: skip
    assert counts(db) == {
        "conversation": 2, "message": 0, "agent": 2, "import_batch": 1, "import_reject": 0,
    }  # fmt: skip
    assert rows(db, "SELECT batch_id, replaced_by FROM import_batch_dropped") == [(1, 2)]
    assert rows(db, "SELECT batch_id, assumed_timezone FROM import_batch") == [(2, "Europe/Madrid")]
    _facts_agree(db)
    # and that corrected import is now the one the same options find
    again = run("import", naive, "--db", db, "--tz", "Europe/Madrid", "--format", "json")
    assert _summary(again)["already_imported"] is True and _summary(again)["batch_id"] == 2


def test_another_source_system_leaves_no_row_under_the_old_keys(tmp_path: Path) -> None:
    """--source-system changes every key: upserting by key alone would count each
    conversation and message twice; the earlier batches are dropped instead."""
    db = tmp_path / "w.duckdb"
    conversations = _write(tmp_path / "conversations.csv", NAIVE)
    messages = _write(tmp_path / "messages.csv", MESSAGES)
    assert run("import", conversations, messages, "--db", db).code == 0
    assert counts(db) == {
        "conversation": 2, "message": 3, "agent": 3, "import_batch": 2, "import_reject": 0,
    }  # fmt: skip
    moved = run(
        "import", conversations, messages, "--db", db, "--source-system", "helpdesk",
        "--format", "json",
    )  # fmt: skip
    assert moved.code == 0, moved
    assert [(s["batch_id"], s["replaced_batches"]) for s in json.loads(moved.stdout)] == [
        (3, [1]),
        (4, [2]),
    ]
    assert "--source-system: default (generic) -> helpdesk" in moved.stderr
    assert counts(db) == {
        "conversation": 2, "message": 3, "agent": 3, "import_batch": 2, "import_reject": 0,
    }  # fmt: skip
    assert rows(db, "SELECT DISTINCT split_part(conversation_key, ':', 1) FROM conversation") == [
        ("helpdesk",)
    ]
    assert rows(db, "SELECT message_key, conversation_key FROM message ORDER BY 1") == [
        ("helpdesk:m1", "helpdesk:c1"),
        ("helpdesk:m2", "helpdesk:c1"),
        ("helpdesk:m3", "helpdesk:c2"),
    ]
    assert rows(db, "SELECT agent_key FROM agent ORDER BY 1") == [
        ("helpdesk:a1",), ("helpdesk:a2",), ("helpdesk:a3",)
    ]  # fmt: skip
    _facts_agree(db)


def test_replace_imports_again_with_the_same_options(tmp_path: Path) -> None:
    db, naive = tmp_path / "w.duckdb", _write(tmp_path / "naive.csv", NAIVE)
    assert run("import", naive, "--db", db).code == 0
    before = counts(db)
    again = run("import", naive, "--db", db, "--replace", "--format", "json")
    assert again.code == 0, again
    summary = _summary(again)
    assert (summary["batch_id"], summary["already_imported"], summary["replaced_batches"]) == (
        2,
        False,
        [1],
    )
    assert "(same options, --replace); batch 1 dropped, its rows replaced by batch 2" in (
        again.stderr
    )
    assert counts(db) == before
    assert rows(db, "SELECT DISTINCT batch_id FROM conversation") == [(2,)]
    _facts_agree(db)


def test_a_failed_replace_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    bad = _write(tmp_path / "bad.csv", NAIVE + "c3,not a date,a1,\n")
    assert run("import", bad, "--db", db).code == 1  # c3 rejected
    before = counts(db)
    refused = run("import", bad, "--db", db, "--replace", "--strict")
    assert_clean_error(refused, 2, contains="nothing was imported (--strict)")
    assert counts(db) == before
    assert rows(db, "SELECT batch_id FROM import_batch") == [(1,)]
    assert rows(db, "SELECT count(*) FROM import_batch_dropped") == [(0,)]
    _facts_agree(db)


def test_other_mapping_content_under_the_same_name_imports_again(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    export = _write(
        tmp_path / "export.csv",
        "Ticket,Opened,Owner\nt1,04/03/2024 09:00,ann\nt2,05/03/2024 10:00,bob\n",
    )
    mapping = tmp_path / "helpdesk.toml"
    toml = (
        'timestamp_format = "%d/%m/%Y %H:%M"\n{zone}'
        '[columns]\nconversation_id = "Ticket"\ncreated_at = "Opened"\nagent = "Owner"\n'
    )
    _write(mapping, toml.format(zone=""))
    assert run("import", export, "--db", db, "--mapping", mapping).code == 0
    same = run("import", export, "--db", db, "--mapping", mapping, "--format", "json")
    assert _summary(same)["already_imported"] is True, same
    _write(mapping, toml.format(zone='timezone = "America/New_York"\n'))
    fixed = run("import", export, "--db", db, "--mapping", mapping, "--format", "json")
    assert fixed.code == 0, fixed
    assert _summary(fixed)["replaced_batches"] == [1]
    assert "--mapping:" in fixed.stderr and "(other content)" in fixed.stderr
    assert rows(db, "SELECT source_id, created_at FROM conversation ORDER BY 1") == [
        ("t1", _utc(2024, 3, 4, 14)),
        ("t2", _utc(2024, 3, 5, 15)),
    ]
    _facts_agree(db)


# ------------------------------------------------------------------------- db drop-batch
def _two_batches(tmp_path: Path) -> tuple[Path, Path, Path]:
    db = tmp_path / "w.duckdb"
    conversations = _write(tmp_path / "conversations.csv", NAIVE)
    messages = _write(tmp_path / "messages.csv", MESSAGES)
    assert run("import", conversations, "--db", db).code == 0
    assert run("import", messages, "--db", db).code == 0
    return db, conversations, messages


def test_drop_batch_dry_run_says_what_goes_and_changes_nothing(tmp_path: Path) -> None:
    db, _, _ = _two_batches(tmp_path)
    before = counts(db)
    dry = run("db", "drop-batch", "2", "--db", db, "--dry-run", "--format", "json")
    assert dry.code == 0, dry
    assert_no_traceback(dry)
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True
    assert [b["batch_id"] for b in plan["batches"]] == [2]
    # the messages file defined agent a3 (a1 came with the conversations)
    assert plan["tables"] == [
        {"table": "agent", "before": 3, "removed": 1, "after": 2, "kept": 0},
        {"table": "message", "before": 3, "removed": 3, "after": 0, "kept": 0},
        {"table": "import_batch", "before": 2, "removed": 1, "after": 1, "kept": 0},
    ]
    assert plan["rows_removed"] == 5
    assert counts(db) == before
    table = run("db", "drop-batch", "2", "--db", db, "--dry-run")
    assert table.code == 0 and "would remove (dry run, nothing changed)" in table.stdout
    assert counts(db) == before


def test_drop_batch_asks_unless_yes(tmp_path: Path) -> None:
    db, _, _ = _two_batches(tmp_path)
    before = counts(db)
    refused = run("db", "drop-batch", "2", "--db", db)  # stdin is not a terminal
    assert_clean_error(refused, 2, contains="needs a confirmation, but stdin is not a terminal")
    assert "Hint: add --yes to drop it, or --dry-run" in refused.stderr
    assert counts(db) == before


def test_drop_batch_removes_what_the_batch_loaded(tmp_path: Path) -> None:
    db, _, messages = _two_batches(tmp_path)
    done = run("db", "drop-batch", "2", "--db", db, "--yes", "--format", "json")
    assert done.code == 0, done
    assert_no_traceback(done)
    report = json.loads(done.stdout)
    assert report["dry_run"] is False and report["rows_removed"] == 5
    assert "Dropped batch 2 (messages.csv): 5 rows removed" in done.stderr
    assert counts(db) == {
        "conversation": 2, "message": 0, "agent": 2, "import_batch": 1, "import_reject": 0,
    }  # fmt: skip
    assert rows(db, "SELECT batch_id, file_name, replaced_by FROM import_batch_dropped") == [
        (2, str(messages), None)
    ]
    _facts_agree(db)
    # the file is no longer in the warehouse: importing it again loads it, as batch 3
    back = run("import", messages, "--db", db, "--format", "json")
    assert back.code == 0, back
    assert (_summary(back)["batch_id"], _summary(back)["already_imported"]) == (3, False)
    assert counts(db)["message"] == 3
    _facts_agree(db)


def test_drop_batch_keeps_agents_other_batches_name(tmp_path: Path) -> None:
    """Agent a1 came with the conversations (batch 1) and is named by a message of batch 2:
    dropping batch 1 keeps a1 (now batch 2's), drops a2, and the stored facts follow."""
    db, _, _ = _two_batches(tmp_path)
    done = run("db", "drop-batch", "1", "--db", db, "--yes", "--format", "json")
    assert done.code == 0, done
    tables = {t["table"]: t for t in json.loads(done.stdout)["tables"]}
    assert tables["agent"] == {"table": "agent", "before": 3, "removed": 1, "after": 2, "kept": 1}
    assert tables["conversation"]["removed"] == 2
    assert rows(db, "SELECT agent_key, batch_id FROM agent ORDER BY 1") == [
        ("generic:a1", 2),
        ("generic:a3", 2),
    ]
    assert counts(db) == {
        "conversation": 0, "message": 3, "agent": 2, "import_batch": 1, "import_reject": 0,
    }  # fmt: skip
    _facts_agree(db)


def test_rows_a_later_batch_replaced_stay(tmp_path: Path) -> None:
    """c2 was loaded by batch 1 and again by batch 2: it is batch 2's, and stays when batch 1
    is dropped; c1, only in batch 1, goes."""
    db = tmp_path / "w.duckdb"
    first = _write(tmp_path / "first.csv", NAIVE)
    later = _write(
        tmp_path / "later.csv",
        "conversation_id,created_at,agent\nc2,2024-03-04 10:00:00,a2\nc3,2024-03-05 11:00:00,a2\n",
    )
    assert run("import", first, "--db", db).code == 0
    assert run("import", later, "--db", db).code == 0
    done = run("db", "drop-batch", "1", "--db", db, "--yes", "--format", "json")
    assert done.code == 0, done
    tables = {t["table"]: t for t in json.loads(done.stdout)["tables"]}
    assert tables["conversation"] == {
        "table": "conversation", "before": 3, "removed": 1, "after": 2, "kept": 0,
    }  # fmt: skip
    assert rows(db, "SELECT source_id, batch_id FROM conversation ORDER BY 1") == [
        ("c2", 2),
        ("c3", 2),
    ]
    # a2 is named by batch 2's conversations: kept; a1 only by batch 1's: gone
    assert rows(db, "SELECT agent_key, batch_id FROM agent ORDER BY 1") == [("generic:a2", 2)]
    _facts_agree(db)


def test_drop_batch_of_an_unknown_or_dropped_batch_is_a_clear_error(tmp_path: Path) -> None:
    db, _, _ = _two_batches(tmp_path)
    before = counts(db)
    unknown = run("db", "drop-batch", "7", "--db", db, "--yes")
    assert_clean_error(unknown, 2, contains="no import batch 7 in the warehouse")
    assert run("db", "drop-batch", "2", "--db", db, "--yes").code == 0
    again = run("db", "drop-batch", "2", "--db", db, "--yes")
    assert_clean_error(again, 2, contains="no import batch 2 (dropped earlier)")
    zero = run("db", "drop-batch", "0", "--db", db, "--yes")
    assert_clean_error(zero, 2, contains="batch id 0 is not a batch")
    assert counts(db) == {**before, "message": 0, "agent": 2, "import_batch": 1}
    missing = run("db", "drop-batch", "1", "--db", tmp_path / "nowhere.duckdb", "--yes")
    assert_clean_error(missing, 3, contains="does not exist")
    assert not (tmp_path / "nowhere.duckdb").exists()


def _at_a_terminal(db: Path, answer: bytes) -> tuple[int, str, str]:
    """``db drop-batch 2 --format json`` with stdin a terminal that answers ``answer``."""
    import os
    import pty
    import subprocess
    import sys

    from tests.bad_input._corpus import REPO

    main, terminal = pty.openpty()
    try:
        done = subprocess.Popen(
            [sys.executable, "-m", "supportstats", "db", "drop-batch", "2", "--db", str(db),
             "--format", "json"],
            stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        )  # fmt: skip
        os.close(terminal)
        os.write(main, answer)
        out, err = done.communicate(timeout=120)
    finally:
        os.close(main)
    return done.returncode, out.decode(), err.decode()


def test_drop_batch_at_a_terminal_shows_the_plan_and_asks(tmp_path: Path) -> None:
    db, _, _ = _two_batches(tmp_path)
    before = counts(db)
    code, out, err = _at_a_terminal(db, b"n\n")
    assert (code, out.strip()) == (1, ""), err
    assert "batch 2 (messages.csv): would remove" in err and "Drop batch 2 (messages.csv)?" in err
    assert "Nothing dropped." in err and "Traceback" not in err
    assert counts(db) == before
    code, out, err = _at_a_terminal(db, b"y\n")
    assert code == 0, err
    # stdout holds the result alone (the plan and the question went to stderr)
    assert json.loads(out)["rows_removed"] == 5
    assert counts(db)["message"] == 0
