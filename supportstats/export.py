"""CSV for spreadsheets: text cells that a spreadsheet would run as a formula are neutralised.

A cell such as ``=cmd|' /C calc'!A0`` in an agent name or a subject line is data, but Excel,
LibreOffice and Google Sheets run it as a formula when the CSV is opened (CSV injection). By
default every CSV that supportstats writes (the command line's ``--format csv`` and
``--output``, the dashboard's downloads) follows the OWASP rule: a *text* cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which
spreadsheets show as text and do not display. Numeric columns are never touched, nor is a
text cell that is a plain number (``-3.5``, ``+34``): both open as numbers and run nothing.
Column names get the same treatment (a planner CSV passes its own columns through).

``raw=True`` (``--raw-csv`` or ``SUPPORTSTATS_RAW_CSV=1`` on the command line) writes every
value exactly as stored, for programs that read the CSV back.

Light on purpose: pandas is imported inside the functions, so the command line can read
:data:`ENV_RAW_CSV` at start.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

ENV_RAW_CSV = "SUPPORTSTATS_RAW_CSV"

# First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)


def raw_from_env() -> bool:
    """Whether ``SUPPORTSTATS_RAW_CSV`` asks for values as stored (1, true, yes, on)."""
    return os.environ.get(ENV_RAW_CSV, "").strip().lower() in ("1", "true", "yes", "on")


def neutralise(value: Any) -> Any:
    """One cell made safe to open in a spreadsheet: text that a spreadsheet would run as a
    formula gets a leading apostrophe; anything else is returned as it is.

    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("-3.5"), neutralise(-3.5)
    ("'=cmd|' /C calc'!A0", '-3.5', -3.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not _NUMBER_RE.fullmatch(value):
            return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every formula-like text cell and column name neutralised.

    Only text columns are looked at (numbers, times and booleans cannot hold a formula), in
    vectorised string operations: a streamed year of conversations stays fast. The frame
    given is not changed; when nothing needs neutralising it is returned as it is.
    """
    import pandas as pd

    changed: dict[Any, pd.Series] = {}
    for col, series in frame.items():
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        kind = pd.api.types.infer_dtype(series, skipna=True)
        if kind == "string":
            flagged = series.str.startswith(FORMULA_STARTS, na=False)
            if flagged.any():
                flagged &= ~series.str.fullmatch(_NUMBER, na=False)
            if flagged.any():
                changed[col] = series.mask(flagged, "'" + series.astype(object).fillna(""))
        elif kind.startswith("mixed"):
            safe = series.map(neutralise)
            if not safe.equals(series):
                changed[col] = safe
    names = [neutralise(c) for c in frame.columns]
    if not changed and names == list(frame.columns):
        return frame
    out = frame.copy(deep=False)
    for col, series in changed.items():
        out[col] = series
    out.columns = names
    return out


# How a list (a conversation's tags) is written in a CSV cell: as the import format reads it.
LIST_SEPARATOR = "|"


def is_list(value: Any) -> bool:
    """Whether a cell holds a list (DuckDB lists reach pandas as numpy arrays)."""
    return isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1


def lists_joined(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every list cell written ``a|b`` (an empty list as an empty cell); the
    frame given is not changed, and returned as it is when it holds no lists."""

    changed: dict[Any, pd.Series] = {}
    for col, series in frame.items():
        if series.dtype != object:
            continue
        present = series.dropna()
        if present.empty or not is_list(present.iloc[0]):
            continue
        changed[col] = series.map(
            lambda v: LIST_SEPARATOR.join(str(x) for x in v) if is_list(v) else v
        )
    if not changed:
        return frame
    out = frame.copy(deep=False)
    for col, series in changed.items():
        out[col] = series
    return out


SIGNIFICANT = 6  # digits a download keeps: 46.60000000000002 -> 46.6, 55887.123 -> 55887.1


def tidy_floats(frame: pd.DataFrame, significant: int = SIGNIFICANT) -> pd.DataFrame:
    """The frame with every float rounded to ``significant`` digits, but never fewer
    decimals than it takes to keep the integer part (``1234567.8`` -> ``1234568``, not
    ``1.23457e+06``): float noise (``46.60000000000002``) goes, figures stay the same as
    shown to that precision. Integer, text and time columns are not touched; the frame
    given is not changed. For the dashboard's downloads; the command line writes raw
    numbers (scripts compare them).
    """
    import numpy as np

    changed = {}
    for col, series in frame.items():
        if series.dtype.kind != "f":
            continue
        values = series.to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            magnitude = np.floor(np.log10(np.abs(values)))
        decimals = np.clip(significant - 1 - np.nan_to_num(magnitude, neginf=0), 0, 15)
        rounded = [
            v if not np.isfinite(v) else round(float(v), int(d))
            for v, d in zip(values, decimals, strict=True)
        ]
        changed[col] = series.copy()
        changed[col][:] = rounded
    if not changed:
        return frame
    out = frame.copy(deep=False)
    for col, series in changed.items():
        out[col] = series
    return out


def to_csv(frame: pd.DataFrame, *, header: bool = True, raw: bool = False) -> str:
    """The frame as CSV text (no index), lists as ``a|b``, spreadsheet-safe unless ``raw``."""
    frame = lists_joined(frame)
    return (frame if raw else spreadsheet_safe(frame)).to_csv(index=False, header=header)
