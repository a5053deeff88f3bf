"""Options are checked when they are built; only errors from reading the file blame the file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import supportstats.importers._pipeline as pipeline
from supportstats.errors import InputFileError, OptionError
from supportstats.importers import ImportOptions, generic, import_file
from supportstats.metrics.options import MetricOptions
from supportstats.planning._validate import PlanningInputError
from supportstats.planning.forecast import check_timezone as planning_timezone
from supportstats.timezones import check_timezone

CSV = "conversation_id,created_at\nc1,2024-03-01T10:00:00Z\n"


def test_unknown_timezone_is_an_option_error_when_the_options_are_built() -> None:
    with pytest.raises(OptionError) as raised:
        ImportOptions(timezone="Mars/Olympus")
    assert raised.value.message == "unknown time zone 'Mars/Olympus'"
    assert "cannot be read as" not in str(raised.value)


def test_unknown_timezone_passed_to_the_library_names_it(warehouse, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(CSV)
    with pytest.raises(OptionError, match="Mars/Olympus") as raised:
        import_file(warehouse, path, ImportOptions(timezone="Mars/Olympus"))
    assert "cannot be read as" not in str(raised.value)
    # nothing was written: the warehouse has no batch
    assert warehouse.execute("SELECT count(*) FROM import_batch").fetchall() == [(0,)]


def test_one_timezone_check_for_imports_metrics_and_planning() -> None:
    assert check_timezone("Europe/Madrid") == "Europe/Madrid"
    assert check_timezone(None) is None
    with pytest.raises(OptionError, match=r"^--timezone 'Europe/Nowhere' is not a known"):
        check_timezone("Europe/Nowhere", "--timezone")
    with pytest.raises(OptionError, match=r"^option timezone='Europe/Nowhere' is not a known"):
        MetricOptions.parse(["timezone=Europe/Nowhere"])
    with pytest.raises(PlanningInputError, match=r"^--timezone 'Europe/Nowhere' is not a known"):
        planning_timezone("Europe/Nowhere", "--timezone")


def test_a_failure_after_the_file_was_read_keeps_its_own_message(
    warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(CSV)

    def broken(ctx: pipeline.ImportContext) -> None:
        raise duckdb.ConversionException("Conversion Error: a step after the read failed")

    monkeypatch.setattr(pipeline, "resolve_queues", broken)
    with pytest.raises(duckdb.ConversionException, match="a step after the read failed"):
        import_file(warehouse, path)
    assert warehouse.execute("SELECT count(*) FROM import_batch").fetchall() == [(0,)]


def test_a_duckdb_error_while_reading_the_file_blames_the_file(
    warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(CSV)

    def unreadable(ctx: pipeline.ImportContext) -> None:
        raise duckdb.InvalidInputException("Invalid Input Error: the reader gave up")

    monkeypatch.setattr(generic, "load", unreadable)
    with pytest.raises(InputFileError) as raised:
        import_file(warehouse, path)
    assert raised.value.message == (
        f"{path}: cannot be read as a generic export (Invalid Input Error: the reader gave up)"
    )
    assert "--source" in raised.value.hint
