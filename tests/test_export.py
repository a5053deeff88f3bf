"""supportstats.export: the spreadsheet-safe CSV the command line and the dashboard share."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from supportstats.export import neutralise, spreadsheet_safe, to_csv

FORMULA = "=cmd|' /C calc'!A0"


def test_each_formula_start_gets_an_apostrophe() -> None:
    for text in (FORMULA, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "-x"):
        assert neutralise(text) == "'" + text
    for text in ("plain", "", " =1", "'=1", "a=1", "-3.5", "+34", "-1e5", ".5", "-0"):
        assert neutralise(text) == text  # no formula start, or a plain number
    for value in (-3.5, -2, None, np.nan, True, pd.Timestamp("2024-03-01")):
        assert neutralise(value) is value


def test_only_text_cells_and_names_change() -> None:
    frame = pd.DataFrame(
        {
            "agent": [FORMULA, "-3.5", None, "ok"],
            "score": [-3.5, -1.0, np.nan, 2.0],
            "count": [-1, 2, 3, 4],
            "mixed": pd.Series(["=1", 5, None, "-x"], dtype=object),
            "kind": pd.Categorical(["@a", "b", "b", "b"]),
            "at": pd.to_datetime(["2024-03-01"] * 4),
            "=name": ["a", "b", "c", "d"],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["agent"].tolist()[:2] == ["'" + FORMULA, "-3.5"] and pd.isna(safe["agent"][2])
    assert safe["score"].equals(frame["score"]) and safe["count"].equals(frame["count"])
    assert safe["mixed"].tolist()[:2] == ["'=1", 5] and safe["mixed"][3] == "'-x"
    assert safe["kind"].tolist() == ["'@a", "b", "b", "b"]
    assert safe["at"].equals(frame["at"])
    assert list(safe.columns)[-1] == "'=name"
    assert frame["agent"][0] == FORMULA  # the frame given is not changed


def test_a_safe_frame_is_returned_as_it_is() -> None:
    frame = pd.DataFrame({"agent": ["Ann", "Bob"], "n": [-1, 2]})
    assert spreadsheet_safe(frame) is frame


def test_to_csv_raw_and_header() -> None:
    frame = pd.DataFrame({"agent": [FORMULA], "n": [-3.5]})
    rows = list(csv.reader(io.StringIO(to_csv(frame))))
    assert rows == [["agent", "n"], ["'" + FORMULA, "-3.5"]]
    assert list(csv.reader(io.StringIO(to_csv(frame, raw=True))))[1] == [FORMULA, "-3.5"]
    assert to_csv(frame, header=False).count("\n") == 1
