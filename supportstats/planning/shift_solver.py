"""The set-covering model solved: CP-SAT for the integer schedule, GLOP for the LP bound of the
same model, and the LP optimum rounded and repaired as a schedule in hand before the search."""

from __future__ import annotations

import math
import os

import numpy as np

from supportstats.planning.shift_patterns import Patterns, coverers
from supportstats.planning.shift_requirement import Requirement


def default_workers() -> int:
    """CP-SAT search workers: the machine's cores (at least 2, at most 8)."""
    return max(2, min(8, os.cpu_count() or 2))


def schedule_cost(patterns: Patterns, need: np.ndarray, counts: np.ndarray) -> int:
    """The model's objective: worked intervals plus the penalty for coverable shortfall."""
    cover = np.bincount(
        patterns.cover_interval, counts[patterns.cover_pattern], minlength=len(need)
    )
    coverable = np.bincount(patterns.cover_interval, minlength=len(need)) > 0
    short = np.clip(need - cover, 0, None)[coverable].sum()
    return int((patterns.work * counts).sum() + (patterns.work.max() + 1) * short)


def rounded_lp(patterns: Patterns, need: np.ndarray, lp_counts: np.ndarray) -> np.ndarray:
    """A covering schedule from the LP optimum: rounded down, the first short interval in time
    order given the pattern covering most short intervals per hour worked until none is
    short, then any shift no interval needs dropped. Within a few per cent of the LP bound."""
    size = len(need)
    order = np.argsort(patterns.cover_pattern, kind="stable")
    by_pattern = np.split(
        patterns.cover_interval[order],
        np.searchsorted(patterns.cover_pattern[order], np.arange(1, patterns.size)),
    )
    by_interval = coverers(patterns, size)
    goal = np.where([len(c) > 0 for c in by_interval], need, 0)
    counts = np.floor(lp_counts + 1e-6).astype(np.int64)
    cover = np.bincount(patterns.cover_interval, counts[patterns.cover_pattern], minlength=size)
    short = goal > cover
    while short.any():
        t = int(np.argmax(short))
        gains = [short[by_pattern[p]].sum() / patterns.work[p] for p in by_interval[t]]
        best = int(by_interval[t][int(np.argmax(gains))])
        counts[best] += 1
        cover[by_pattern[best]] += 1
        short = goal > cover
    for p in np.argsort(-patterns.work, kind="stable"):
        while counts[p] and (cover[by_pattern[p]] > goal[by_pattern[p]]).all():
            counts[p] -= 1
            cover[by_pattern[p]] -= 1
    return counts


def solve_cp_sat(
    req: Requirement, patterns: Patterns, need: np.ndarray, time_limit_s: float, workers: int
) -> tuple[np.ndarray | None, str, float]:
    """Agents per pattern (None when no solution was found in time), CP-SAT's status name and
    its best objective bound."""
    from ortools.sat.python import cp_model

    by_interval = coverers(patterns, req.size)
    # An agent more than the largest need on a pattern's intervals can never help.
    upper = np.zeros(patterns.size, dtype=np.int64)
    np.maximum.at(upper, patterns.cover_pattern, need[patterns.cover_interval])
    model = cp_model.CpModel()
    x = [model.new_int_var(0, int(u), f"x{p}") for p, u in enumerate(upper)]
    # Above the hours of any one shift: leaving an interval short never pays.
    penalty = int(patterns.work.max()) + 1
    shortfall = []
    for t in np.flatnonzero(need > 0):
        who = by_interval[t]
        if len(who) == 0:
            continue  # no shift reaches it: uncovered whatever the solver does
        short = model.new_int_var(0, int(need[t]), f"short{t}")
        shortfall.append(short)
        model.add(sum(x[p] for p in who) + short >= int(need[t]))
    model.minimize(
        cp_model.LinearExpr.weighted_sum(x, [int(w) for w in patterns.work])
        + penalty * cp_model.LinearExpr.sum(shortfall)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, math.nan  # no schedule within the time limit: the caller's fallback
    counts = np.array([solver.value(v) for v in x], dtype=np.int64)
    return counts, name, float(solver.best_objective_bound)


def lp_bound(req: Requirement, patterns: Patterns, need: np.ndarray) -> tuple[float, np.ndarray]:
    """The LP relaxation's optimum (GLOP), in worked intervals -- the least any schedule of
    these patterns can work while covering every coverable interval -- and its agents per
    pattern."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0.0, solver.infinity(), f"x{p}") for p in range(patterns.size)]
    for t, who in enumerate(coverers(patterns, req.size)):
        if need[t] > 0 and len(who):
            row = solver.Constraint(float(need[t]), solver.infinity())
            for p in who:
                row.SetCoefficient(x[p], 1.0)
    objective = solver.Objective()
    for p, w in enumerate(patterns.work):
        objective.SetCoefficient(x[p], float(w))
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:  # pragma: no cover - a covering LP is bounded
        return math.nan, np.zeros(patterns.size)
    return objective.Value(), np.array([v.solution_value() for v in x])
