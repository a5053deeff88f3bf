"""Metrics on a real data set against pandas on the raw file (skipped when it is absent).

The Anonymous Bank call log (February 1999, ../shared/datasets): per queue, contacts,
answered and abandoned calls and the mean wait; per agent, answered calls and handled calls,
through ``metrics_table`` and the agent report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from supportstats.db import connect
from supportstats.importers import import_file
from supportstats.metrics import metrics_table, query
from supportstats.reports import agent_report

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
BANK = DATASETS / "anonymous_bank_callcenter_1999" / "data_anonymous_bank_february.txt"


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    if not BANK.exists():
        pytest.skip(f"real data set not found at {BANK}")
    db = tmp_path_factory.mktemp("bank_metrics") / "warehouse.duckdb"
    conn = connect(db)
    try:
        import_file(conn, BANK)
    finally:
        conn.close()
    frame = pd.read_csv(BANK, sep="\t", dtype=str)
    return db, frame[frame.outcome != "PHANTOM"]  # PHANTOM rows are rejected at import


def test_bank_calls_per_queue(bank) -> None:
    db, calls = bank
    served = calls[calls.outcome == "AGENT"]
    # abandoned in queue: hung up after joining it (q_start set, or q_exit set at midnight)
    queued = (calls.q_start != "0:00:00") | (calls.q_exit != "0:00:00")
    expected = pd.DataFrame(
        {
            "contacts": calls.groupby("type").size(),
            "answered": served.groupby("type").size(),
            "abandoned": calls[(calls.outcome == "HANG") & queued].groupby("type").size(),
            "wait_mean_s": served.q_time.astype(float).groupby(served.type).mean(),
        }
    )
    expected[["answered", "abandoned"]] = expected[["answered", "abandoned"]].fillna(0)
    conn = connect(db, read_only=True)
    try:
        got = metrics_table(query(conn, by=["queue"]), families=["volume", "missed", "wait"])
    finally:
        conn.close()
    got.index = got.queue_key.str.removeprefix("bank_calls:")
    got = got.loc[expected.index]
    assert got.contacts.tolist() == expected.contacts.tolist()
    assert got.answered.tolist() == expected.answered.astype(int).tolist()
    assert got.abandoned.tolist() == expected.abandoned.astype(int).tolist()
    assert got.wait_mean_s.to_numpy() == pytest.approx(expected.wait_mean_s.to_numpy(), abs=1e-9)
    assert got.contacts.sum() == len(calls)


def test_bank_calls_per_agent_in_the_agent_report(bank) -> None:
    db, calls = bank
    served = calls[calls.outcome == "AGENT"].server.value_counts().sort_index()
    conn = connect(db, read_only=True)
    try:
        report = agent_report(conn)
        table = metrics_table(query(conn, by=["agent"]), families=["missed", "handle_time"])
    finally:
        conn.close()
    # every call is in exactly one row (unassigned calls in the row without an agent)
    assert report.conversations.sum() == len(calls)
    # answered calls go to the agent who took them; each took call is one handled call
    named = table[table.agent_key.notna()].set_index("agent")
    assert named.answered.sort_index().to_dict() == served.to_dict()
    assert named.handle_time_count.sort_index().to_dict() == served.to_dict()
    rows = report[report.agent_key.notna()].set_index("agent")
    assert rows.answered.sort_index().to_dict() == served.to_dict()
