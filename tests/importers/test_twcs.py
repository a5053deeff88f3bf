"""The TWCS importer: a hand-made tweets file, then the real first 5,000 tweets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _importer_helpers import DATASETS, REPO, import_twice, rows, utc

from supportstats.importers import choose_importer, probe

TINY = REPO / "tests" / "data" / "twcs" / "twcs_tiny.csv"
REAL = DATASETS / "twitter_customer_support_twcs" / "twcs_first5000.csv"


@pytest.fixture
def tiny_db(cli, db_path: Path) -> Path:
    result = cli("import", TINY, "--db", db_path)
    assert result.exit_code == 1, result.output  # one bad tweet id
    return db_path


def test_detected_as_twcs() -> None:
    assert choose_importer(probe(TINY)).SOURCE == "twcs"


def test_tiny_messages(tiny_db: Path) -> None:
    assert rows(
        tiny_db,
        "SELECT source_id, conversation_key, created_at, author_role, author_agent_key, "
        "author_contact_key FROM message ORDER BY created_at",
    ) == [
        ("10", "twcs:10", utc(2017, 10, 31, 22, 10), "customer", None, "twcs:900"),
        ("11", "twcs:10", utc(2017, 10, 31, 22, 20), "agent", "twcs:AcmeHelp", None),
        ("12", "twcs:10", utc(2017, 10, 31, 22, 30), "customer", None, "twcs:900"),
        ("13", "twcs:10", utc(2017, 10, 31, 22, 31), "agent", "twcs:AcmeHelp", None),
        ("20", "twcs:20", utc(2017, 11, 1, 8), "customer", None, "twcs:901"),
        ("21", "twcs:20", utc(2017, 11, 1, 9), "agent", "twcs:ZetaCare", None),
        ("30", "twcs:30", utc(2017, 11, 1, 10), "agent", "twcs:ZetaCare", None),
    ]
    # the bare carriage return inside tweet 20 is read as a space; the row stays whole
    assert rows(tiny_db, "SELECT body FROM message WHERE source_id = '20'") == [
        ("@ZetaCare app crashes  again",)
    ]
    assert rows(tiny_db, "SELECT column_name, reason FROM import_reject") == [
        ("tweet_id", "tweet_id 'x1' is not a tweet id (digits)")
    ]


def test_tiny_threads_and_first_response(cli, tiny_db: Path) -> None:
    assert rows(
        tiny_db,
        "SELECT source_id, kind, channel, queue_key, contact_key, created_at, initiated_by "
        "FROM conversation ORDER BY 1",
    ) == [
        ("10", "thread", "social", "twcs:AcmeHelp", "twcs:900", utc(2017, 10, 31, 22, 10),
         "customer"),
        ("20", "thread", "social", "twcs:ZetaCare", "twcs:901", utc(2017, 11, 1, 8), "customer"),
        # its parent (29) is not in the file: a company-started thread
        ("30", "thread", "social", "twcs:ZetaCare", None, utc(2017, 11, 1, 10), "agent"),
    ]  # fmt: skip
    result = cli(
        "metrics", "--db", tiny_db, "-m", "first_response", "--by", "queue",
        "--from", "2017-10-01", "--to", "2017-11-30", "-f", "json",
    )  # fmt: skip
    got = json.loads(result.stdout[result.stdout.index("[") :])
    frt = {r["queue"]: r["first_response_median_s"] for r in got}
    assert frt == {"AcmeHelp": 600.0, "ZetaCare": 3600.0}
    assert rows(tiny_db, "SELECT agent_key FROM agent ORDER BY 1") == [
        ("twcs:AcmeHelp",),
        ("twcs:ZetaCare",),
    ]


def test_other_file_forced_is_refused(cli, db_path: Path) -> None:
    other = REPO / "tests" / "data" / "bank_calls_5min" / "calls_5min_tiny.csv"
    result = cli("import", other, "--db", db_path, "--source", "twcs")
    assert result.exit_code == 2
    assert "not a TWCS tweets file (missing columns tweet_id" in result.stderr


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    db = import_twice(tmp_path_factory, REAL, "twcs")
    # the README's reader: a bare CR in one text breaks pandas' default line handling
    frame = pd.read_csv(REAL, index_col=0, lineterminator="\n", dtype={"tweet_id": str})
    return db, frame


def test_real_counts(real) -> None:
    db, frame = real
    assert rows(db, "SELECT rows_read, rows_loaded, rows_rejected FROM import_batch") == [
        (5_000, 5_000, 0)
    ]
    inbound = frame.inbound.astype(str) == "True"
    assert rows(
        db,
        "SELECT count(*) FILTER (WHERE author_role = 'customer'), "
        "count(*) FILTER (WHERE author_role = 'agent') FROM message",
    ) == [(inbound.sum(), (~inbound).sum())]
    assert (inbound.sum(), (~inbound).sum()) == (2_778, 2_222)
    assert rows(db, "SELECT count(*) FROM agent") == [(frame[~inbound].author_id.nunique(),)]


def test_real_first_company_reply_per_thread(real, cli) -> None:
    db, frame = real
    frame = frame.assign(
        tid=frame.tweet_id.astype(str),
        parent=frame.in_response_to_tweet_id.dropna().astype("int64").astype(str),
        sent=pd.to_datetime(frame.created_at, format="%a %b %d %H:%M:%S %z %Y"),
    )
    known = set(frame.tid)
    parent = {t: p for t, p in zip(frame.tid, frame.parent, strict=True) if p in known}

    def root(t: str) -> str:
        while t in parent:
            t = parent[t]
        return t

    frame["root"] = frame.tid.map(root)
    assert rows(db, "SELECT count(*) FROM conversation") == [(frame.root.nunique(),)]
    # customer threads: the root is a customer tweet; first company reply anywhere after it
    inbound = frame.inbound.astype(str) == "True"
    roots = frame[inbound & (frame.tid == frame.root)].set_index("tid")
    replies = frame[~inbound].groupby("root").sent.min()
    waits = (replies.reindex(roots.index) - roots.sent).dt.total_seconds().dropna()
    ours = dict(
        rows(
            db,
            "SELECT c.source_id, epoch(min(m.created_at)) - epoch(c.created_at) FROM "
            "conversation c JOIN message m USING (conversation_key) WHERE "
            "c.initiated_by = 'customer' AND m.author_role = 'agent' "
            "GROUP BY c.source_id, c.created_at",
        )
    )
    assert ours == waits.to_dict()
    result = cli(
        "metrics", "--db", db, "-m", "first_response", "--from", "2010-01-01",
        "--to", "2018-12-31", "-f", "json",
    )  # fmt: skip
    got = json.loads(result.stdout[result.stdout.index("{") :])
    # the metric also counts company-started threads (from the second company reply),
    # so its median is close to, not equal to, the customer-thread median
    assert got["first_response_median_s"] == pytest.approx(waits.median(), rel=0.15)
