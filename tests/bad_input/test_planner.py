"""The staffing planner under bad input (issue 14, items 6, 10, 12 and 13), through the real
CLI in a fresh process.

* Unbounded work from one value is refused with a clear error: agents, concurrency, the
  occupancy cap, the offered load, Erlang A's patience, forecast spans. The refusals run
  under a 3 GiB address-space limit, so a regression that allocates by the unchecked value
  fails here instead of swapping (the cases of the issue asked for 6 to 74 GiB).
* Messages name the unit (Erlangs, not contacts) and no numpy warning reaches the user.
* ``--output`` into a missing or read-only folder is a clear error before any work.
* The interval table: times must be real ISO date-times; ``;`` files with decimal commas
  are read; missing, binary, UTF-16 and cp1252 files are clear errors (exit 2).
* ``erlang --format csv`` works and JSON never holds NaN or Infinity.
* Usage errors of every command (unknown option, missing argument, bad choice, unknown
  command) are ``Error:`` + ``Hint:``, exit 2.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.bad_input._corpus import REPO, Outcome, assert_clean_error, assert_no_traceback, run

MEMORY_LIMIT = 3 * 1024**3
ONE = ["--volume", "100", "--interval-s", "1800", "--aht-s", "180"]
HEADER = "volume,interval_s,aht_s,sl_target,sl_threshold_s"


def run_limited(*args: str | Path) -> Outcome:
    """``run`` under an address-space limit: a case that would allocate gigabytes fails."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if k != "SUPPORTSTATS_DB"}
    env.update({"PYTHONWARNINGS": "", "COLUMNS": "200"})
    done = subprocess.run(
        [sys.executable, "-m", "supportstats", *(str(a) for a in args)],
        capture_output=True,
        timeout=120,  # a safety net only: the refusals are immediate
        env=env,
        cwd=REPO,
        preexec_fn=limit,
    )
    return Outcome(done.returncode, done.stdout.decode(), done.stderr.decode())


