"""Benchmark: a year of 15-minute intervals staffed with Erlang C and Erlang A.

Run: python bench/staffing_bench.py [--quick]

Builds 35,040 intervals (365 days x 96) with a daily and weekly shape, a yearly swell and
Poisson noise (peak about 130 Erlangs, closed nights with zero volume), solves them with
``supportstats.planning.staff`` (Erlang C, then Erlang A with 180 s patience), and, when
pyworkforce is importable, does the same work with it in the same run and compares the
staffing interval by interval, explaining every difference. pyworkforce is a benchmark-only
peer: ``pip install pyworkforce``; without it that part is skipped with a message.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supportstats.planning import staff  # noqa: E402

INTERVAL_S = 900
AHT_S = 300.0
TARGET, THRESHOLD_S = 0.8, 20.0
MAX_OCCUPANCY, SHRINKAGE, PATIENCE_S = 0.85, 0.3, 180.0


def year_of_intervals(seed: int = 2024) -> pd.DataFrame:
    """35,040 intervals of 15 minutes: contacts per interval with daily/weekly/yearly shape."""
    rng = np.random.default_rng(seed)
    start = pd.date_range("2025-01-01", periods=365 * 96, freq="15min")
    hour = start.hour + start.minute / 60
    day_shape = np.clip(np.sin((hour - 7) / 13 * np.pi), 0, None) ** 1.5  # open 07:00-20:00
    week_shape = np.where(start.day_of_week < 5, 1.0, 0.45)
    year_shape = 1 + 0.25 * np.sin(2 * np.pi * (start.day_of_year - 30) / 365)
    volume = rng.poisson(320 * day_shape * week_shape * year_shape)
    return pd.DataFrame({
        "interval_start": start, "volume": volume, "interval_s": INTERVAL_S, "aht_s": AHT_S,
        "sl_target": TARGET, "sl_threshold_s": THRESHOLD_S, "max_occupancy": MAX_OCCUPANCY,
        "shrinkage": SHRINKAGE,
    })  # fmt: skip


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def pyworkforce_erlang_c(volumes: np.ndarray) -> list[dict | None]:
    """pyworkforce's ErlangC per interval (its units: minutes); None where it raises."""
    from pyworkforce.queuing import ErlangC

    out: list[dict | None] = []
    for v in volumes:
        try:
            model = ErlangC(transactions=float(v), aht=AHT_S / 60, asa=THRESHOLD_S / 60,
                            interval=INTERVAL_S / 60, shrinkage=SHRINKAGE)  # fmt: skip
            out.append(model.required_positions(service_level=TARGET, max_occupancy=MAX_OCCUPANCY))
        except ValueError:  # zero volume: "transactions can't be smaller or equals than 0"
            out.append(None)
    return out


def pyworkforce_multi_seconds(volumes: np.ndarray) -> float:
    """Seconds pyworkforce's own multi-interval API (MultiErlangC, joblib) takes for these."""
    from pyworkforce.queuing import MultiErlangC

    grid = {
        "transactions": [float(v) for v in volumes],
        "aht": [AHT_S / 60],
        "asa": [THRESHOLD_S / 60],
        "interval": [INTERVAL_S / 60],
        "shrinkage": [SHRINKAGE],
    }
    t0 = time.perf_counter()
    MultiErlangC(param_grid=grid).required_positions(
        {"service_level": [TARGET], "max_occupancy": [MAX_OCCUPANCY]}
    )
    return time.perf_counter() - t0


