"""The Anonymous Bank call-log importer: a hand-made log, then the real February 1999 file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _importer_helpers import DATASETS, REPO, import_twice, rows, utc

from supportstats.importers import choose_importer, probe

TINY = REPO / "tests" / "data" / "bank_calls" / "calls_tiny.txt"
REAL = DATASETS / "anonymous_bank_callcenter_1999" / "data_anonymous_bank_february.txt"


def metrics(cli, db: Path) -> dict:
    result = cli(
        "metrics", "--db", db, "-m", "volume", "-m", "missed", "-m", "wait",
        "--from", "1999-01-01", "--to", "1999-12-31", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{") :])


# ---------------------------------------------------------------- the hand-made log
@pytest.fixture
def tiny_db(cli, db_path: Path) -> Path:
    result = cli("import", TINY, "--db", db_path)
    # A bad date is rejected (exit code 1, as documented); the PHANTOM call is skipped.
    assert result.exit_code == 1, result.output
    return db_path


def test_tiny_log_is_detected_as_bank_calls() -> None:
    assert choose_importer(probe(TINY)).SOURCE == "bank_calls"


def test_tiny_calls_in_utc_from_israel_time(tiny_db: Path) -> None:
    # Israel was UTC+2 in February 1999; the call of 28 Feb ends after local midnight.
    assert rows(
        tiny_db,
        "SELECT source_id, kind, channel, queue_key, contact_key, assignee_agent_key, "
        "created_at, status_current, priority, source_timezone, src_requester_wait_s, "
        "src_duration_s FROM conversation_with_source ORDER BY source_id",
    ) == [
        ("AA0101-100", "call", "voice", "bank_calls:PS", None, "bank_calls:DORIT",
         utc(1999, 2, 1, 5, 2, 47), "closed", "normal", "Asia/Jerusalem", 0.0, 166.0),
        ("AA0102-100", "call", "voice", "bank_calls:NW", "bank_calls:23317894",
         "bank_calls:TOVA", utc(1999, 2, 1, 6, 9, 16), "closed", "high", "Asia/Jerusalem",
         65.0, 94.0),
        ("AA0103-7", "call", "voice", "bank_calls:PS", "bank_calls:23317894", None,
         utc(1999, 2, 1, 6, 20), "missed", "high", "Asia/Jerusalem", 100.0, None),
        ("AA0104-8", "call", "voice", "bank_calls:PS", None, None,
         utc(1999, 2, 1, 7, 0), "closed", "normal", "Asia/Jerusalem", None, None),
        ("AA0106-10", "call", "voice", "bank_calls:PS", "bank_calls:555", "bank_calls:TOVA",
         utc(1999, 2, 28, 21, 58), "closed", "normal", "Asia/Jerusalem", 90.0, 300.0),
        ("AA0107-11", "call", "voice", "bank_calls:PS", None, "bank_calls:AVNI",
         utc(1999, 2, 15, 21, 59, 54), "closed", "normal", "Asia/Jerusalem", 27.0, 67.0),
    ]  # fmt: skip


def test_tiny_call_timelines(tiny_db: Path) -> None:
    events = rows(
        tiny_db,
        "SELECT source_id, event_type, occurred_at, from_value, to_value FROM "
        "conversation_event WHERE source_id LIKE 'AA0101-100:%' OR source_id LIKE 'AA0103-7:%' "
        "OR source_id LIKE 'AA0104-8:%' OR source_id LIKE 'AA0107-11:%' "
        "ORDER BY source_id, occurred_at, event_type",
    )
    assert events == [
        # served straight from the VRU: zero-length queue stay at the VRU exit
        ("AA0101-100:close", "close", utc(1999, 2, 1, 5, 5, 41), None, "served"),
        ("AA0101-100:created", "created", utc(1999, 2, 1, 5, 2, 47), None, "vru"),
        ("AA0101-100:queue_enter", "queue_enter", utc(1999, 2, 1, 5, 2, 56), None, "PS"),
        ("AA0101-100:queue_exit", "queue_exit", utc(1999, 2, 1, 5, 2, 56), "PS", "agent"),
        ("AA0101-100:vru_exit", "bot_handoff", utc(1999, 2, 1, 5, 2, 56), "vru", "agent"),
        # hung up after 100 s in queue
        ("AA0103-7:abandon", "abandon", utc(1999, 2, 1, 6, 21, 46), "PS", None),
        ("AA0103-7:close", "close", utc(1999, 2, 1, 6, 21, 46), None, "hung_up_in_queue"),
        ("AA0103-7:created", "created", utc(1999, 2, 1, 6, 20), None, "vru"),
        ("AA0103-7:queue_enter", "queue_enter", utc(1999, 2, 1, 6, 20, 6), None, "PS"),
        ("AA0103-7:queue_exit", "queue_exit", utc(1999, 2, 1, 6, 21, 46), "PS", "abandon"),
        ("AA0103-7:vru_exit", "bot_handoff", utc(1999, 2, 1, 6, 20, 6), "vru", "queue"),
        # hung up in the VRU: never queued, never abandoned
        ("AA0104-8:close", "close", utc(1999, 2, 1, 7, 0, 30), None, "hung_up_in_vru"),
        ("AA0104-8:created", "created", utc(1999, 2, 1, 7, 0), None, "vru"),
        # q_start 0:00:00 with a q_exit is a real midnight, on the next day
        ("AA0107-11:close", "close", utc(1999, 2, 15, 22, 1, 33), None, "served"),
        ("AA0107-11:created", "created", utc(1999, 2, 15, 21, 59, 54), None, "vru"),
        ("AA0107-11:queue_enter", "queue_enter", utc(1999, 2, 15, 22, 0, 0), None, "PS"),
        ("AA0107-11:queue_exit", "queue_exit", utc(1999, 2, 15, 22, 0, 27), "PS", "agent"),
        ("AA0107-11:vru_exit", "bot_handoff", utc(1999, 2, 15, 21, 59, 54), "vru", "queue"),
    ]
    # 6 calls: created 6, close 6; 5 went on past the VRU (bot_handoff, queue enter/exit)
    assert rows(
        tiny_db,
        "SELECT event_type, count(*) FROM conversation_event GROUP BY 1 ORDER BY 1",
    ) == [
        ("abandon", 1),
        ("bot_handoff", 5),
        ("close", 6),
        ("created", 6),
        ("queue_enter", 5),
        ("queue_exit", 5),
    ]


def test_tiny_engagements_agents_and_rejects(tiny_db: Path) -> None:
    assert rows(
        tiny_db,
        "SELECT source_id, agent_key, started_at, accepted_at, ended_at FROM engagement "
        "ORDER BY source_id",
    ) == [
        # accepted at the switch's queue/VRU exit; service runs ser_start..ser_exit
        ("AA0101-100:service", "bank_calls:DORIT", utc(1999, 2, 1, 5, 2, 55),
         utc(1999, 2, 1, 5, 2, 56), utc(1999, 2, 1, 5, 5, 41)),
        ("AA0102-100:service", "bank_calls:TOVA", utc(1999, 2, 1, 6, 10, 26),
         utc(1999, 2, 1, 6, 10, 27), utc(1999, 2, 1, 6, 12)),
        # service past midnight: ends at 0:04:39 local on 1 March
        ("AA0106-10:service", "bank_calls:TOVA", utc(1999, 2, 28, 21, 59, 39),
         utc(1999, 2, 28, 21, 59, 40), utc(1999, 2, 28, 22, 4, 39)),
        ("AA0107-11:service", "bank_calls:AVNI", utc(1999, 2, 15, 22, 0, 26),
         utc(1999, 2, 15, 22, 0, 27), utc(1999, 2, 15, 22, 1, 33)),
    ]  # fmt: skip
    assert rows(tiny_db, "SELECT agent_key, name FROM agent ORDER BY 1") == [
        ("bank_calls:AVNI", "AVNI"),
        ("bank_calls:DORIT", "DORIT"),
        ("bank_calls:TOVA", "TOVA"),
    ]
    assert rows(tiny_db, "SELECT queue_key, channel FROM queue ORDER BY 1") == [
        ("bank_calls:NW", "voice"),
        ("bank_calls:PS", "voice"),
    ]
    assert rows(tiny_db, "SELECT count(*) FROM contact") == [(2,)]
    assert rows(
        tiny_db,
        "SELECT line_number, column_name, left(reason, 20), skipped FROM import_reject ORDER BY 1",
    ) == [
        (6, "outcome", "PHANTOM call skipped", True),
        (9, "date", "date '99021x' is not", False),
    ]
    assert rows(
        tiny_db, "SELECT rows_read, rows_loaded, rows_rejected, rows_skipped FROM import_batch"
    ) == [(8, 6, 1, 1)]


def test_tiny_metrics_read_the_calls(cli, tiny_db: Path) -> None:
    got = metrics(cli, tiny_db)
    assert (got["contacts"], got["answered"], got["abandoned"]) == (6, 4, 1)
    # waits are the file's q_time of the served calls: (0 + 65 + 90 + 27) / 4
    assert got["wait_mean_s"] == pytest.approx(45.5)


def test_timezone_option_overrides_israel(cli, db_path: Path) -> None:
    cli("import", TINY, "--db", db_path, "--timezone", "Europe/London")
    assert rows(
        db_path,
        "SELECT created_at, source_timezone FROM conversation WHERE source_id = 'AA0101-100'",
    ) == [(utc(1999, 2, 1, 7, 2, 47), "Europe/London")]


def test_other_file_forced_as_bank_calls_is_refused(cli, db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "tickets.csv"
    other.write_text("conversation_id,created_at\nc1,2024-03-01T10:00:00Z\n")
    result = cli("import", other, "--db", db_path, "--source", "bank_calls")
    assert result.exit_code == 2
    assert "not an Anonymous Bank call log (missing columns vru+line" in result.stderr


# ---------------------------------------------------------------- the real file
@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    db = import_twice(tmp_path_factory, REAL, "bank")
    frame = pd.read_csv(REAL, sep="\t", dtype=str)
    return db, frame


def test_real_counts(real) -> None:
    db, frame = real
    calls = frame[frame.outcome != "PHANTOM"]
    # PHANTOM calls are skipped by the data set's rule, not rejected: nothing is rejected
    assert rows(
        db, "SELECT rows_read, rows_loaded, rows_rejected, rows_skipped FROM import_batch"
    ) == [(len(frame), len(calls), 0, (frame.outcome == "PHANTOM").sum())]
    assert (frame.outcome == "PHANTOM").sum() == 278
    # re-import was a no-op: still one batch, one row per call
    assert rows(db, "SELECT count(*), count(DISTINCT conversation_key) FROM conversation") == [
        (len(calls), len(calls))
    ]


def test_real_answered_abandoned_and_agents(real, cli) -> None:
    db, frame = real
    served = frame[frame.outcome == "AGENT"]
    # abandoned in queue: hung up after joining it (q_start set, or q_exit set at midnight)
    queued = (frame.q_start != "0:00:00") | (frame.q_exit != "0:00:00")
    abandoned = frame[(frame.outcome == "HANG") & queued]
    got = metrics(cli, db)
    assert (got["answered"], got["abandoned"]) == (len(served), len(abandoned))
    assert (got["answered"], got["abandoned"]) == (27_162, 3_963)
    per_agent = served.server.value_counts().sort_index()
    assert rows(
        db,
        "SELECT substr(agent_key, 12), count(*) FROM engagement GROUP BY 1 ORDER BY 1",
    ) == list(per_agent.items())


def test_real_wait_and_service_time(real, cli) -> None:
    db, frame = real
    served = frame[frame.outcome == "AGENT"]
    # the metrics' wait is the file's q_time for every answered call
    got = metrics(cli, db)
    assert got["wait_mean_s"] == pytest.approx(served.q_time.astype(float).mean(), abs=1e-9)
    assert got["wait_max_s"] == served.q_time.astype(float).max()

    def seconds(text: pd.Series) -> pd.Series:
        parts = text.str.split(":", expand=True).astype(int)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]

    # service time from the wall-clock times (modulo midnight) equals ser_time ...
    clock = (seconds(served.ser_exit) - seconds(served.ser_start)) % 86_400
    assert (clock == served.ser_time.astype(int)).all()
    # ... and each engagement lasts it, except where the agents' clock ends the service
    # before the switch's queue exit (the engagement then ends at the queue exit)
    left = seconds(served.q_exit.where(served.q_start != "0:00:00", served.vru_exit))
    late = ((left - seconds(served.ser_exit) + 43_200) % 86_400 - 43_200 > 0) & (
        served.ser_start != "0:00:00"  # no service times: a zero-length stretch, as ser_time
    )
    ours = dict(rows(db, "SELECT source_id, epoch(ended_at) - epoch(started_at) FROM engagement"))
    ids = served["vru+line"] + "-" + served.call_id + ":service"
    diff = pd.Series([ours[i] for i in ids], index=served.index) - served.ser_time.astype(float)
    assert (diff[~late] == 0).all()
    assert (diff[late] > 0).all() and late.sum() < 50


def test_calls_around_a_clock_change(cli, db_path: Path, tmp_path: Path) -> None:
    # London went to summer time at 01:00 UTC on 28 Mar 1999. A day whose next day holds
    # no clock change is read with the day's offset; days at a change by the zone's rules:
    # the call of the 27th ends at 02:30 BST on the 28th, 01:30 UTC.
    log = tmp_path / "calls.txt"
    header = TINY.read_text().splitlines()[0]
    log.write_text(
        header + "\n"
        "AA0101\t1\t0\t0\tPS\t990326\t10:00:00\t10:00:10\t10\t0:00:00\t0:00:00\t0\tAGENT\t"
        "10:00:10\t10:05:00\t290\tDORIT\n"
        "AA0101\t2\t0\t0\tPS\t990327\t23:50:00\t23:50:10\t10\t0:00:00\t0:00:00\t0\tAGENT\t"
        "23:50:10\t2:30:00\t2390\tDORIT\n"
        "AA0101\t3\t0\t0\tPS\t990329\t10:00:00\t10:00:10\t10\t0:00:00\t0:00:00\t0\tAGENT\t"
        "10:00:10\t10:05:00\t290\tDORIT\n"
    )
    result = cli("import", log, "--db", db_path, "--timezone", "Europe/London")
    assert result.exit_code == 0, result.output
    assert rows(
        db_path,
        "SELECT source_id, occurred_at FROM conversation_event WHERE event_type IN "
        "('created', 'close') ORDER BY source_id",
    ) == [
        ("AA0101-1:close", utc(1999, 3, 26, 10, 5)),
        ("AA0101-1:created", utc(1999, 3, 26, 10)),
        ("AA0101-2:close", utc(1999, 3, 28, 1, 30)),
        ("AA0101-2:created", utc(1999, 3, 27, 23, 50)),
        ("AA0101-3:close", utc(1999, 3, 29, 9, 5)),
        ("AA0101-3:created", utc(1999, 3, 29, 9)),
    ]
