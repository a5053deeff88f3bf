"""Compare two metric frames value by value: the differential check of the Spark engine."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
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
    n = min(len(expected), len(actual))
    a = _sorted(expected, keys).iloc[:n]
    b = _sorted(actual, keys).iloc[:n]
    for col in a.columns:
        wrong = np.flatnonzero(~_same_column(a[col], b[col], col in counts, rel))
        for i in wrong:
            where = ", ".join(f"{k}={_shown(a[k].iloc[i])}" for k in keys)
            x, y = a[col].iloc[i], b[col].iloc[i]
            out.append(f"row {i} ({where}) column {col}: {_shown(x)} != {_shown(y)}")
    return out


def _same_column(x: pd.Series, y: pd.Series, exact: bool, rel: float) -> np.ndarray:
    """Row by row, whether ``x`` and ``y`` agree (as :func:`_same`); numeric columns compared
    as arrays, because a Python loop over a per-conversation table takes minutes."""
    numeric = [pd.api.types.is_numeric_dtype(s) for s in (x, y)]
    if not all(numeric):
        return np.array(
            [_same(p, q, exact, rel) for p, q in zip(x.tolist(), y.tolist(), strict=True)],
            dtype=bool,
        )
    fx, fy = (s.to_numpy(dtype=float, na_value=np.nan) for s in (x, y))
    both_missing = np.isnan(fx) & np.isnan(fy)
    with np.errstate(invalid="ignore"):
        if exact:
            return both_missing | (fx == fy)
        bound = np.maximum(rel * np.maximum(np.abs(fx), np.abs(fy)), 1e-12)
        return both_missing | (fx == fy) | (np.abs(fx - fy) <= bound)


def _shown(value: Any) -> str:
    return "NULL" if _missing(value) else repr(value.item() if hasattr(value, "item") else value)


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
