"""The differential check's comparator (``supportstats.spark.compare.differences``) finds every
kind of mismatch and lets through only what the issue allows (1e-9 relative off counts)."""

from __future__ import annotations

import pandas as pd
import pytest

from supportstats.spark.compare import differences


def frame(**changes) -> pd.DataFrame:
    base = {
        "agent": ["ana", "bo", "cy"],
        "conversations": pd.array([3, 5, None], dtype="Int64"),
        "mean_s": [10.0, 2.5e6, float("nan")],
        "first_at": pd.to_datetime(["2026-03-01 10:00", None, "2026-03-02 09:30"]),
        "status": ["met", None, "breached"],
    }
    return pd.DataFrame({**base, **changes})


def test_the_same_frame_in_another_order_agrees():
    want = frame()
    assert differences(want, want.iloc[::-1], ["agent"], ["conversations"]) == []


def test_noise_within_1e_9_relative_and_counts_as_floats_agree():
    got = frame(mean_s=[10.0 * (1 + 1e-12), 2.5e6 * (1 - 5e-10), float("nan")],
                conversations=[3.0, 5.0, None])  # fmt: skip
    assert differences(frame(), got, ["agent"], ["conversations"]) == []


@pytest.mark.parametrize(
    ("column", "values", "shown"),
    [
        ("conversations", pd.array([3, 6, None], dtype="Int64"), "column conversations: 5 != 6"),
        ("conversations", pd.array([3, 5, 0], dtype="Int64"), "column conversations: NULL != 0"),
        ("mean_s", [10.0, 2.5e6 * (1 + 2e-9), float("nan")], "column mean_s: 2500000.0 !="),
        ("mean_s", [10.0, 2.5e6, 0.0], "column mean_s: NULL != 0.0"),
        ("status", ["met", None, "missed"], "column status: 'breached' != 'missed'"),
        ("status", ["met", "met", "breached"], "column status: NULL != 'met'"),
        ("first_at", pd.to_datetime(["2026-03-01 10:00", None, "2026-03-02 09:31"]), "first_at"),
    ],
)
def test_each_kind_of_mismatch_is_named_with_its_row(column, values, shown):
    found = differences(frame(), frame(**{column: values}), ["agent"], ["conversations"])
    assert len(found) == 1
    assert shown in found[0] and "agent=" in found[0]


def test_a_count_differs_even_by_less_than_1e_9_relative():
    want = frame(conversations=pd.array([3, 5_000_000_000, None], dtype="Int64"))
    got = frame(conversations=pd.array([3, 5_000_000_001, None], dtype="Int64"))
    assert len(differences(want, got, ["agent"], ["conversations"])) == 1
    assert differences(want, got, ["agent"], []) == []


def test_missing_rows_and_other_columns_are_named():
    assert differences(frame(), frame().iloc[:2], ["agent"])[0] == "row counts differ: 3 != 2"
    assert differences(frame(), frame().drop(columns="status"), ["agent"])[0].startswith(
        "columns differ"
    )
