"""supportstats.formatting: numbers as people read them (hand-written expectations)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportstats import formatting as fmt


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.0, "0 s"),
        (0.4, "0.4 s"),
        (-0.01, "0 s"),  # never "-0 s"
        (15.2178, "15 s"),  # no float noise
        (38, "38 s"),
        (59.6, "1 min 00 s"),  # rounded in the smaller unit, carried into the larger
        (252, "4 min 12 s"),
        (3599.6, "1 h 00 min"),
        (3900, "1 h 05 min"),
        (6936, "1 h 56 min"),
        (55887, "15 h 31 min"),
        (93780, "1 d 2 h"),
        (-252, "-4 min 12 s"),
        (None, "—"),
        (float("nan"), "—"),
        (np.nan, "—"),
        (pd.NA, "—"),
        (pd.NaT, "—"),
    ],
)
def test_duration(seconds: object, text: str) -> None:
    assert fmt.duration(seconds) == text


def test_duration_with_sign_for_changes() -> None:
    assert fmt.duration(252, sign=True) == "+4 min 12 s"
    assert fmt.duration(-38, sign=True) == "-38 s"
    assert fmt.duration(0, sign=True) == "0 s"
    assert fmt.duration(0.2, sign=True) == "+0.2 s"


def test_percent_points_number() -> None:
    assert fmt.percent(0.9191) == "91.9 %"
    assert fmt.percent(1) == "100.0 %"
    assert fmt.percent(0.235813) == "23.6 %"
    assert fmt.percent(-0.00001) == "0.0 %"
    assert fmt.percent(None) == "—"
    assert fmt.percent(np.nan) == "—"
    assert fmt.points(0.012) == "+1.2 pts"
    assert fmt.points(-0.0004) == "0.0 pts"
    assert fmt.number(1234.5) == "1,234.50"
    assert fmt.number(None) == "—"
    assert fmt.count(1234.0) == "1,234"
    assert fmt.decimal(1.34421) == "1.344"
    assert fmt.decimal(2.0) == "2"


def test_zero_changes_are_recognised_in_their_unit() -> None:
    assert fmt.is_zero_change(0.04, "duration")
    assert not fmt.is_zero_change(12, "duration")
    assert fmt.is_zero_change(0.0001, "share")
    assert not fmt.is_zero_change(0.01, "share")


def test_column_kinds() -> None:
    assert fmt.column_kind("first_response_median_s") == "duration"
    assert fmt.column_kind("aht_s") == "duration"
    assert fmt.column_kind("abandon_rate") == "share"
    assert fmt.column_kind("csat_score") == "share"
    assert fmt.column_kind("occupancy") == "share"
    assert fmt.column_kind("conversations") == "number"


def test_format_frame_by_column_name() -> None:
    frame = pd.DataFrame(
        {
            "agent": ["Maya", None],
            "conversations": [12, 3],
            "first_response_median_s": [6936.0, None],
            "csat_score": [0.9191, np.nan],
            "concurrency_mean": [1.34421, np.nan],
            "tags": [np.array(["a", "b"]), None],
        }
    )
    out = fmt.format_frame(frame)
    assert out.to_dict("records") == [
        {
            "agent": "Maya",
            "conversations": "12",
            "first_response_median_s": "1 h 56 min",
            "csat_score": "91.9 %",
            "concurrency_mean": "1.344",
            "tags": "a|b",
        },
        {
            "agent": "—",
            "conversations": "3",
            "first_response_median_s": "—",
            "csat_score": "—",
            "concurrency_mean": "—",
            "tags": "—",
        },
    ]
    assert frame["first_response_median_s"].iloc[0] == 6936.0  # the input is not changed


def render(frame: pd.DataFrame) -> str:
    from rich.console import Console

    from supportstats.cli._common import _readable, rich_table

    console = Console(width=200, record=True)
    console.print(rich_table(_readable(frame)))
    return console.export_text()


def test_cli_tables_show_durations_shares_and_dashes() -> None:
    """`--format table` (the terminal) reads as people read; CSV and JSON stay raw."""
    agents = pd.DataFrame(
        {
            "agent": ["Ana", None],
            "first_response_median_s": [6936.0, None],
            "csat_score": [0.9191, None],
        }
    )
    text = render(agents)
    assert "1 h 56 min" in text and "91.9 %" in text and "—" in text
    assert "6936" not in text and "6,936" not in text and "None" not in text
    card = pd.DataFrame(
        {
            "metric": ["wait_mean_s", "csat_score", "load_gini"],
            "value": [15.2178, 0.916, 0.148],
            "target": [120.0, 0.85, None],
            "change": [-1.2, 0.03, None],
        }
    )
    text = render(card)
    assert "15 s" in text and "2 min 00 s" in text and "-1.2 s" in text
    assert "91.6 %" in text and "+3.0 pts" in text and "0.148" in text
    assert "15.2178" not in text


def test_cli_csv_and_json_keep_raw_numbers() -> None:
    from supportstats.export import to_csv

    frame = pd.DataFrame({"first_response_median_s": [6936.0], "csat_score": [0.9191]})
    assert to_csv(frame).splitlines()[1] == "6936.0,0.9191"


def test_downloads_round_floats_without_changing_the_figures() -> None:
    from supportstats.export import tidy_floats, to_csv

    frame = pd.DataFrame(
        {
            "agent": ["=cmd|' /C calc'!A0", "Bo", "Cy", "Di"],
            "conversations": [12, 3, 0, 7],
            "occupancy": [46.60000000000002, 0.2358134567, np.nan, 0.0],
            "resolution_median_s": [55887.123456, 1234567.8, 0.000123456789, -3.14159265],
        }
    )
    lines = to_csv(tidy_floats(frame)).splitlines()
    assert lines[1:] == [
        "'=cmd|' /C calc'!A0,12,46.6,55887.1",  # still spreadsheet-safe
        "Bo,3,0.235813,1234568.0",  # the integer part is never rounded away
        "Cy,0,,0.000123457",
        "Di,7,0.0,-3.14159",
    ]
    assert frame["occupancy"].iloc[0] == 46.60000000000002  # the input is not changed
