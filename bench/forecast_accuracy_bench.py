"""Benchmark: rolling-origin forecast accuracy, the planner's model against stronger peers.

Run: python bench/forecast_accuracy_bench.py [--quick]

1. Speed: ``supportstats.planning.accuracy.rolling_accuracy`` on a year of 30-minute intervals
   (17,520 rows, daily and weekly shape, growth, Poisson noise) with 28 and 364 origins.
2. Accuracy on the demo warehouse and the two public call logs in ../shared/datasets
   (anonymous_bank_callcenter_1999: one row per call; bank_calls_5min_2003: counts per
   5 minutes), each imported with the real importers into a temporary warehouse:
   ``profile_trend`` (the planner), ``seasonal_naive`` and ``seasonal_ma``, and, when
   statsmodels is importable, MSTL (daily and weekly seasons, flat trend) and ETS (additive
   weekly season, no trend) as peers in the same run, with the verdict per data set and
   horizon by MASE. statsmodels is a benchmark-only peer (``pip install -e .[bench]``): the
   planner adopts a model only where it wins everywhere (docs/staffing.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from supportstats.db import open_warehouse  # noqa: E402
from supportstats.demo import build_demo_warehouse  # noqa: E402
from supportstats.importers import import_file  # noqa: E402
from supportstats.planning.accuracy import rolling_accuracy  # noqa: E402
from supportstats.planning.aggregate_history import aggregate_counts, interval_counts  # noqa: E402
from supportstats.planning.forecast import interval_history  # noqa: E402
from supportstats.planning.history import contact_history  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
BANK_1999 = DATASETS / "anonymous_bank_callcenter_1999" / "data_anonymous_bank_february.txt"
BANK_2003 = DATASETS / "bank_calls_5min_2003" / "bank_calls_5min.csv"
DAY = pd.Timedelta(days=1)


def year_of_intervals(seed: int = 2024) -> pd.DataFrame:
    """365 days of 30-minute volumes: open 07:00-20:00, weekends lighter, 20 % yearly growth."""
    rng = np.random.default_rng(seed)
    start = pd.date_range("2025-01-01", periods=365 * 48, freq="30min")
    hour = start.hour + start.minute / 60
    day = np.clip(np.sin((hour - 7) / 13 * np.pi), 0, None) ** 1.5
    week = np.where(start.day_of_week < 5, 1.0, 0.45)
    growth = 1 + 0.2 * np.arange(start.size) / start.size
    return pd.DataFrame({"interval_start": start, "volume": rng.poisson(60 * day * week * growth)})


def _history(db: Path) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as conn:
        contacts = contact_history(conn)
        counts = aggregate_counts(conn) if contacts.empty else None
    return interval_counts(counts, "30min") if counts is not None else interval_history(contacts)


def peers() -> dict:
    """MSTL and ETS as rolling_accuracy models, or {} without statsmodels."""
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.seasonal import MSTL
    except ImportError:
        print("statsmodels not installed: peers skipped (pip install -e .[bench])")
        return {}

    def mstl(train, first, freq, steps):
        per_day = int(DAY / freq)
        y = train[-8 * 7 * per_day :]
        periods = [p for p in (per_day, 7 * per_day) if 2 * p < len(y)]
        fit = MSTL(y, periods=periods).fit()
        seasonal = np.asarray(fit.seasonal).reshape(len(y), -1)
        ahead = np.arange(steps)
        repeat = sum(seasonal[len(y) - p + ahead % p, k] for k, p in enumerate(periods))
        return np.clip(np.asarray(fit.trend)[-1] + repeat, 0, None)

    def ets(train, first, freq, steps):
        week = 7 * int(DAY / freq)
        model = ExponentialSmoothing(
            train[-4 * week :], seasonal="add", seasonal_periods=week,
            initialization_method="heuristic",
        )  # fmt: skip
        return np.clip(model.fit().forecast(steps), 0, None)

    return {"mstl": mstl, "ets": ets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="speed part and the demo only")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # statsmodels' convergence chatter
    pd.set_option("display.width", 160)

    year = year_of_intervals()
    for origins in (28, 364):
        began = time.perf_counter()
        result = rolling_accuracy(year, origins=origins)
        took = time.perf_counter() - began
        best = result.loc[result["horizon"] == "1d"].set_index("model")["mase"].round(3)
        print(f"a year of 30-minute intervals, {origins} origins x 3 horizons: {took:.2f} s "
              f"(MASE at 1d: {best.to_dict()})")  # fmt: skip

    extra = peers()
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"demo": Path(tmp) / "demo.duckdb"}
        build_demo_warehouse(sets["demo"])
        if not args.quick:
            for name, file in (("bank 1999", BANK_1999), ("bank 2003 (5-min counts)", BANK_2003)):
                if not file.exists():
                    print(f"{name}: {file} not found, skipped")
                    continue
                sets[name] = Path(tmp) / f"{len(sets)}.duckdb"
                with open_warehouse(sets[name]) as conn:
                    import_file(conn, file)
        for name, db in sets.items():
            history = _history(db)
            began = time.perf_counter()
            result = rolling_accuracy(history, extra_models=extra)
            took = time.perf_counter() - began
            print(f"\n{name}: {len(history):,} intervals, {took:.1f} s with the peers")
            table = result.pivot_table(index="model", columns="horizon", values="mase")
            print(table[[h for h in ("1d", "7d", "14d") if h in table]].round(3).to_string())
            for peer in extra:
                wins = table.loc[peer] < table.loc["profile_trend"]
                print(f"  {peer} beats profile_trend by MASE at: "
                      f"{', '.join(wins[wins].index) or 'no horizon'}")  # fmt: skip


if __name__ == "__main__":
    main()
