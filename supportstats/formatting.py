"""Numbers as people read them: one set of rules for the terminal, the charts and the dashboard.

* durations (seconds in): ``38 s``, ``4 min 12 s``, ``1 h 05 min``, ``2 d 3 h``; under 10 s
  one decimal (``2.5 s``), never float noise (``15.2178`` -> ``15 s``);
* shares (0-1 in): ``91.9 %``; changes of a share in percentage points: ``+1.2 pts``;
* anything missing (None, NaN, NaT, pandas NA): ``—`` (:data:`EMPTY`);
* other numbers: thousands separators, at most a few decimals, trailing zeros dropped.

Which rule a report column follows is read from its name (:func:`column_kind`): ``*_s`` are
seconds, ``*_rate``, ``csat_*`` and the occupancy family are shares. Only what people read is
formatted: CSV and JSON output keep the raw numbers for programs.

No pandas, Streamlit or plotly at import: the command line imports this at start.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from supportstats.export import LIST_SEPARATOR, is_list

if TYPE_CHECKING:
    import pandas as pd

EMPTY = "—"  # an em dash: the value is missing (not zero)

MINUTE = 60
HOUR = 3600
DAY = 86400

# Report columns holding a share (0-1) though their names do not end in _rate.
SHARE_COLUMNS = frozenset(
    {
        "csat_score",
        "csat_mean",
        "csat_ci_low",
        "csat_ci_high",
        "occupancy",
        "utilisation",
        "service_level",
        "sl_target",
        "shrinkage",
        "max_occupancy",
        "abandon_probability",
        "concurrency_share_ge_k",
        "share",
        "attainment",
    }
)


def missing(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA (anything not equal to itself, or NA-like)."""
    if value is None:
        return True
    if is_list(value) or isinstance(value, dict):
        return False
    try:
        if value != value:  # NaN, NaT
            return True
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _number(value: Any) -> float | None:
    if missing(value) or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def duration(value: Any, *, sign: bool = False) -> str:
    """Seconds as people read them.

    >>> [duration(v) for v in (0, 38, 252, 3900, 93780, None)]
    ['0 s', '38 s', '4 min 12 s', '1 h 05 min', '1 d 2 h', '—']

    Each size keeps two units at most, rounded in the smaller one (``3599.6`` s is
    ``1 h 00 min``). ``sign=True`` writes ``+`` before a positive value (a change); a value
    that rounds to zero is ``0 s`` either way (never ``-0 s``).
    """
    f = _number(value)
    if f is None:
        return EMPTY
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    prefix = "-" if f < 0 else ("+" if sign else "")
    f = abs(f)
    if f < 9.95:
        text = f"{f:.1f}".removesuffix(".0")
        return "0 s" if text == "0" else f"{prefix}{text} s"
    total = round(f)
    if total < MINUTE:
        return f"{prefix}{total} s"
    if total < HOUR:
        return f"{prefix}{total // MINUTE} min {total % MINUTE:02d} s"
    minutes = round(f / MINUTE)
    if minutes < DAY // MINUTE:
        return f"{prefix}{minutes // 60} h {minutes % 60:02d} min"
    hours = round(f / HOUR)
    return f"{prefix}{hours // 24} d {hours % 24} h"


def percent(value: Any, digits: int = 1) -> str:
    """A share (0-1) as a percentage: ``0.9191`` -> ``91.9 %``; missing -> ``—``."""
    f = _number(value)
    if f is None:
        return EMPTY
    text = f"{f * 100:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")  # never "-0.0 %"
    return f"{text} %"


def points(change: Any, digits: int = 1) -> str:
    """The change of a share in percentage points: ``0.012`` -> ``+1.2 pts``; a change that
    rounds to zero is ``0.0 pts`` (no sign)."""
    f = _number(change)
    if f is None:
        return EMPTY
    text = f"{f * 100:+.{digits}f}"
    if float(text) == 0:
        return f"{abs(float(text)):.{digits}f} pts"
    return f"{text} pts"


def number(value: Any, digits: int = 2) -> str:
    """A plain number with thousands separators: ``1234.5`` -> ``1,234.50``; missing -> ``—``."""
    f = _number(value)
    if f is None:
        return EMPTY
    text = f"{f:,.{digits}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def count(value: Any) -> str:
    """A count: ``1234`` -> ``1,234``; missing -> ``—``."""
    f = _number(value)
    return EMPTY if f is None else f"{round(f):,}"


def decimal(value: Any, digits: int = 3) -> str:
    """Up to ``digits`` decimals, trailing zeros dropped: ``1.3442`` -> ``1.344``,
    ``2.0`` -> ``2``; large and tiny values keep three significant digits."""
    f = _number(value)
    if f is None:
        return EMPTY
    if f != 0 and (abs(f) >= 1e15 or abs(f) < 10**-digits):
        return f"{f:.3g}"
    text = f"{f:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_zero_change(change: Any, kind: str) -> bool:
    """Whether a change shows as zero in its unit (a delta that should not be coloured)."""
    if kind == "duration":
        return duration(change) == "0 s"
    if kind == "share":
        return points(change) == "0.0 pts"
    f = _number(change)
    return f is not None and number(f) == number(0)


def column_kind(name: str) -> str:
    """``duration``, ``share``, ``count`` or ``number`` for a report column name.

    Seconds end in ``_s`` (``first_response_median_s``, ``aht_s``); shares end in ``_rate`` or
    are named in :data:`SHARE_COLUMNS`; everything else is a plain number.
    """
    name = str(name)
    if name.endswith("_s"):
        return "duration"
    if name.endswith("_rate") or name in SHARE_COLUMNS:
        return "share"
    return "number"


def formatter(name: str) -> Callable[[Any], str]:
    """The function that formats one value of column ``name`` (see :func:`column_kind`)."""
    kind = column_kind(name)
    if kind == "duration":
        return duration
    if kind == "share":
        return percent
    return cell


def cell(value: Any) -> str:
    """Any value of a column that is neither seconds nor a share: numbers as
    :func:`decimal` (integers as they are), text as it is, missing as ``—``."""
    if missing(value):
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_list(value):
        return LIST_SEPARATOR.join(cell(v) for v in value)
    if isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        return str(int(value))
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        return decimal(value)
    return str(value)


def change(name: str, value: Any) -> str:
    """A change of column ``name`` with its sign: ``+1.2 pts`` for shares, ``-38 s`` for
    durations, ``+0.5`` otherwise; a change that rounds to zero has no sign."""
    kind = column_kind(name)
    if kind == "share":
        return points(value)
    if kind == "duration":
        return duration(value, sign=True)
    f = _number(value)
    if f is None:
        return EMPTY
    text = decimal(f)
    return text if text == "0" or text.startswith("-") else f"+{text}"


def format_value(name: str, value: Any) -> str:
    """One value of column ``name`` as text (text values pass through unchanged)."""
    if isinstance(value, str):
        return value
    return formatter(name)(value)


def format_frame(frame: pd.DataFrame, *, keep_integers: bool = False) -> pd.DataFrame:
    """Every cell of ``frame`` as the text people read, by column name (a copy; the index,
    column names and row order stay). Text cells pass through, missing ones become ``—``.
    ``keep_integers`` leaves integer and boolean columns as they are (a table that sorts)."""
    out = frame.copy()
    for col in frame.columns:
        series = frame[col]
        if keep_integers and series.dtype.kind in "iub":
            continue
        out[col] = series.astype(object).map(lambda v, c=str(col): format_value(c, v))
    return out