def explain(ours: pd.DataFrame, theirs: list[dict | None]) -> None:
    """Compare staffing row by row; classify each difference by its known cause."""
    errors = sum(r is None for r in theirs)
    ok = np.array([r is not None for r in theirs])
    raw_pw = np.array([r["raw_positions"] if r else -1 for r in theirs])
    pos_pw = np.array([r["positions"] if r else -1 for r in theirs])
    a = ours["traffic_erlangs"].to_numpy()
    raw = ours["agents_raw"].to_numpy()
    sched = ours["agents_scheduled"].to_numpy()
    same = ok & (raw_pw == raw) & (pos_pw == sched)
    # pyworkforce starts at round(A + 1): when frac(A) > 0.5 it never tries n = ceil(A)
    skipped = ok & (raw_pw > raw) & (raw == np.ceil(a)) & (np.round(a + 1) > np.ceil(a))
    # float ceilings: ceil(raw / 0.7) or ceil(A / 0.85) off by one on a whole-number quotient
    ceil_sched = ok & (raw_pw == raw) & (pos_pw == sched + 1)
    ceil_occ = ok & ~skipped & (raw_pw == raw + 1) & (ours["binding_constraint"] == "occupancy")
    other = ok & ~same & ~skipped & ~ceil_sched & ~ceil_occ
    print(f"  identical raw and scheduled agents: {same.sum():,} of {ok.sum():,} intervals")
    print(f"  pyworkforce errors (zero volume):    {errors:,} (supportstats: 0 agents)")
    print(f"  pyworkforce skipped n = ceil(A):     {skipped.sum():,}")
    print(f"  pyworkforce float ceiling, shrinkage: {ceil_sched.sum():,}")
    print(f"  pyworkforce float ceiling, occupancy: {ceil_occ.sum():,}")
    print(f"  other differences (unexplained):     {other.sum():,}")
    for i in np.flatnonzero(other)[:5]:
        print(f"    row {i}: A={a[i]:.4f} ours {raw[i]}/{sched[i]}", end=" ")
        print(f"pyworkforce {raw_pw[i]}/{pos_pw[i]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pyworkforce on 2,000 intervals")
    args = parser.parse_args()
    frame = year_of_intervals()
    a = frame["volume"] * AHT_S / INTERVAL_S
    print(f"{len(frame):,} intervals of 15 min; peak {a.max():.1f} Erlangs, "
          f"{(frame['volume'] == 0).sum():,} closed (zero volume)")  # fmt: skip
    staff(frame.head(10))  # warm-up (imports, numpy first calls)

    plan_c, t_c = timed(staff, frame)
    print(f"supportstats Erlang C plan: {t_c:.3f} s (goal < 0.5 s), "
          f"{plan_c['agents_scheduled'].sum():,} agent-intervals scheduled")  # fmt: skip
    plan_a, t_a = timed(staff, frame.assign(patience_s=PATIENCE_S))
    print(f"supportstats Erlang A plan: {t_a:.3f} s (goal < 2 s), "
          f"{plan_a['agents_scheduled'].sum():,} agent-intervals scheduled "
          f"({1 - plan_a['agents_raw'].sum() / plan_c['agents_raw'].sum():.1%} fewer raw agents "
          f"than Erlang C with {PATIENCE_S:.0f} s patience)")  # fmt: skip

    try:
        import pyworkforce
        from pyworkforce import queuing
    except ImportError:
        print("pyworkforce is not importable: comparison skipped (pip install pyworkforce)")
        return
    version = getattr(pyworkforce, "__version__", "?")
    subset = frame if not args.quick else frame.iloc[: 2000 + 96 * 7]
    theirs, t_pw = timed(pyworkforce_erlang_c, subset["volume"].to_numpy())
    scale = len(frame) / len(subset)
    scaled = f" for {len(subset):,} (x{scale:.1f} = {t_pw * scale:.1f} s)" if scale > 1 else ""
    print(f"pyworkforce {version} ErlangC loop, same intervals: {t_pw:.2f} s{scaled}; "
          f"supportstats is {t_pw * scale / t_c:,.0f}x faster")  # fmt: skip
    explain(plan_c.iloc[: len(subset)], theirs)
    # MultiErlangC cannot take a zero-volume interval: time one week of open intervals.
    week = frame["volume"].to_numpy()[: 96 * 7]
    week = week[week > 0]
    t_multi = pyworkforce_multi_seconds(week) * (frame["volume"] > 0).sum() / week.size
    print(f"pyworkforce MultiErlangC (its multi-interval API, joblib): {t_multi:.1f} s for the "
          f"year's open intervals (timed on one week, scaled); supportstats is "
          f"{t_multi / t_c:,.0f}x faster")  # fmt: skip

    # A ten times bigger centre: pyworkforce re-runs the recursion from 1 for every candidate.
    big = frame.assign(volume=frame["volume"] * 10)
    big_plan, t_big = timed(staff, big)
    sample = big[big["volume"] > 0].sample(500, random_state=2)
    theirs_big, t_pw_big = timed(pyworkforce_erlang_c, sample["volume"].to_numpy())
    t_pw_big *= (big["volume"] > 0).sum() / len(sample)
    same = sum(
        r is not None and r["raw_positions"] == ours
        for r, ours in zip(theirs_big, big_plan.loc[sample.index, "agents_raw"], strict=True)
    )
    print(f"10x volume (peak {big['volume'].max() * AHT_S / INTERVAL_S:,.0f} Erlangs): "
          f"supportstats {t_big:.3f} s, pyworkforce ErlangC loop {t_pw_big:.1f} s (500 open "
          f"intervals timed, scaled): {t_pw_big / t_big:,.0f}x; same raw agents on "
          f"{same} of 500 sampled")  # fmt: skip

    if not hasattr(queuing, "ErlangA"):
        print(f"pyworkforce {version} has no ErlangA (added in 0.5.2, which needs Python 3.12): "
              "Erlang A comparison skipped")  # fmt: skip
        return
    sample = frame[frame["volume"] > 0].sample(100, random_state=1)
    t0 = time.perf_counter()
    agree = 0
    for (_, row), ours in zip(
        sample.iterrows(), staff(sample.assign(patience_s=PATIENCE_S)).itertuples(), strict=True
    ):
        model = queuing.ErlangA(
            transactions=float(row.volume), aht=AHT_S / 60, asa=THRESHOLD_S / 60,
            interval=INTERVAL_S / 60, patience=PATIENCE_S / 60, shrinkage=SHRINKAGE,
        )  # fmt: skip
        result = model.required_positions(service_level=TARGET, max_occupancy=MAX_OCCUPANCY)
        agree += result["raw_positions"] == ours.agents_raw
    per = (time.perf_counter() - t0) / len(sample)
    print(f"pyworkforce ErlangA: {per * 1000:.1f} ms per interval on 100 sampled intervals "
          f"(= {per * len(frame):,.0f} s for the year, "
          f"{per * len(frame) / t_a:,.0f}x supportstats); "
          f"same raw agents on {agree} of 100 (it never staffs below ceil(A))")  # fmt: skip


if __name__ == "__main__":
    main()
