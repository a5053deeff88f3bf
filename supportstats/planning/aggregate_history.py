"""Volume history from aggregate-only sources (counts per period, no row per contact).

Some sources hold only counts, such as the 2003 bank's calls per 5 minutes
(``supportstats import bank_calls_5min.csv``): they land in ``source_aggregate`` and never in
``conversation``, so :func:`supportstats.planning.history.contact_history` cannot see them.
These functions read them and lay them on the planner's interval grid.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from supportstats.planning._validate import PlanningInputError, naive_utc
from supportstats.planning.forecast import _span, check_interval
from supportstats.sql import load_sql


def aggregate_counts(
    con: Any, report: str | None = None, metric: str | None = None
) -> pd.DataFrame:
    """Counts per period: ``report, metric, period_start, period_end, value`` (UTC).

    Only ``unit = 'count'`` rows of interval grain; ``report`` and ``metric`` narrow them.
    """
    sql = load_sql("planning/aggregate_counts.sql")
    params = {"report": report, "metric": metric}
    # through Arrow: DuckDB's own pandas conversion warns under pandas 3
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def interval_counts(counts: pd.DataFrame, interval: str | pd.Timedelta = "30min") -> pd.DataFrame:
    """``interval_start, volume`` from :func:`aggregate_counts` rows, every interval between
    the first and the last (periods with no row count 0: a closed night or weekend is data).

    The rows must be one series (one report and metric) with periods no longer than
    ``interval``, each inside one interval (a 5-minute count into 30-minute intervals).
    """
    freq = check_interval(interval)
    if counts.empty:
        raise PlanningInputError(
            "no aggregate counts in the warehouse",
            hint="import contacts, or a file of counts per interval (e.g. bank_calls_5min)",
        )
    series = counts[["report", "metric"]].drop_duplicates()
    if len(series) > 1:
        names = ", ".join(f"{r}/{m}" for r, m in series.itertuples(index=False))
        raise PlanningInputError(
            f"the warehouse holds several count series ({names})",
            hint="choose one report and metric",
        )
    start = naive_utc(counts["period_start"])
    end = naive_utc(counts["period_end"])
    slot = start.dt.floor(freq)
    spill = end > slot + freq
    if spill.any():
        row = int(spill.to_numpy().argmax())
        raise PlanningInputError(
            f"a count covers {start.iloc[row]:%Y-%m-%d %H:%M} to {end.iloc[row]:%H:%M}, "
            f"across a {_span(freq)} interval boundary",
            hint="use an interval that is a multiple of the counts' period, e.g. 30min or 1h",
        )
    volume = pd.Series(counts["value"].to_numpy(float), index=slot).groupby(level=0).sum()
    grid = pd.date_range(volume.index.min(), volume.index.max(), freq=freq)
    volume = volume.reindex(grid, fill_value=0.0)
    return pd.DataFrame({"interval_start": grid, "volume": volume.to_numpy()})
