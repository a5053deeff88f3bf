"""Compare two metric frames value by value: the differential check of the Spark engine."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

RELATIVE = 1e-9


def differences(
    expected: pd.DataFrame,
    actual: pd.DataFrame,
    keys: Sequence[str],
    counts: Sequence[str] = (),
    rel: float = RELATIVE,
) -> list[str]:
    """Every difference between two frames, one line each (empty when they agree): the same
    columns, the same rows (sorted by ``keys``), counts exactly equal, other numbers within
    ``rel`` relative (1e-12 absolute near 0), NULL where the other is NULL."""
    out: list[str] = []
    if list(expected.columns) != list(actual.columns):
        return [f"columns differ: {list(expected.columns)} != {list(actual.columns)}"]
    if len(expected) != len(actual):
        out.append(f"row counts differ: {len(expected)} != {len(actual)}")
    a = _sorted(expected, keys)
    b = _sorted(actual, keys)
    for i in range(min(len(a), len(b))):
        for col in a.columns:
            x, y = a[col].iloc[i], b[col].iloc[i]
            if not _same(x, y, col in counts, rel):
                where = ", ".join(f"{k}={a[k].iloc[i]!r}" for k in keys)
                out.append(f"row {i} ({where}) column {col}: {x!r} != {y!r}")
    return out


def _sorted(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    if not keys:
        return frame.reset_index(drop=True)
    shown = frame.assign(**{f"__{k}": frame[k].map(_key) for k in keys})
    order = [f"__{k}" for k in keys]
    return shown.sort_values(order, kind="stable").drop(columns=order).reset_index(drop=True)


def _key(value: Any) -> tuple:
    if _missing(value):
        return (1, "")
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return (
            0,
            pd.Timestamp(value).tz_localize(None).isoformat()
            if pd.Timestamp(value).tzinfo
            else pd.Timestamp(value).isoformat(),
        )
    return (0, str(value))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _same(x: Any, y: Any, exact: bool, rel: float) -> bool:
    if _missing(x) or _missing(y):
        return _missing(x) and _missing(y)
    if isinstance(x, str) or isinstance(y, str):
        return str(x) == str(y)
    if hasattr(x, "isoformat") or hasattr(y, "isoformat"):
        return _key(x) == _key(y)
    try:
        fx, fy = float(x), float(y)
    except (TypeError, ValueError):
        return x == y
    if exact:
        return fx == fy
    return math.isclose(fx, fy, rel_tol=rel, abs_tol=1e-12)
