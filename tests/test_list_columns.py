"""List columns (a conversation's tags) in every output: a JSON array in JSON, ``a|b`` in CSV
(as the import format reads them) and in tables; never a traceback or numpy's repr (issue 15,
item 1)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from supportstats.export import lists_joined, to_csv
from tests.bad_input._corpus import assert_no_traceback, run

TICKETS = Path(__file__).resolve().parent / "data" / "zendesk" / "tickets_page.json"


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of Zendesk tickets, one tagged billing and invoice, one with no tags."""
    db = tmp_path_factory.mktemp("lists") / "w.duckdb"
    done = run("import", TICKETS, "--db", db)
    assert done.code in (0, 1), done  # the page holds one ticket with a bad date
    return db


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["conversation_id"]: row for row in rows}


def test_json_has_arrays(tagged: Path) -> None:
    done = run("metrics", "--by", "conversation", "--format", "json", "--db", tagged)
    assert done.code == 0, done
    assert_no_traceback(done)
    rows = by_id(json.loads(done.stdout))
    assert rows["101"]["tags"] == ["billing", "invoice"]
    assert rows["102"]["tags"] == []


def test_csv_joins_with_a_bar(tagged: Path) -> None:
    done = run("metrics", "--by", "conversation", "--format", "csv", "--db", tagged)
    assert done.code == 0, done
    rows = by_id(list(csv.DictReader(io.StringIO(done.stdout))))
    assert rows["101"]["tags"] == "billing|invoice"
    assert rows["102"]["tags"] == ""
    assert "[" not in done.stdout  # no numpy repr such as ['billing' 'invoice']


def test_tables_show_a_bar(tagged: Path) -> None:
    done = run("metrics", "--by", "conversation", "--db", tagged)
    assert done.code == 0, done
    assert "billing|invoice" in done.stdout


def test_csv_of_a_generic_import_reads_back_the_same_tags(tmp_path: Path) -> None:
    source = tmp_path / "conversations.csv"
    source.write_text(
        "conversation_id,created_at,channel,tags\n"
        "c1,2026-01-05T09:00:00Z,email,vip|billing\n"
        "c2,2026-01-05T10:00:00Z,email,\n",
        encoding="utf-8",
    )
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run("import", source, "--db", first).code == 0
    before = run("metrics", "--by", "conversation", "--format", "json", "--db", first)
    out = run("metrics", "--by", "conversation", "--format", "csv", "--db", first)
    exported = tmp_path / "exported.csv"
    frame = pd.read_csv(io.StringIO(out.stdout), dtype=str, keep_default_na=False)
    frame[["conversation_id", "created_at", "channel", "tags"]].to_csv(exported, index=False)
    assert run("import", exported, "--db", second).code == 0
    again = run("metrics", "--by", "conversation", "--format", "json", "--db", second)
    tags = {r["conversation_id"]: r["tags"] for r in json.loads(again.stdout)}
    assert tags == {r["conversation_id"]: r["tags"] for r in json.loads(before.stdout)}
    assert tags["c1"] == ["vip", "billing"]


def test_lists_joined_leaves_other_columns() -> None:
    frame = pd.DataFrame(
        {"tags": [np.array(["a", "b"]), None, np.array([], dtype=object)], "n": [1, 2, 3]}
    )
    joined = lists_joined(frame)
    assert joined["tags"].iloc[0] == "a|b" and joined["tags"].iloc[2] == ""
    assert pd.isna(joined["tags"].iloc[1])
    assert joined["n"].tolist() == [1, 2, 3]
    assert frame["tags"].iloc[0].tolist() == ["a", "b"]  # the frame given is not changed
    assert to_csv(frame).splitlines() == ["tags,n", "a|b,1", ",2", ",3"]
    plain = pd.DataFrame({"x": ["a", "b"]})
    assert lists_joined(plain) is plain