def strict_json(text: str) -> object:
    """JSON as the standard has it: NaN, Infinity and -Infinity are errors."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


# --- item 6: unbounded work from one value ------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "contains"),
    [
        (["--agents", "1000000000"], "--agents: 1000000000 is above 100,000"),
        (["--agents", "50000", "--concurrency", "3"], "more than 100,000 chat slots"),
        (["--concurrency", "1000000000"], "--concurrency: 1000000000 is above 100"),
        (["--max-occupancy", "1e-7"], "--max-occupancy: 1e-07 is below 0.3"),
        (["--max-occupancy", "1e-9"], "--max-occupancy: 1e-09 is below 0.3"),
    ],
)
def test_erlang_refuses_unbounded_work(extra: list[str], contains: str) -> None:
    assert_clean_error(run_limited("erlang", *ONE, *extra), 2, contains=contains)


def test_erlang_a_with_huge_load_and_patience_is_refused() -> None:
    done = run_limited(
        "erlang", "--volume", "1e7", "--interval-s", "1800", "--aht-s", "180",
        "--patience-s", "1e6",
    )  # fmt: skip
    assert_clean_error(done, 2, contains="offered load of 1,000,000 Erlangs, more than 100,000")


def test_erlang_a_patience_bound_within_the_load_bound() -> None:
    # 1,000 Erlangs is fine; 55 million arrivals within one mean patience are not
    done = run_limited(
        "erlang", "--volume", "1e5", "--interval-s", "1800", "--aht-s", "18",
        "--patience-s", "1e6",
    )  # fmt: skip
    assert_clean_error(done, 2, contains="--patience-s: 1000000 s")
    assert "Erlang C" in done.stderr


def test_occupancy_cap_that_needs_too_many_agents() -> None:
    done = run_limited(
        "erlang", "--volume", "9e5", "--interval-s", "1800", "--aht-s", "180",
        "--max-occupancy", "0.5",
    )  # fmt: skip
    assert_clean_error(done, 2, contains="needs 180,000 servers, more than 100,000")


def test_staff_row_with_a_billion_agents(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f"{HEADER},agents\n100,1800,180,0.8,20,12\n100,1800,180,0.8,20,1e9\n")
    assert_clean_error(run_limited("staff", src), 2, contains="row 2, column agents: 1000000000")


# --- item 10: units and warnings ----------------------------------------------------------


def test_load_is_said_in_erlangs_not_contacts() -> None:
    done = run("erlang", "--volume", "1e9", "--interval-s", "1800", "--aht-s", "180")
    assert_clean_error(
        done, 2, contains="1000000000 contacts x 180 s / 1800 s is an offered load of "
        "100,000,000 Erlangs",
    )  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["--volume", "1e308", "--interval-s", "1800", "--aht-s", "180"],
        ["--volume", "100", "--interval-s", "1e-320", "--aht-s", "180"],
        ["--volume", "1e300", "--interval-s", "1800", "--aht-s", "1e300"],
    ],
)
def test_overflow_gives_no_numpy_warning(args: list[str]) -> None:
    done = run("erlang", *args)
    assert_clean_error(done, 2, contains="Erlangs")
    assert "RuntimeWarning" not in done.stderr and "overflow" not in done.stderr
    assert len(done.stderr.splitlines()) == 2


# --- item 12: --output where it cannot be written ------------------------------------------


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores permissions: use /sys)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.fixture
def intervals(tmp_path: Path) -> Path:
    src = tmp_path / "in.csv"
    src.write_text(f"{HEADER}\n100,1800,180,0.8,20\n")
    return src


def test_staff_output_into_missing_folder(intervals: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "plan.csv"
    done = run("staff", intervals, "--output", target)
    assert_clean_error(done, 2, contains="does not exist")
    assert "mkdir -p" in done.stderr and not target.parent.exists()


def test_staff_output_into_read_only_folder(intervals: Path, tmp_path: Path) -> None:
    target = _read_only_folder(tmp_path) / "plan.csv"
    assert_clean_error(run("staff", intervals, "--output", target), 2, contains="--output")
    assert not target.exists()


def test_staff_output_is_a_folder(intervals: Path, tmp_path: Path) -> None:
    assert_clean_error(run("staff", intervals, "-o", tmp_path), 2, contains="is a folder")


# --- the warehouse cases: forecast, plan, backtest -----------------------------------------


def _warehouse(path: Path, odd: str | None = None, odd_end: str | None = None) -> Path:
    """Three weeks of calls (and their handling) in a warehouse, plus one contact at ``odd``
    whose handling ends at ``odd_end`` when given."""
    import numpy as np

    from supportstats.db import connect

    rng = np.random.default_rng(7)
    seconds = np.sort(rng.uniform(0, 21 * 86400, 2000))
    frame = pd.DataFrame(
        {
            "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s"),
            "handle_s": rng.exponential(200, seconds.size),
        }
    )
    con = connect(path)
    try:
        con.register("contacts", frame.assign(i=range(len(frame))))
        con.execute("""
            insert into conversation (source_system, source_id, kind, queue_key, created_at)
            select 'test', 'c' || i, 'call', 'q1', created_at::timestamptz from contacts
        """)
        con.execute("""
            insert into engagement (engagement_key, conversation_key, source_system, source_id,
                                    agent_key, started_at, ended_at)
            select 'e' || i, 'test:c' || i, 'test', 'e' || i, 'a' || (i % 7),
                   created_at::timestamptz,
                   created_at::timestamptz + to_microseconds((handle_s * 1e6)::bigint)
            from contacts
        """)
        if odd is not None:
            end = odd_end or odd
            con.execute(f"""
                insert into conversation (source_system, source_id, kind, queue_key, created_at)
                values ('test', 'odd', 'call', 'q1', TIMESTAMPTZ '{odd}+00');
                insert into engagement (engagement_key, conversation_key, source_system,
                                        source_id, agent_key, started_at, ended_at)
                values ('eodd', 'test:odd', 'test', 'eodd', 'a1', TIMESTAMPTZ '{odd}+00',
                        TIMESTAMPTZ '{end}+00')
            """)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("planner")
    return {
        "plain": _warehouse(root / "plain.duckdb"),
        "future": _warehouse(root / "future.duckdb", "9999-12-31 10:00:00"),
        "ancient": _warehouse(root / "ancient.duckdb", "0001-01-01 10:00:00"),
        "endless": _warehouse(
            root / "endless.duckdb", "2024-01-10 10:00:00", odd_end="9999-12-31 10:00:00"
        ),
    }


def _forecast(db: Path, *extra: str) -> pd.DataFrame:
    done = run_limited("forecast", "--db", db, "--horizon", "2d", "-f", "csv", *extra)
    assert done.code == 0, done
    assert_no_traceback(done)
    return pd.read_csv(io.StringIO(done.stdout))


def test_forecast_leaves_out_a_contact_in_year_9999(warehouses: dict[str, Path]) -> None:
    done = run_limited("forecast", "--db", warehouses["future"], "--horizon", "2d", "-f", "csv")
    assert done.code == 0, done
    assert_no_traceback(done)
    assert "Note: left out 1 contact dated after" in done.stderr
    assert "(latest 9999-12-31 10:00)" in done.stderr
    plain = _forecast(warehouses["plain"])
    assert pd.read_csv(io.StringIO(done.stdout)).equals(plain)
    assert plain["interval_start"].iloc[0].startswith("2024-01-22")


def test_forecast_ignores_a_contact_in_year_1(warehouses: dict[str, Path]) -> None:
    assert _forecast(warehouses["ancient"]).equals(_forecast(warehouses["plain"]))


@pytest.mark.parametrize("name", ["endless", "future", "ancient"])
def test_backtest_with_odd_dates(warehouses: dict[str, Path], name: str) -> None:
    # endless: one handling runs to 9999 (its interval's load is beyond any queue)
    done = run_limited("backtest", "--db", warehouses[name], "-f", "json")
    assert done.code == 0, done
    assert_no_traceback(done)
    rows = strict_json(done.stdout)
    assert isinstance(rows, list) and len(rows) > 800
    assert all(row["interval_start"] < "2025" for row in rows)  # type: ignore[index]
    if name == "endless":
        assert "left out 1 interval past the planner's bounds" in done.stderr
    if name == "future":
        assert "Note: left out 1 contact dated after" in done.stderr


def test_backtest_concurrency_is_bounded(warehouses: dict[str, Path]) -> None:
    done = run("backtest", "--db", warehouses["plain"], "--concurrency", "1000000000")
    assert_clean_error(done, 2, contains="concurrency 1000000000 is outside 1 to 100")


def test_plan_with_a_contact_in_year_9999(warehouses: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    done = run_limited("plan", "--db", warehouses["future"], "--horizon", "7d", "-o", out)
    assert done.code == 0, done
    assert_no_traceback(done)
    assert len(pd.read_csv(out)) == 7 * 48


@pytest.mark.parametrize(
    ("extra", "contains"),
    [
        (["--horizon", "100000d"], "--horizon 100000d is longer than 366 days"),
        (["--horizon", "99999999999999d"], "--horizon '99999999999999d' is too long"),
        (["--interval", "1s"], "--interval 1s is outside 5min to 1d"),
        (["--interval", "7min"], "--interval 7min does not divide a day"),
        (["--interval", "2d"], "--interval 2d is outside 5min to 1d"),
        (["--horizon", "10min"], "--horizon is shorter than one --interval"),
        (["--weeks", "0"], "--weeks 0 is outside 1 to 260"),
        (["--weeks", "1000000000"], "--weeks 1000000000 is outside 1 to 260"),
    ],
)
def test_forecast_spans_are_bounded(
    warehouses: dict[str, Path], extra: list[str], contains: str
) -> None:
    done = run_limited("forecast", "--db", warehouses["plain"], *extra)
    assert_clean_error(done, 2, contains=contains)


def test_backtest_interval_is_bounded(warehouses: dict[str, Path]) -> None:
    done = run_limited("backtest", "--db", warehouses["plain"], "--interval", "1s")
    assert_clean_error(done, 2, contains="--interval 1s is outside 5min to 1d")


@pytest.mark.parametrize("command", ["plan", "forecast", "backtest"])
def test_output_into_missing_folder(
    warehouses: dict[str, Path], tmp_path: Path, command: str
) -> None:
    target = tmp_path / "missing" / "out.csv"
    done = run(command, "--db", warehouses["plain"], "--output", target)
    assert_clean_error(done, 2, contains=f"the folder {target.parent} does not exist")


@pytest.mark.parametrize("command", ["plan", "forecast"])
def test_output_into_read_only_folder(
    warehouses: dict[str, Path], tmp_path: Path, command: str
) -> None:
    target = _read_only_folder(tmp_path) / "out.csv"
    done = run(command, "--db", warehouses["plain"], "--horizon", "1d", "--output", target)
    assert_clean_error(done, 2, contains=f"--output {target}")
    assert not target.exists()


def test_plan_targets_are_checked_before_the_warehouse(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.duckdb"
    done = run("plan", "--db", missing, "--sl-target", "1.5", "-o", tmp_path / "p.csv")
    assert_clean_error(done, 2, contains="--sl-target: 1.5 is not below 1")
    done = run("plan", "--db", missing, "--max-occupancy", "1e-9", "-o", tmp_path / "p.csv")
    assert_clean_error(done, 2, contains="--max-occupancy")
    assert not missing.exists()


# --- item 13: the interval table ----------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "contains"),
    [
        ("Monday 9ish", "row 2, column interval_start: 'Monday 9ish' is not a date and time"),
        ("2026-02-30 10:00", "row 2, column interval_start: '2026-02-30 10:00' is not a date"),
        ("2026-02-03 10:00+25:00", "row 2, column interval_start"),
        ("", "row 2, column interval_start: is empty"),
    ],
)
def test_staff_interval_times_must_be_real(tmp_path: Path, when: str, contains: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        f"interval_start,{HEADER}\n2026-02-03 09:30,100,1800,180,0.8,20\n"
        f'"{when}",100,1800,180,0.8,20\n'
    )
    done = run("staff", src)
    assert_clean_error(done, 2, contains=contains)
    assert done.stdout == ""


def test_staff_reads_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    src = tmp_path / "excel.csv"
    src.write_text(
        "interval_start;volume;interval_s;aht_s;sl_target;sl_threshold_s;shrinkage\n"
        "2026-02-03 09:30;100;1800;180;0,8;20;0,3\n"
        "2026-02-03 10:00;40,5;1800;180,5;0,8;20;0,3\n",
        encoding="utf-8-sig",
    )
    done = run("staff", src, "-f", "json")
    assert done.code == 0, done
    rows = strict_json(done.stdout)
    assert isinstance(rows, list)
    assert (rows[0]["agents_raw"], rows[0]["agents_scheduled"]) == (14, 20)
    assert (rows[1]["volume"], rows[1]["aht_s"]) == (40.5, 180.5)


def test_staff_semicolons_with_a_missing_column_say_what_was_found(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("calls;interval_s;aht_s;sl_target;sl_threshold_s\n100;1800;180;0,8;20\n")
    done = run("staff", src)
    assert_clean_error(done, 2, contains="missing column volume (found: calls, interval_s")


@pytest.mark.parametrize(
    ("content", "contains"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        ("volume,interval_s\n100,1800\n".encode("utf-16"), "UTF-16"),
        (f"{HEADER},team\n100,1800,180,0.8,20,Garc\xeda\n".encode("cp1252"), "not UTF-8"),
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b'volume,interval_s\n"100,1800\n', "not a readable CSV"),
    ],
)
def test_staff_unreadable_files(tmp_path: Path, content: bytes, contains: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    assert_clean_error(run("staff", src), 2, contains=contains)


def test_staff_missing_file_folder_and_device(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    assert_clean_error(run("staff", missing), 2, contains=f"{missing}: no such file")
    assert_clean_error(run("staff", tmp_path), 2, contains="is a folder")
    assert_clean_error(run("staff", "/dev/zero"), 2, contains="not a regular file")


def test_erlang_csv_is_offered_and_works() -> None:
    assert "csv" in run("erlang", "--help").stdout
    done = run("erlang", *ONE, "--shrinkage", "0.3", "--format", "csv")
    assert done.code == 0, done
    row = pd.read_csv(io.StringIO(done.stdout)).iloc[0]
    assert (row["agents_raw"], row["agents_scheduled"]) == (14, 20)


@pytest.mark.parametrize(
    "extra", [["--agents", "5"], ["--agents", "0", "--patience-s", "30"], ["--volume", "0"]]
)
def test_erlang_json_is_valid_json(extra: list[str]) -> None:
    done = run("erlang", *ONE, *extra, "--format", "json")
    assert done.code == 0, done
    out = strict_json(done.stdout)
    assert isinstance(out, dict) and "service_level" in out


def test_staff_json_of_an_overloaded_interval_is_valid_json(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f"{HEADER},agents\n100,1800,180,0.8,20,5\n")
    done = run("staff", src, "-f", "json")
    assert done.code == 0, done
    assert strict_json(done.stdout)[0]["asa_s"] is None  # type: ignore[index]


# --- item 13: usage errors of every command ------------------------------------------------


def _commands() -> list[list[str]]:
    """Every command path of the app: [erlang], [db, info], ..."""
    import typer

    from supportstats.cli import app

    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            found.append(path)
            return
        for name, child in children.items():
            walk(child, [*path, name])

    walk(root, [])
    return found


COMMANDS = _commands()


def test_every_command_is_listed() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"erlang", "staff", "forecast", "plan", "backtest", "import", "db info"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_unknown_option_of_every_command(command: list[str]) -> None:
    done = run(*command, "--no-such-option")
    assert_clean_error(done, 2, contains="No such option: --no-such-option")
    assert f"Hint: run supportstats {' '.join(command)} --help" in done.stderr
    assert "Usage:" not in done.stderr


@pytest.mark.parametrize(
    ("args", "contains", "hint"),
    [
        (["staff"], "Missing argument", "supportstats staff --help"),
        (["staff", "a.csv", "b.csv"], "unexpected extra argument", "supportstats staff --help"),
        (["staff", "a.csv", "--format", "xml"], "'xml' is not one of", "staff --help"),
        (["erlang"], "Missing option '--volume'", "supportstats erlang --help"),
        (["erlang", *ONE, "--sl-definition", "x"], "is not one of", "erlang --help"),
        (["erlang", "--volume", "lots", "--interval-s", "1", "--aht-s", "1"], "--volume", ""),
        (["plan", "--db", "x.duckdb"], "Missing option '--output'", "supportstats plan --help"),
        (["no-such-command"], "No such command 'no-such-command'", "supportstats --help"),
        (["db", "no-such"], "No such command 'no-such'", "supportstats db --help"),
        (["report", "no-such"], "No such command 'no-such'", "supportstats report --help"),
    ],
)
def test_usage_errors_in_house_style(args: list[str], contains: str, hint: str) -> None:
    done = run(*args)
    assert_clean_error(done, 2, contains=contains)
    assert hint in done.stderr.splitlines()[-1]
    assert "Usage:" not in done.stderr
