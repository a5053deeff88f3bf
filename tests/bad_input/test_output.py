"""What the commands print when the data, a file path or an option is hostile or odd (issue 14,
items 5, 7, 10 and 12), through the real CLI in a fresh process.

* Data is never markup: an agent named ``[/]`` or ``[link=...]``, a channel ``[/]`` and a
  file path with ``[/x]`` print as typed; control characters print as escapes (``\\x1b``).
* CSV is spreadsheet-safe: a text cell starting with ``= + - @`` gets a leading apostrophe,
  numbers never; ``--raw-csv`` or ``SUPPORTSTATS_RAW_CSV=1`` keeps values as stored.
* ``--option`` names appear in errors as typed; dates outside 1970-2199, a negative
  ``--limit`` and a schedule in an unknown time zone are clear errors, never tracebacks.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from tests.bad_input._corpus import assert_clean_error, assert_no_traceback, counts, run

FORMULA = "=cmd|' /C calc'!A0"
LINK = "[link=http://evil.example]click[/link]"
HEADER = "conversation_id,created_at,kind,channel,queue,team,agent,contact,initiated_by,status,priority,subject,tags"  # noqa: E501


def _row(cid: str, hour: int, channel: str, agent: str, subject: str = "hi") -> str:
    cells = [cid, f"2024-03-01T{hour:02d}:00:00Z", "chat", channel, "q", "t", agent, "cust",
             "customer", "solved", "normal", subject, "x"]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse whose agents and channel look like rich markup, a formula or escape codes,
    imported from a folder whose name looks like a closing tag. Returns (warehouse, file)."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "exports [/x]"  # two folders, "exports [" and "x]": the path reads [/x]
    folder.mkdir(parents=True)
    data = folder / "conversations.csv"
    data.write_text(
        HEADER
        + "\n"
        + _row("c1", 10, "[/]", "[/]", subject=FORMULA)
        + _row("c2", 11, "chat", LINK)
        + _row("c3", 12, "chat", FORMULA)
        + _row("c4", 13, "chat", "red\x1b[31malert\x07")
        + _row("c5", 14, "chat", "-3.5"),
        encoding="utf-8",
    )
    db = root / "w.duckdb"
    done = run("import", data, "--db", db)
    assert done.code == 0, done
    assert_no_traceback(done)
    assert f"{data}: 5 of 5 conversation rows loaded" in done.stderr
    return db, data


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- item 5: data is never markup ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("report", "agents"),
        ("metrics", "--by", "agent", "--metric", "volume"),
        ("metrics", "--by", "channel", "--metric", "volume"),
    ],
    ids=["report agents", "metrics by agent", "metrics by channel"],
)
def test_markup_in_data_prints_as_typed(hostile: tuple[Path, Path], command: tuple) -> None:
    db, _ = hostile
    done = run(*command, "--db", db)
    assert done.code == 0, done
    assert_no_traceback(done)
    assert "[/]" in done.stdout
    if "channel" not in command:
        assert LINK in done.stdout
        # the escape code is shown, not sent: the terminal is not recoloured or rung
        assert "red\\x1b[31malert\\x07" in done.stdout
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout


def test_on_a_terminal_markup_makes_no_link_and_data_no_colour(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    # FORCE_COLOR: rich writes styles as on a terminal (bold headers), so a parsed [link=...]
    # would become an OSC 8 hyperlink and the agent's own \x1b[31m would colour the table.
    done = run("report", "agents", "--db", db, env={"FORCE_COLOR": "1"})
    assert done.code == 0, done
    assert "\x1b]8;" not in done.stdout  # no terminal hyperlink
    assert "\x1b[31m" not in done.stdout  # the data's escape code never reaches the terminal
    assert "click[/link]" in done.stdout and "\\x1b[31m" in done.stdout


def test_a_file_path_that_looks_like_markup(hostile: tuple[Path, Path]) -> None:
    db, data = hostile
    done = run("db", "info", "--db", db)
    assert done.code == 0, done
    assert_no_traceback(done)
    assert "exports [/x]" in done.stdout


def test_an_error_quoting_a_newline_stays_two_lines(tmp_path: Path) -> None:
    odd = tmp_path / "no\nsuch\x1b[2J.csv"
    done = run("import", odd, "--db", tmp_path / "w.duckdb")
    assert_clean_error(done, 2, contains="no\\nsuch\\x1b[2J.csv")
    assert "\x1b" not in done.stderr


def test_a_usage_error_quoting_an_escape_code_shows_it_escaped(tmp_path: Path) -> None:
    done = run("metrics", "--\x1b[2Jagent", "--db", tmp_path / "w.duckdb")
    assert_clean_error(done, 2, contains="\\x1b[2Jagent")
    assert "\x1b" not in done.stderr


# -- item 7: CSV formula injection --------------------------------------------------------


def test_report_agents_csv_neutralises_formulas(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    done = run("report", "agents", "--db", db, "--format", "csv")
    assert done.code == 0, done
    names = {row["agent"] for row in _csv(done.stdout)}
    assert "'" + FORMULA in names and FORMULA not in names
    assert "-3.5" in names  # a text cell that is a plain number runs nothing: kept
    assert "[/]" in names and LINK in names  # CSV is data: no other change


@pytest.mark.parametrize("how", [("--raw-csv",), ()], ids=["--raw-csv", "SUPPORTSTATS_RAW_CSV=1"])
def test_raw_csv_keeps_values_as_stored(hostile: tuple[Path, Path], how: tuple) -> None:
    db, _ = hostile
    env = {} if how else {"SUPPORTSTATS_RAW_CSV": "1"}
    done = run("report", "agents", "--db", db, "--format", "csv", *how, env=env)
    assert done.code == 0, done
    assert FORMULA in {row["agent"] for row in _csv(done.stdout)}


def test_streamed_conversation_csv_neutralises_formulas(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    done = run("metrics", "--by", "conversation", "--db", db, "--format", "csv")
    assert done.code == 0, done
    rows = {row["conversation_id"]: row for row in _csv(done.stdout)}
    assert rows["c3"]["agent"] == "'" + FORMULA
    for row in rows.values():  # no cell a spreadsheet would run; -3.5 is a number
        assert all(not v.startswith(("=", "+", "-", "@")) or v == "-3.5" for v in row.values())
    assert rows["c1"]["first_response_s"] == ""  # numbers and empty cells untouched
    raw = run("metrics", "--by", "conversation", "--db", db, "--format", "csv", "--raw-csv")
    assert {row["conversation_id"]: row for row in _csv(raw.stdout)}["c3"]["agent"] == FORMULA


def test_staff_csv_neutralises_text_not_numbers(tmp_path: Path) -> None:
    plan = tmp_path / "intervals.csv"
    plan.write_text(
        'volume,interval_s,aht_s,sl_target,sl_threshold_s,queue,note,=HYPERLINK("http://x")\n'
        f'100,1800,180,0.8,20,"{FORMULA}",@SUM(A1),-3.5\n'
        "50,1800,180,0.8,20,-1.5,+34 600 000,-2\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.csv"
    done = run("staff", plan, "--output", out)
    assert done.code == 0, done
    rows = _csv(out.read_text(encoding="utf-8"))
    assert [r["queue"] for r in rows] == ["'" + FORMULA, "-1.5"]
    assert [r["note"] for r in rows] == ["'@SUM(A1)", "'+34 600 000"]
    assert [r['\'=HYPERLINK("http://x")'] for r in rows] == ["-3.5", "-2.0"]  # numbers
    raw = run("staff", plan, "--raw-csv")
    assert [r["queue"] for r in _csv(raw.stdout)] == [FORMULA, "-1.5"]


def test_db_rejects_csv_neutralises_a_file_name(tmp_path: Path) -> None:
    # a file imported by a relative name that is a formula: db rejects lists it per row
    (tmp_path / "=1+2.csv").write_text(HEADER + "\n" + _row("c1", 10, "chat", "a").replace(
        "2024-03-01T10:00:00Z", "never"))  # fmt: skip
    assert run("import", "=1+2.csv", "--db", "w.duckdb", cwd=tmp_path).code == 1
    done = run("db", "rejects", "--db", "w.duckdb", "--format", "csv", cwd=tmp_path)
    assert done.code == 0, done
    (row,) = _csv(done.stdout)
    assert row["file"] == "'=1+2.csv" and row["column"] == "created_at"
    raw = run("db", "rejects", "--db", "w.duckdb", "--format", "csv", "--raw-csv", cwd=tmp_path)
    assert _csv(raw.stdout)[0]["file"] == "=1+2.csv"


def test_the_help_names_the_raw_csv_option() -> None:
    for command in (("report", "agents"), ("metrics",), ("staff",), ("db", "rejects")):
        done = run(*command, "--help")
        assert "--raw-csv" in done.stdout and "SUPPORTSTATS_RAW_CSV" in done.stdout, command


# -- item 10: --option names as typed -----------------------------------------------------


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("frt--start=created", "unknown option 'frt--start' (did you mean frt_start?)"),
        ("frt-start=bogus", "option frt-start='bogus' is not one of"),
        ("sla-wait-s=abc", "option sla-wait-s='abc' is not a number"),
        ("chat-capacity=0", "option chat-capacity=0 must be a number > 0"),
        ("short-abandon-s=nan", "option short-abandon-s=nan must be a number >= 0"),
        ("eta-window-min=1e10", "option eta-window-min=1e10 is more than 100 years"),
        ("interval-min=7", "option interval-min=7 is not 15, 30 or 60"),
    ],
)
def test_option_errors_name_the_option_as_typed(
    hostile: tuple[Path, Path], option: str, message: str
) -> None:
    db, _ = hostile
    done = run("metrics", "--option", option, "--db", db)
    assert_clean_error(done, 2, contains=message)
    assert "__" not in done.stderr


# -- item 12: dates, --limit, schedules ---------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("metrics", "--to", "9999-12-31"),
        ("report", "scorecard", "--from", "0001-01-01"),
        ("report", "scorecard", "--from", "0001-01-01", "--to", "0001-02-01"),
        ("report", "agents", "--from", "9999-12-31T23:00:00-05:00"),
        ("report", "snapshot", "--as-of", "9999-12-31T23:59:59-05:00"),
        ("metrics", "--from", "1969-12-31"),
    ],
)
def test_dates_outside_the_supported_years(hostile: tuple[Path, Path], command: tuple) -> None:
    db, _ = hostile
    before = counts(db)
    done = run(*command, "--db", db)
    assert_clean_error(done, 2, contains="is outside the years 1970 to 2199")
    assert counts(db) == before


def test_the_widest_period_is_accepted(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    done = run(
        "report", "scorecard", "--from", "1970-01-01", "--to", "2199-12-31",
        "--option", "timezone=America/Los_Angeles", "--db", db, "--format", "json",
    )  # fmt: skip
    assert done.code == 0, done
    assert_no_traceback(done)


@pytest.mark.parametrize(
    ("start", "message"),
    [("2024-02-30", "--start '2024-02-30' is not a date"), ("9999-12-31", "outside the years")],
)
def test_sample_start_must_be_a_real_day(tmp_path: Path, start: str, message: str) -> None:
    done = run("sample", "--start", start, "--out", tmp_path / "s", "-n", "10")
    assert_clean_error(done, 2, contains=message)
    assert not (tmp_path / "s").exists()


def test_db_rejects_negative_limit(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    before = counts(db)
    assert_clean_error(run("db", "rejects", "--limit", "-1", "--db", db), 2, contains="--limit -1")
    assert counts(db) == before
    assert run("db", "rejects", "--limit", "0", "--db", db).code == 0  # 0 = all rows


SCHEDULE = "schedule_id,timezone,day_of_week,open_time,close_time\n"


def test_a_schedule_in_an_unknown_time_zone_is_rejected(tmp_path: Path) -> None:
    sched = tmp_path / "schedules.csv"
    sched.write_text(
        SCHEDULE + "mars,Mars/Base,mon,08:00,20:00\nhq,Europe/Madrid,mon,08:00,20:00\n"
    )
    db = tmp_path / "w.duckdb"
    done = run("import", sched, "--db", db)
    assert_clean_error(done, 1, contains="timezone 'Mars/Base' is not a known time zone")
    conn = duckdb.connect(str(db), read_only=True)
    try:
        assert conn.execute("select schedule_key, timezone from schedule").fetchall() == [
            ("generic:hq", "Europe/Madrid")
        ]
    finally:
        conn.close()


def test_business_clock_with_a_bad_zone_in_the_warehouse(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    source, _ = hostile
    db = tmp_path / "w.duckdb"
    db.write_bytes(source.read_bytes())
    sched = tmp_path / "schedules.csv"
    sched.write_text(SCHEDULE + "hq,Europe/Madrid,fri,08:00,20:00\n")
    assert run("import", sched, "--db", db).code == 0
    # a warehouse filled before imports checked the zone, or written by other means
    conn = duckdb.connect(str(db))
    conn.execute("update schedule set timezone = 'Mars/Base'")
    conn.close()
    before = counts(db)
    for command in (("metrics",), ("report", "agents"), ("metrics", "--sla")):
        done = run(*command, "--option", "clock=business", "--db", db)
        assert_clean_error(done, 1, contains="has timezone 'Mars/Base', which is not a known")
    assert counts(db) == before
