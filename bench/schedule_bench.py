"""Benchmark: a week of 7 x 48 half hours turned into shifts, next to pyworkforce.

Run: python bench/schedule_bench.py [--time-limit 60] [--workers 2]

The requirement is realistic: a double-peak weekday (late morning and mid afternoon, an
evening shoulder, a night trough) with a weekend dip, turned into agents per half hour by
``supportstats.planning.staff`` (Erlang C, 80 % in 20 s, 5-minute handle time, 85 %
occupancy cap, 30 % shrinkage): 6 to 62 agents. Shifts: 8h30m starting every 30 minutes with
a 30-minute break in 5 positions (window 3h-5h30m after the start). Two scenarios:

* ``24/7``: open round the clock, the week repeating (a Sunday-night shift runs into
  Monday), 1,680 patterns;
* ``07-23``: the same shape, open 07:00-23:00 only (no demand at night), 560 patterns;
* ``07-23, night demand``: open 07:00-23:00 but contacts arrive at night too: those
  intervals cannot be covered (supportstats: status partial, the uncovered agent-hours
  reported; pyworkforce: infeasible, no schedule at all).

``supportstats.planning.schedule.schedule_shifts`` solves each; pyworkforce's
``MinRequiredResources`` (OR-Tools CP-SAT too) solves the same requirement in the same run
with the same shifts, given as its shift-coverage matrix: for 24/7 one 336-period "day" whose
patterns wrap around the week, for 07-23 seven days of 48 periods. Both minimise the number
of shifts under full coverage (all shifts are 8h30m, so that is also least agent-hours). The
table reports worked agent-hours (breaks excluded) against the requirement and against the
LP relaxation's bound (GLOP), over-staffing and wall time (model building included).
pyworkforce is a benchmark-only peer (``pip install -e '.[bench]'``); without it that part
is skipped with a message.
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
from supportstats.planning.schedule import (  # noqa: E402
    ShiftRules,
    generate_patterns,
    requirement_from_frame,
    schedule_shifts,
)

WEEK = pd.date_range("2026-01-05", periods=7 * 48, freq="30min")  # Monday 00:00, 336 x 30 min
SHIFT, BREAK, WINDOW = "8h30m", "30m", "3h-5h30m"  # 5 break positions
# name: (opening hours, whether contacts arrive at night too)
SCENARIOS = {
    "24/7": (None, True),
    "07-23": ("07:00-23:00", False),
    "07-23, night demand": ("07:00-23:00", True),
}


def weekly_requirement(night: bool) -> pd.DataFrame:
    """Agents required per half hour for a week (Erlang C on a double-peak volume)."""
    hours = np.asarray(WEEK.hour + WEEK.minute / 60)
    shape = (
        0.12
        + np.exp(-(((hours - 11) / 2.5) ** 2))
        + 0.85 * np.exp(-(((hours - 15.5) / 2.8) ** 2))
        + 0.3 * np.exp(-(((hours - 20.5) / 2.0) ** 2))
    )
    day = WEEK.day_of_week
    weekly = np.where(day < 5, 1.0, np.where(day == 5, 0.6, 0.5))
    volume = 180 * shape * weekly
    if not night:
        volume = np.where((hours >= 7) & (hours < 23), volume, 0.0)
    plan = staff(pd.DataFrame({
        "interval_start": WEEK, "volume": volume, "interval_s": 1800, "aht_s": 300,
        "sl_target": 0.8, "sl_threshold_s": 20, "max_occupancy": 0.85, "shrinkage": 0.3,
    }))  # fmt: skip
    return pd.DataFrame({"interval_start": WEEK, "agents_required": plan["agents_scheduled"]})


def pyworkforce_run(
    frame: pd.DataFrame, rules: ShiftRules, time_limit: float, workers: int
) -> dict[str, object]:
    """pyworkforce MinRequiredResources on the same patterns; coverage and hours recomputed
    from its answer."""
    from pyworkforce.scheduling import MinRequiredResources

    began = time.perf_counter()
    req = requirement_from_frame(frame)
    patterns = generate_patterns(req, rules)
    need = np.ceil(req.required).astype(int)
    matrix = np.zeros((patterns.size, req.size), dtype=int)
    matrix[patterns.cover_pattern, patterns.cover_interval] = 1
    if rules.open_hours is None:  # one 336-period day: patterns wrap around the week
        days, periods, names = 1, req.size, [f"p{p}" for p in range(patterns.size)]
        coverage = {n: matrix[p].tolist() for p, n in enumerate(names)}
        required = [need.tolist()]
    else:  # seven days of 48 periods, a shift's pattern relative to its day
        days, periods = 7, 48
        keys = sorted({(int(s) % 48, int(b)) for s, b in
                       zip(patterns.start, patterns.break_at, strict=True)})  # fmt: skip
        names = [f"s{s}b{b}" for s, b in keys]
        coverage = {}
        for (s, b), n in zip(keys, names, strict=True):
            p = np.flatnonzero((patterns.start == s) & (patterns.break_at == b))[0]
            coverage[n] = matrix[p, :48].tolist()
        required = need.reshape(7, 48).tolist()
    model = MinRequiredResources(
        num_days=days, periods=periods, shifts_coverage=coverage, required_resources=required,
        max_period_concurrency=int(need.max()) * 20, max_shift_concurrency=int(need.max()),
        max_search_time=float(time_limit), num_search_workers=workers,
    )  # fmt: skip
    solution = model.solve()
    elapsed = time.perf_counter() - began
    scheduled = np.zeros(req.size, dtype=int)
    shifts = 0
    if solution["status"] in ("OPTIMAL", "FEASIBLE"):
        for row in solution["resources_shifts"]:
            vector = np.asarray(coverage[row["shift"]]) * row["resources"]
            scheduled[row["day"] * periods : (row["day"] + 1) * periods] += vector
            shifts += row["resources"]
    return {"status": solution["status"].lower(), "scheduled": scheduled, "shifts": shifts,
            "seconds": elapsed}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for name, (open_hours, night) in SCENARIOS.items():
        frame = weekly_requirement(night)
        rules = ShiftRules.parse(SHIFT, BREAK, WINDOW, open_hours=open_hours)
        began = time.perf_counter()
        ours = schedule_shifts(frame, rules, time_limit_s=args.time_limit, workers=args.workers)
        seconds = time.perf_counter() - began
        required, lp = ours.required_agent_hours, ours.lp_bound_agent_hours
        coverable = required - ours.uncovered_agent_hours
        print(f"{name}: {len(frame)} intervals, {required:,.0f} agent-hours required "
              f"({coverable:,.0f} coverable), peak {frame['agents_required'].max()} agents, "
              f"{ours.patterns} patterns, LP bound {lp:,.1f} agent-hours, "
              f"{100 * (lp - coverable) / coverable:.2f} % over the coverable requirement: the "
              "floor any schedule of these shifts has")  # fmt: skip
        status = ours.status + (
            f", {ours.uncovered_intervals} short" if ours.uncovered_intervals else ""
        )
        rows.append(_row(name, "supportstats", status, int(ours.shifts["agents"].sum()),
                         ours.scheduled_agent_hours, ours.over_staffing_agent_hours, required,
                         lp, seconds))  # fmt: skip
        try:
            peer = pyworkforce_run(frame, rules, args.time_limit, args.workers)
        except ImportError:
            print("pyworkforce is not installed (pip install -e '.[bench]'): peer skipped")
            continue
        gap = peer["scheduled"] - frame["agents_required"].to_numpy()
        solved = peer["status"] in ("optimal", "feasible")
        rows.append(_row(name, "pyworkforce", peer["status"], peer["shifts"],
                         peer["scheduled"].sum() / 2 if solved else np.nan,
                         gap.clip(0).sum() / 2 if solved else np.nan, required, lp,
                         peer["seconds"]))  # fmt: skip
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False))
    print(f"\nTargets: within 1 % of the LP bound, <= 3 % over-staffing (24/7), <= 60 s on "
          f"{args.workers} workers.")  # fmt: skip


def _row(scenario, solver, status, shifts, worked, over, required, lp, seconds):  # noqa: ANN001, ANN202
    """One line of the table; over-staffing is agent-hours above the requirement."""
    return {
        "scenario": scenario, "solver": solver, "status": status, "shifts": shifts,
        "worked_agent_h": round(float(worked), 1), "lp_bound_h": round(lp, 1),
        "gap_to_lp_%": round(100 * (worked - lp) / lp, 2),
        "over_staffing_%": round(100 * over / required, 2),
        "seconds": round(seconds, 2),
    }  # fmt: skip


if __name__ == "__main__":
    main()
