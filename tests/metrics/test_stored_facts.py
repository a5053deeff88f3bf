"""Stored facts (supportstats.metrics.stored): kept at import, equal to a recomputation.

The property test imports random generic files (conversations with and without shortcut
columns, messages, events, engagements, ratings, agents; ids overlap, so later files replace
rows) into a real warehouse file, then checks that the stored facts equal a from-scratch
computation and that reports read from them equal the same reports computed on demand (a
copy of the warehouse whose facts are marked stale), for several option sets and periods.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportstats.db import connect
from supportstats.importers import import_file
from supportstats.metrics import MetricOptions, Period, metrics_table, query, stored
from supportstats.reports.agents import agent_report
from supportstats.reports.scorecard import scorecard

BASE = dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.UTC)
CONVERSATIONS = 6
AGENTS = ["a0", "a1", "a2"]


def _t(minutes: int | None) -> str:
    return "" if minutes is None else (BASE + dt.timedelta(minutes=minutes)).isoformat()


minutes = st.integers(0, 3 * 24 * 60)


def home(i: int) -> st.SearchStrategy[int]:
    """The conversation of child row ``i``: mostly its own, sometimes another (a re-import
    that moves a message, event, engagement or rating to another conversation)."""
    return st.one_of(st.just(i % CONVERSATIONS), st.integers(0, CONVERSATIONS - 1))


maybe_minutes = st.one_of(st.none(), minutes)
agent = st.sampled_from(AGENTS)


@st.composite
def conversation_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    shortcuts = draw(st.booleans())
    ids = draw(st.lists(st.integers(0, CONVERSATIONS - 1), min_size=1, max_size=5, unique=True))
    rows = []
    for i in ids:
        kind = draw(st.sampled_from(["chat", "ticket"]))
        row = {
            "conversation_id": f"c{i}",
            "created_at": _t(draw(minutes)),
            "kind": kind,
            "channel": "chat" if kind == "chat" else "email",
            "agent": draw(st.one_of(st.just(""), agent)),
            "team": draw(st.sampled_from(["", "t1", "t2"])),
            "status": draw(st.sampled_from(["open", "resolved"])),
        }
        if shortcuts:
            row["first_response_at"] = _t(draw(maybe_minutes))
            row["resolved_at"] = _t(draw(maybe_minutes))
            row["csat"] = draw(st.sampled_from(["", "1", "3", "5"]))
        rows.append(row)
    return "conversations", rows


@st.composite
def message_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    # a message id always belongs to the same conversation (ids are the vendor's)
    ids = draw(st.lists(st.integers(0, 23), min_size=1, max_size=8, unique=True))
    rows = []
    for i in ids:
        role = draw(st.sampled_from(["customer", "agent", "bot"]))
        rows.append(
            {
                "message_id": f"m{i}",
                "conversation_id": f"c{draw(home(i))}",
                "created_at": _t(draw(minutes)),
                "author_role": role,
                "author": draw(agent) if role == "agent" else "",
                "visibility": draw(st.sampled_from(["public", "public", "internal"])),
            }
        )
    return "messages", rows


@st.composite
def event_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    ids = draw(st.lists(st.integers(0, 17), min_size=1, max_size=6, unique=True))
    rows = []
    for i in ids:
        kind = draw(st.sampled_from(["queue_enter", "resolve", "reopen", "assignee", "abandon"]))
        rows.append(
            {
                "event_id": f"e{i}",
                "conversation_id": f"c{draw(home(i))}",
                "occurred_at": _t(draw(minutes)),
                "event_type": kind,
                "to_value": draw(agent) if kind == "assignee" else "",
            }
        )
    return "events", rows


@st.composite
def engagement_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    ids = draw(st.lists(st.integers(0, 11), min_size=1, max_size=5, unique=True))
    rows = []
    for i in ids:
        start = draw(minutes)
        rows.append(
            {
                "engagement_id": f"g{i}",
                "conversation_id": f"c{draw(home(i))}",
                "agent": draw(agent),
                "started_at": _t(start),
                "accepted_at": _t(draw(st.one_of(st.none(), st.just(start + 1)))),
                "ended_at": _t(draw(st.one_of(st.none(), st.integers(start, start + 90)))),
            }
        )
    return "engagements", rows


@st.composite
def rating_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    ids = draw(st.lists(st.integers(0, 11), min_size=1, max_size=4, unique=True))
    rows = [
        {
            "rating_id": f"r{i}",
            "conversation_id": f"c{draw(home(i))}",
            "rating": str(draw(st.integers(1, 5))),
            "rated_at": _t(draw(minutes)),
            "agent": draw(st.one_of(st.just(""), agent)),
        }
        for i in ids
    ]
    return "ratings", rows


@st.composite
def agent_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    names = draw(st.lists(agent, min_size=1, max_size=3, unique=True))
    rows = [
        {"agent_id": a, "name": a.upper() + draw(st.sampled_from(["", " (new)"])), "team": "t1"}
        for a in names
    ]
    return "agents", rows


any_file = st.one_of(
    conversation_file(),
    message_file(),
    event_file(),
    engagement_file(),
    rating_file(),
    agent_file(),
)


def _write(folder: Path, n: int, kind: str, rows: list[dict[str, str]]) -> Path:
    path = folder / f"{n:02d}_{kind}.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


OPTION_SETS = [
    MetricOptions(),
    # facts-shaping options (computed on demand, for the period) and query-time ones
    MetricOptions(
        frt_start="first_customer_message",
        bot_replies="include",
        reopen_window_h=12,
        csat_positive_min=0.5,
        attribution="current_assignee",
    ),
    MetricOptions(cohort="event", csat_ratings="all", resolution_end="first"),
]
PERIODS = [Period(), Period.from_dates("2024-03-05", "2024-03-05")]


def _reports(path: Path) -> list[pd.DataFrame]:
    conn = connect(path, read_only=True)
    try:
        out = []
        # every option set over the whole warehouse, the default one also over one day
        for options, period in [(o, PERIODS[0]) for o in OPTION_SETS] + [
            (OPTION_SETS[0], PERIODS[1])
        ]:
            out.append(agent_report(conn, options, period))
            out.append(metrics_table(query(conn, options, period, by=["day", "channel"])))
        out.append(scorecard(conn))
        return out
    finally:
        conn.close()


def _on_demand_copy(path: Path, tmp: Path) -> Path:
    """A copy of the warehouse whose stored facts are marked stale: readers recompute."""
    copy = tmp / "on_demand.duckdb"
    shutil.copy(path, copy)
    conn = duckdb.connect(str(copy))
    conn.execute("update fact_state set data_stamp = 'stale'")
    conn.close()
    return copy


def _assert_same(stored_frames: list[pd.DataFrame], fresh_frames: list[pd.DataFrame]) -> None:
    assert len(stored_frames) == len(fresh_frames)
    for a, b in zip(stored_frames, fresh_frames, strict=True):
        # summation order may differ in the last bits of a double
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
        assert a.attrs.get("options") == b.attrs.get("options")


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(any_file, min_size=1, max_size=6), again=st.booleans())
def test_stored_facts_equal_a_recomputation_after_random_imports(
    tmp_path_factory: pytest.TempPathFactory, files, again: bool
) -> None:
    tmp = tmp_path_factory.mktemp("stored")
    path = tmp / "w.duckdb"
    written = [_write(tmp, n, kind, rows) for n, (kind, rows) in enumerate(files)]
    conn = connect(path)
    try:
        # twenty other conversations first, so the random files touch less than half of the
        # warehouse and go the incremental way (more would rebuild everything)
        import_file(conn, _conversations(tmp / "base.csv", BASE, 20, "base"))
        for file in written:
            import_file(conn, file)
        if again:  # re-importing the same files changes nothing
            for file in written:
                assert import_file(conn, file).skipped
        assert stored.is_current(conn), "imports keep the stored facts current"
        drift = stored.check(conn)
        assert all(d.ok for d in drift), drift
    finally:
        conn.close()
    fresh = _on_demand_copy(path, tmp)
    check = connect(fresh, read_only=True)
    assert not stored.is_current(check)
    check.close()
    _assert_same(_reports(path), _reports(fresh))


def _conversations(path: Path, start: dt.datetime, n: int, prefix: str) -> Path:
    rows = [
        {
            "conversation_id": f"{prefix}{i}",
            "created_at": (start + dt.timedelta(minutes=7 * i)).isoformat(),
            "kind": "chat",
            "agent": AGENTS[i % 3],
            "first_response_at": (start + dt.timedelta(minutes=7 * i + 2)).isoformat(),
        }
        for i in range(n)
    ]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_import_recomputes_only_the_conversations_it_touched(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "year.csv", BASE, 400, "y"))
        built = conn.execute("select built_at from fact_state").fetchall()[0][0]
        rows_before = conn.execute("select count(*) from fact_conversation").fetchall()[0][0]
        # a day's export: 3 new conversations and 2 that replace stored ones
        day = _conversations(tmp_path / "day.csv", BASE + dt.timedelta(days=3), 3, "d")
        with day.open("a") as f:
            f.write(f"y5,{(BASE + dt.timedelta(hours=1)).isoformat()},chat,a2,\n")
            f.write(f"y6,{(BASE + dt.timedelta(hours=2)).isoformat()},chat,a0,\n")
        batch = import_file(conn, day).batch_id
        touched = conn.execute(stored.touched_sql(), {"batch_id": batch}).fetchall()
        assert sorted(k for (k,) in touched) == ["generic:d0", "generic:d1", "generic:d2",
                                                 "generic:y5", "generic:y6"]  # fmt: skip
        assert conn.execute("select count(*) from fact_conversation").fetchall()[0][0] == (
            rows_before + 3
        )
        # y5 now has no first response and belongs to a2: its stored facts say so
        y5 = conn.execute(
            "select assignee_agent_key, first_reply_at from fact_conversation "
            "where conversation_key = 'generic:y5'"
        ).fetchall()
        assert y5 == [("generic:a2", None)]
        assert conn.execute("select built_at from fact_state").fetchall()[0][0] >= built
        assert all(d.ok for d in stored.check(conn))
    finally:
        conn.close()


def test_refresh_touches_only_the_batch(tmp_path: Path) -> None:
    """The incremental path, not a rebuild: the rows of untouched conversations stay where
    they are (their rowids do not move)."""
    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "year.csv", BASE, 400, "y"))
        before = dict(
            conn.execute("select conversation_key, rowid from fact_conversation").fetchall()
        )
        import_file(conn, _conversations(tmp_path / "day.csv", BASE + dt.timedelta(3), 3, "d"))
        after = dict(
            conn.execute("select conversation_key, rowid from fact_conversation").fetchall()
        )
        assert {k: after[k] for k in before} == before
        assert len(after) == 403
    finally:
        conn.close()


def test_rows_written_outside_an_import_make_readers_recompute(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    conn = connect(path)
    import_file(conn, _conversations(tmp_path / "a.csv", BASE, 10, "a"))
    assert stored.is_current(conn)
    conn.execute(
        "insert into conversation (source_system, source_id, kind, channel, created_at) "
        "values ('generic', 'hand', 'chat', 'chat', $t)",
        {"t": BASE},
    )
    assert not stored.is_current(conn)
    q = query(conn)
    assert q.facts() != "fact_conversation"  # on demand, so the new row counts
    assert metrics_table(q, families=["volume"]).iloc[0]["contacts"] == 11
    conn.close()
    # opening for writing repairs them; the next import would too
    conn = connect(path)
    assert stored.is_current(conn)
    assert query(conn).facts() == "fact_conversation"
    assert metrics_table(query(conn), families=["volume"]).iloc[0]["contacts"] == 11
    conn.close()


def test_an_import_that_dies_after_its_facts_leaves_rows_and_facts_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "a.csv", BASE, 10, "a"))
        before = {
            t: conn.execute(f"select * from {t} order by all").fetchall()
            for t in ("conversation", "fact_conversation", "fact_state")
        }
        real = stored.refresh

        def refresh_then_die(*args, **kwargs):
            real(*args, **kwargs)
            raise KeyboardInterrupt  # the user pressed Ctrl-C after the facts were written

        monkeypatch.setattr(stored, "refresh", refresh_then_die)
        with pytest.raises(KeyboardInterrupt):
            import_file(conn, _conversations(tmp_path / "b.csv", BASE, 5, "b"))
        after = {t: conn.execute(f"select * from {t} order by all").fetchall() for t in before}
        assert after == before
        assert stored.is_current(conn)
    finally:
        conn.close()


def test_a_version_4_warehouse_gets_its_facts_built_once_with_progress(tmp_path: Path) -> None:
    """Opening an older warehouse for writing migrates it and builds the stored facts,
    reporting each step; reads then use them and match a recomputation."""
    from supportstats.db import SCHEMA_VERSION, current_version, migrations
    from supportstats.sql import load_sql

    path = tmp_path / "v4.duckdb"
    old = duckdb.connect(str(path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version, name in migrations()[:4]:
        old.execute(load_sql(name))
        old.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    old.execute(
        "insert into conversation (source_system, source_id, kind, channel, created_at, "
        "first_response_at, assignee_agent_key) values "
        "('generic', 'c1', 'chat', 'chat', '2024-03-04 09:00:00+00', "
        "'2024-03-04 09:02:00+00', 'generic:a1'), "
        "('generic', 'c2', 'ticket', 'email', '2024-03-05 09:00:00+00', NULL, NULL)"
    )
    old.execute(
        "insert into engagement (engagement_key, conversation_key, source_system, source_id, "
        "agent_key, started_at, ended_at) values ('generic:g1', 'generic:c1', 'generic', 'g1', "
        "'generic:a1', "
        "'2024-03-04 09:00:00+00', '2024-03-04 09:30:00+00')"
    )
    old.execute(
        "insert into message (conversation_key, source_system, source_id, created_at, "
        "author_role, visibility, automation) values ('generic:c1', 'generic', 'm1', "
        "'2024-03-04 09:00:00+00', 'customer', 'public', 'none')"
    )
    old.close()
    steps: list[tuple[str, int, int]] = []
    conn = connect(path, progress=lambda what, i, n: steps.append((what, i, n)))
    try:
        assert current_version(conn) == SCHEMA_VERSION >= 5
        assert [s[1] for s in steps] == list(range(1, len(stored.ALL_TABLES) + 1))
        assert all("building stored facts" in s[0] for s in steps)
        assert stored.is_current(conn)
        assert query(conn).facts() == "fact_conversation"
        row = agent_report(conn).set_index("agent_key").loc["generic:a1"]
        assert (row["conversations"], row["first_response_median_s"]) == (1, 120.0)
        assert row["concurrency_max"] == 1
        assert all(d.ok for d in stored.check(conn))
    finally:
        conn.close()
    # a second open builds nothing
    steps.clear()
    connect(path, progress=lambda what, i, n: steps.append((what, i, n))).close()
    assert steps == []


def test_cli_import_of_several_files_keeps_facts_and_db_check_agrees(cli, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    conv = _conversations(tmp_path / "conversations.csv", BASE, 20, "c")
    messages = tmp_path / "messages.csv"
    messages.write_text(
        "message_id,conversation_id,created_at,author_role,author\n"
        f"m1,c1,{_t(3)},customer,\nm2,c1,{_t(9)},agent,a0\n"
    )
    result = cli("import", conv, messages, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "Stored facts updated for 20 conversations" in result.stderr
    conn = connect(db, read_only=True)
    assert stored.is_current(conn)
    conn.close()
    checked = cli("db", "check", "--db", db, "--format", "json")
    assert checked.exit_code == 0, checked.stderr
    assert "agree" in checked.stderr
    # drift: a fact row changed behind the importer's back
    conn = duckdb.connect(str(db))
    conn.execute("update fact_conversation set first_reply_at = null where conversation_id = 'c1'")
    conn.close()
    drifted = cli("db", "check", "--db", db)
    assert drifted.exit_code == 1
    assert "fact_conversation" in drifted.stderr and "rebuild-facts" in drifted.stderr
    rebuilt = cli("db", "rebuild-facts", "--db", db)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "fact_conversation 20" in rebuilt.stderr
    assert cli("db", "check", "--db", db).exit_code == 0


def test_rebuild_facts_needs_a_warehouse(cli, tmp_path: Path) -> None:
    result = cli("db", "rebuild-facts", "--db", tmp_path / "missing.duckdb")
    assert result.exit_code == 3
    assert "does not exist" in result.stderr
    assert not (tmp_path / "missing.duckdb").exists()


def test_a_row_that_moves_to_another_conversation_updates_both(tmp_path: Path) -> None:
    """A re-import that files message m1 and rating r1 under c1 instead of c0: c0 loses them
    (its facts are recomputed too, though the new file never names it)."""
    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "base.csv", BASE, 12, "c"))
        for n, conv in enumerate(["c0", "c1"]):
            folder = tmp_path / str(n)
            folder.mkdir()
            _write(folder, 0, "messages", [
                {"message_id": "m0", "conversation_id": "c0", "created_at": _t(1),
                 "author_role": "customer", "author": ""},
                {"message_id": "m1", "conversation_id": conv, "created_at": _t(2),
                 "author_role": "agent", "author": "a0"},
            ])  # fmt: skip
            _write(folder, 1, "ratings", [
                {"rating_id": "r1", "conversation_id": conv, "rating": "5",
                 "rated_at": _t(30), "agent": "a0"},
            ])  # fmt: skip
            for file in sorted(folder.iterdir()):
                import_file(conn, file)
        assert all(d.ok for d in stored.check(conn)), stored.check(conn)
        rows = conn.execute("select conversation_key from fact_rating order by all").fetchall()
        assert rows == [("generic:c1",)]
        assert conn.execute("select count(*) from fact_pending").fetchall() == [(0,)]
    finally:
        conn.close()


def test_a_failing_facts_update_says_so_and_restores_the_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportstats.db import memory_limit
    from supportstats.errors import SupportStatsError
    from supportstats.metrics import stored_segments

    conn = connect(tmp_path / "w.duckdb")
    try:
        import_file(conn, _conversations(tmp_path / "a.csv", BASE, 12, "a"))
        before = memory_limit(conn)

        def broken(c, *args, **kwargs):  # fails inside DuckDB: the transaction is aborted
            c.execute("select error('segments exploded')")

        monkeypatch.setattr(stored_segments, "refresh", broken)
        monkeypatch.setattr(stored_segments, "build", broken)
        with pytest.raises(SupportStatsError, match="updating the stored facts failed"):
            import_file(conn, _conversations(tmp_path / "b.csv", BASE, 2, "b"))
        assert memory_limit(conn) == before
        # a rebuild that fails inside its own transaction puts the limit back too
        with pytest.raises(duckdb.Error, match="segments exploded"):
            stored.rebuild(conn)
        assert memory_limit(conn) == before
        assert stored.is_current(conn)  # nothing of either attempt was kept
    finally:
        conn.close()
