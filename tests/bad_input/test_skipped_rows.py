"""Rows left out by a documented rule of their source are skipped, not rejected (issue 14,
item 3), through the real CLI in a fresh process.

A clean real file exits 0 (the bank log's PHANTOM calls, a Freshdesk connector's survey
record); rows_read = rows_loaded + rows_rejected + rows_skipped in the summary, the JSON and
import_batch; `db rejects --skipped` lists the skipped rows with their rule; a file with a
real defect still exits 1, and its Error: line names the defect, never a skipped row.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from tests.bad_input._corpus import REPO, assert_clean_error, assert_no_traceback, counts, rows, run

SHARED = REPO.parent / "shared"
BANK = SHARED / "datasets" / "anonymous_bank_callcenter_1999" / "data_anonymous_bank_february.txt"
BANK_TINY = REPO / "tests" / "data" / "bank_calls" / "calls_tiny.txt"
FRESHDESK = (
    SHARED
    / "vendor_samples"
    / "freshdesk"
    / "airbyte-source-freshdesk__expected_records_ticket22_conversations_csat.jsonl"
)
ZENDESK_RATINGS = REPO / "tests" / "data" / "zendesk" / "satisfaction_ratings.json"
SUMMARY = ("rows_read", "rows_loaded", "rows_rejected", "rows_skipped")


def _summary(outcome) -> dict:
    assert_no_traceback(outcome)
    (summary,) = json.loads(outcome.stdout)
    assert summary["rows_read"] == (
        summary["rows_loaded"] + summary["rows_rejected"] + summary["rows_skipped"]
    )
    return summary


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")


def test_the_real_bank_log_imports_clean_with_its_phantom_calls_skipped(tmp_path: Path) -> None:
    _needs(BANK)
    with BANK.open(newline="") as handle:
        outcomes = [row["outcome"] for row in csv.DictReader(handle, delimiter="\t")]
    phantom = outcomes.count("PHANTOM")
    assert (len(outcomes), phantom) == (33_344, 278)  # the data set's README counts
    db = tmp_path / "w.duckdb"
    # --strict refuses a file with any rejected row: skipped rows are none
    done = run("import", BANK, "--db", db, "--strict", "--format", "json")
    assert done.code == 0, done
    summary = _summary(done)
    assert tuple(summary[k] for k in SUMMARY) == (33_344, 33_344 - phantom, 0, phantom)
    assert "Error:" not in done.stderr
    assert "33,066 of 33,344 conversation rows loaded, 0 rejected, 278 skipped by rule" in (
        done.stderr
    )
    assert "see them with: supportstats db rejects --skipped --batch 1" in done.stderr
    assert rows(
        db, "SELECT rows_read, rows_loaded, rows_rejected, rows_skipped FROM import_batch"
    ) == [(33_344, 33_066, 0, 278)]
    assert rows(db, "SELECT skipped, count(*) FROM import_reject GROUP BY 1") == [(True, 278)]
    assert counts(db)["conversation"] == 33_066

    listed = run("db", "rejects", "--skipped", "--batch", "1", "--limit", "0", "--db", db,
                 "--format", "json")  # fmt: skip
    assert listed.code == 0, listed
    skipped = json.loads(listed.stdout)
    assert len(skipped) == phantom
    assert {r["rule"] for r in skipped} == {
        "PHANTOM call skipped: the data set's README says PHANTOM calls are virtual calls of "
        "the bank's system, to be ignored (no customer called)"
    }
    assert {json.loads(r["raw"])["outcome"] for r in skipped} == {"PHANTOM"}
    assert {r["column"] for r in skipped} == {"outcome"}

    rejected = run("db", "rejects", "--db", db, "--format", "json")
    assert rejected.code == 0 and json.loads(rejected.stdout) == [], rejected
    assert "No rejected rows." in rejected.stderr
    info = json.loads(run("db", "info", "--db", db, "--format", "json").stdout)
    assert (info["rows_rejected"], info["rows_skipped"]) == (0, 278)
    assert info["batches"][0]["rows_skipped"] == 278


def test_a_real_defect_still_exits_1_and_is_named_not_the_skipped_row(tmp_path: Path) -> None:
    # calls_tiny.txt: line 6 is a PHANTOM call (skipped), line 9 has the date '99021x'
    db = tmp_path / "w.duckdb"
    done = run("import", BANK_TINY, "--db", db, "--format", "json")
    assert_clean_error(done, 1, contains="line 9, column date")
    assert "PHANTOM" not in done.stderr.split("Error:")[1]
    summary = _summary(done)
    assert tuple(summary[k] for k in SUMMARY) == (8, 6, 1, 1)
    assert rows(db, "SELECT line_number, skipped FROM import_reject ORDER BY 1") == [
        (6, True),
        (9, False),
    ]
    rejected = json.loads(run("db", "rejects", "--db", db, "--format", "json").stdout)
    assert [(r["line"], r["column"]) for r in rejected] == [(9, "date")]
    skipped = json.loads(run("db", "rejects", "--skipped", "--db", db, "--format", "json").stdout)
    assert [(r["line"], r["column"]) for r in skipped] == [(6, "outcome")]
    # --strict refuses it for the defect, and keeps nothing
    strict_db = tmp_path / "strict.duckdb"
    refused = run("import", BANK_TINY, "--db", strict_db, "--strict")
    assert_clean_error(refused, 2, contains="1 of 8 rows would be rejected")
    assert counts(strict_db)["import_batch"] == 0


def test_a_freshdesk_connector_file_skips_its_survey_and_other_streams(tmp_path: Path) -> None:
    _needs(FRESHDESK)
    db = tmp_path / "w.duckdb"
    done = run("import", FRESHDESK, "--db", db, "--format", "json")
    assert done.code == 0, done
    summary = _summary(done)
    # 1 agent, 1 ticket, 2 conversations, 1 rating loaded; 1 survey skipped
    assert tuple(summary[k] for k in SUMMARY) == (6, 5, 0, 1)
    listed = json.loads(run("db", "rejects", "--skipped", "--db", db, "-f", "json").stdout)
    assert [(r["entity"], r["column"]) for r in listed] == [("survey", "stream")]
    assert listed[0]["rule"].startswith("Freshdesk survey skipped: a survey only defines the ")

    # the same connector file with a stream this importer does not read: skipped too
    more = tmp_path / "with_companies.jsonl"
    company = {"stream": "companies", "data": {"id": 7, "name": "Acme", "domains": []}}
    more.write_text(FRESHDESK.read_text() + json.dumps(company) + "\n")
    done = run("import", more, "--db", tmp_path / "more.duckdb", "--format", "json")
    assert done.code == 0, done
    assert tuple(_summary(done)[k] for k in SUMMARY) == (7, 5, 0, 2)
    listed = json.loads(
        run("db", "rejects", "--skipped", "--db", tmp_path / "more.duckdb", "-f", "json").stdout
    )
    assert [r["rule"][:31] for r in listed] == [
        "Freshdesk survey skipped: a sur",
        "record of stream 'companies' sk",
    ]

    # a record of no known shape (no stream, no Freshdesk keys) is a defect: rejected, exit 1
    broken = tmp_path / "with_unknown.jsonl"
    broken.write_text(FRESHDESK.read_text() + '{"what": "is this"}\n')
    done = run("import", broken, "--db", tmp_path / "broken.duckdb", "--format", "json")
    assert_clean_error(done, 1, contains="record of unknown shape is not imported")
    assert tuple(_summary(done)[k] for k in SUMMARY) == (7, 5, 1, 1)


def test_zendesk_unoffered_ratings_are_skipped(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    done = run("import", ZENDESK_RATINGS, "--db", db, "--format", "json")
    assert done.code == 0, done
    # 9001 good, 9002 offered (no answer yet) loaded; 9003 unoffered: no survey was sent
    assert tuple(_summary(done)[k] for k in SUMMARY) == (3, 2, 0, 1)
    listed = json.loads(run("db", "rejects", "--skipped", "--db", db, "-f", "json").stdout)
    assert [(r["entity"], r["rule"][:24]) for r in listed] == [
        ("rating", "score unoffered skipped:")
    ]


def test_an_older_warehouse_turns_its_rule_rejects_into_skipped_rows(tmp_path: Path) -> None:
    """A version-5 warehouse kept PHANTOM calls and connector streams as rejects: opening it
    for writing (schema 6) marks them skipped and moves their counts."""
    from supportstats.db import migrations
    from supportstats.sql import load_sql

    path = tmp_path / "v5.duckdb"
    old = duckdb.connect(str(path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version, name in migrations()[:5]:
        old.execute(load_sql(name))
        old.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    old.execute(
        "INSERT INTO import_batch VALUES "
        "(1, 'bank_calls', 'csv', 'conversation', 'bank.txt', 'aa', 10, 5, 2, 3, "
        "'Asia/Jerusalem', '{}', now()), "
        "(2, 'freshdesk', 'jsonl', 'conversation', 'fd.jsonl', 'bb', 10, 3, 2, 1, 'UTC', "
        "'{}', now())"
    )
    old.execute(
        "INSERT INTO import_reject VALUES "
        "(1, 'conversation', 1, 2, 'outcome', '{}', 'PHANTOM call: a virtual call, not a "
        "customer contact (the data set says to ignore it)'), "
        "(1, 'conversation', 2, 3, 'outcome', '{}', 'PHANTOM call: a virtual call, not a "
        "customer contact (the data set says to ignore it)'), "
        "(1, 'conversation', 3, 4, 'date', '{}', 'date ''x'' is not a yymmdd date'), "
        "(2, 'other', 3, 3, 'stream', '{}', 'record of stream ''surveys'' is not imported "
        "(this importer reads tickets); kept here unchanged')"
    )
    old.close()
    migrated = run("db", "rebuild-facts", "--db", path)
    assert migrated.code == 0, migrated
    info = json.loads(run("db", "info", "--db", path, "--format", "json").stdout)
    assert [
        (b["batch_id"], b["rows_read"], b["rows_loaded"], b["rows_rejected"], b["rows_skipped"])
        for b in info["batches"]
    ] == [(1, 5, 2, 1, 2), (2, 3, 2, 0, 1)]
    skipped = json.loads(run("db", "rejects", "--skipped", "--db", path, "-f", "json").stdout)
    assert [(r["batch_id"], r["row"]) for r in skipped] == [(1, 1), (1, 2), (2, 3)]
    rejected = json.loads(run("db", "rejects", "--db", path, "-f", "json").stdout)
    assert [(r["batch_id"], r["column"]) for r in rejected] == [(1, "date")]
