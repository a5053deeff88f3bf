"""Impossible durations through the real CLI (issue 15, item 7): a resolve 121 days before
creation and one in year 9999 are rejected with their reason (exit 1, one Error: and one
Hint: line), never averaged in; ``--keep-implausible`` loads them (exit 0), and the metrics
still leave the backwards span out: ``resolution_mean_s`` is never negative."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bad_input._corpus import assert_clean_error, assert_no_traceback, counts, run

FILE = """\
conversation_id,created_at,resolved_at,channel
ok,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,chat
back,2024-03-01T10:00:00Z,2023-11-01T10:00:00Z,chat
never,2024-03-01T10:00:00Z,9999-12-31T00:00:00Z,chat
"""


def _resolution(db: Path) -> dict:
    done = run("metrics", "--db", db, "-m", "resolution", "--format", "json")
    assert done.code == 0, done
    assert_no_traceback(done)
    return json.loads(done.stdout)


def test_impossible_resolutions_are_rejected_and_never_averaged(tmp_path: Path) -> None:
    path = tmp_path / "conversations.csv"
    path.write_text(FILE, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    done = run("import", path, "--db", db)
    assert_clean_error(done, 1, contains="2 row(s) rejected, first at")
    assert "line 3, column resolved_at: resolved_at 2023-11-01 10:00:00 UTC is before " in (
        " ".join(done.stderr.split())
    )
    assert "--keep-implausible" in done.stderr
    assert counts(db)["conversation"] == 1 and counts(db)["import_reject"] == 2
    got = _resolution(db)
    assert got["resolution_mean_s"] == 3600 and got["resolution_count"] == 1


def test_keep_implausible_loads_them_and_the_mean_stays_positive(tmp_path: Path) -> None:
    path = tmp_path / "conversations.csv"
    path.write_text(FILE, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    done = run("import", path, "--db", db, "--keep-implausible")
    assert done.code == 0, done
    assert_no_traceback(done)
    assert counts(db)["conversation"] == 3 and counts(db)["import_reject"] == 0
    got = _resolution(db)
    # the backwards span is left out; the year-9999 one was kept on purpose
    assert got["resolution_count"] == 2 and got["resolution_mean_s"] > 0


def test_help_names_the_option() -> None:
    done = run("import", "--help")
    assert done.code == 0 and "--keep-implausible" in done.stdout
