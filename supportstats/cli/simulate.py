"""``supportstats simulate``: replay a plan (or a schedule's coverage) through a discrete-event
simulation, next to the Erlang prediction; ``--iterate`` raises the plan where it misses.

Thin command: options, files and the warehouse here; the model in
:mod:`supportstats.planning.simulate`. Columns and definitions: docs/staffing.md, "Simulation".
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from supportstats.cli._common import (
    DbOption,
    OutputFormat,
    RawCsvOption,
    WaitOption,
    reports_errors,
    stderr,
)
from supportstats.cli.plan import OutputOption, _check_output, _emit, _read_csv, _timedelta
from supportstats.errors import InputFileError, OptionError

# pandas, numpy, simpy and the planner are imported inside the command: --help must be fast.
if TYPE_CHECKING:
    import pandas as pd

    from supportstats.planning import PlanningInputError

MAX_REPLICATIONS = 10_000  # planning.simulate.MAX_REPLICATIONS, without importing numpy here


class HandleTimes(StrEnum):
    """Where simulated handle times come from."""

    exponential = "exponential"
    history = "history"


def _file_error(path: Path, exc: PlanningInputError, frame: pd.DataFrame) -> InputFileError:
    message = exc.message
    if message.startswith("missing column"):
        found = ", ".join(map(str, frame.columns[:8])) + (", ..." if frame.shape[1] > 8 else "")
        message += f" (found: {found})"
    return InputFileError(f"{path}: {message}", exc.hint)


def _levels(text: str) -> list[float]:
    """``180,210,240`` (a semicolon or spaces also separate) as handle times per level."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        levels = [float(p) for p in parts]
    except ValueError:
        levels = []
    if not levels or not all(0 < v < float("inf") for v in levels) or len(levels) > 100:
        raise OptionError(
            f"--aht-by-level {text!r} is not a list of 1 to 100 handle times in seconds",
            "one per concurrency level, e.g. --aht-by-level 180,210,240",
        )
    return levels


def _one_queue(plan: pd.DataFrame, queue: str, path: Path) -> pd.DataFrame:
    if "queue" not in plan.columns:
        raise InputFileError(
            f"{path}: --queue {queue}: the plan has no queue column",
            "leave --queue out to simulate the whole plan",
        )
    keys = plan["queue"].astype("string").fillna("")
    kept = plan[(keys == queue).to_numpy()]
    if kept.empty:
        found = ", ".join(sorted(set(keys.tolist())))[:200]
        raise OptionError(f"--queue {queue}: not in {path} (queues: {found})",
                          "give one of the plan's queue values")  # fmt: skip
    return kept.reset_index(drop=True)


def _history_units(db: Path, wait: str | None, queues: list[str]) -> dict[str, object]:
    """The warehouse's handle times per queue of the plan ("" = every queue)."""
    from supportstats.db import open_warehouse
    from supportstats.planning.history import contact_history

    with open_warehouse(db, read_only=True, wait=wait) as conn:
        return {
            key: contact_history(conn, key or None)["handle_s"].to_numpy(dtype=float)
            for key in queues
        }


def _summary(result: pd.DataFrame, replications: int, seconds: float) -> str:
    offered = result["offered_sim"].fillna(0.0)
    volume = result["volume"].fillna(0.0)
    sim = (result["service_level_sim"].fillna(0.0) * offered).sum() / max(offered.sum(), 1e-12)
    erl = (result["service_level_erlang"].fillna(1.0) * volume).sum() / max(volume.sum(), 1e-12)
    return (
        f"Simulated {replications} replications of {len(result):,} intervals "
        f"({offered.sum():,.0f} contacts each) in {seconds:.1f} s: service level {sim:.1%} "
        f"pooled over the plan, Erlang {erl:.1%}"
    )


@reports_errors
def simulate_command(
    plan_csv: Path = typer.Argument(
        ..., help="Plan CSV: staff's input columns plus agents (or a staff/plan output)."
    ),
    replications: int = typer.Option(
        20, "--replications", help="Independent runs; the confidence intervals come from them."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed, the same output."),
    handle_times: HandleTimes = typer.Option(
        HandleTimes.exponential,
        "--handle-times",
        help="exponential with each interval's aht_s, or history: the warehouse's handle times "
        "(needs --db), rescaled to each interval's aht_s.",
    ),
    db: Path | None = DbOption,
    wait: str | None = WaitOption,
    queue: str | None = typer.Option(None, "--queue", help="Only this queue of the plan."),
    coverage: Path | None = typer.Option(
        None,
        "--coverage",
        help="Replay a schedule: coverage CSV of supportstats schedule (interval_start, "
        "scheduled); agents = floor(scheduled x (1 - shrinkage)).",
    ),
    aht_by_level: str | None = typer.Option(
        None,
        "--aht-by-level",
        help="Chat: handle time (s) of a chat while its agent holds 1, 2, 3 ... chats, e.g. "
        "180,210,240 (Erlang Chat; replaces the plan's aht_s and concurrency).",
    ),
    iterate: bool = typer.Option(
        False, "--iterate", help="Raise agents where the simulated SL misses sl_target, repeat."
    ),
    max_iterations: int = typer.Option(
        10, "--max-iterations", help="With --iterate: at most this many simulations."
    ),
    warmup: str | None = typer.Option(
        None,
        "--warmup",
        help="Simulated time before the first interval, e.g. 2h [default: one interval or "
        "five handle times, the longer].",
        show_default=False,
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.csv, "--format", "-f", help="csv, json or table."
    ),
    output: Path | None = OutputOption,
    raw_csv: bool = RawCsvOption,
) -> None:
    """Simulated service level, ASA and abandonment per interval, next to Erlang's.

    Each queue runs continuously through its intervals (waiting contacts and busy agents carry
    over), replicated with different random contacts; the service level is answered within
    sl_threshold_s over offered, pooled over the replications, with a 95 % interval.

    Example: supportstats simulate plan.csv --replications 20 --seed 1 --format csv
    """
    if replications < 1 or replications > MAX_REPLICATIONS:
        raise OptionError(
            f"--replications {replications} is not between 1 and {MAX_REPLICATIONS:,}",
            "e.g. --replications 20 (the confidence interval needs at least 2)",
        )
    if max_iterations < 1:
        raise OptionError(f"--max-iterations {max_iterations} is below 1", "e.g. 10")
    if handle_times is HandleTimes.history and db is None:
        raise OptionError(
            "--handle-times history needs --db",
            "give the warehouse whose handle times to draw from, e.g. --db support.duckdb",
        )
    warmup_s = None if warmup is None else _timedelta(warmup, "--warmup").total_seconds()
    levels = None if aht_by_level is None else _levels(aht_by_level)
    _check_output(output)

    from supportstats.planning import PlanningInputError
    from supportstats.planning.simulate import (
        CoverageError,
        agents_from_coverage,
        iterate_staffing,
        queue_plans,
        simulate_plan,
    )

    plan = _read_csv(plan_csv)
    if queue is not None:
        plan = _one_queue(plan, queue, plan_csv)
    if coverage is not None:
        table = _read_csv(coverage)
        try:
            plan = agents_from_coverage(plan, table)
        except CoverageError as exc:
            raise _file_error(coverage, exc, table) from None
        except PlanningInputError as exc:
            raise _file_error(plan_csv, exc, plan) from None
    sample = None
    if handle_times is HandleTimes.history:
        try:  # the plan's own errors first, before the warehouse is read
            queue_plans(plan)
        except PlanningInputError as exc:
            raise _file_error(plan_csv, exc, plan) from None
        keys = ["" if queue is None else queue]
        if "queue" in plan.columns:
            keys = list(dict.fromkeys(plan["queue"].astype("string").fillna("").tolist()))
        assert db is not None
        sample = _history_units(db, wait, keys)
    options = dict(replications=replications, seed=seed, handle_times=handle_times.value,
                   handle_sample=sample, warmup_s=warmup_s)  # fmt: skip
    started = time.perf_counter()
    try:
        if iterate:
            found = iterate_staffing(
                plan, max_iterations=max_iterations, aht_by_level=levels, **options
            )
            result = found.plan
        else:
            result = simulate_plan(plan, aht_by_level=levels, **options)
    except PlanningInputError as exc:
        if exc.message.startswith("only ") and "handle times" in exc.message:
            raise OptionError(f"--handle-times history: {exc.message}", exc.hint) from None
        raise _file_error(plan_csv, exc, plan) from None
    seconds = time.perf_counter() - started
    _emit(result, fmt, output, title="Simulation", raw_csv=raw_csv)
    stderr.print(_summary(result, replications, seconds))
    if iterate:
        before, after = int(result["agents"].sum()), int(result["agents_iterated"].sum())
        counts = " -> ".join(str(n) for n in found.below_target)
        end = "every interval meets its target" if found.converged else (
            f"stopped after --max-iterations {max_iterations} with {found.below_target[-1]} "
            "below target"
        )  # fmt: skip
        stderr.print(
            f"Iterated: {found.iterations} simulations, intervals below target {counts}; "
            f"agent-intervals {before:,} -> {after:,} (+{after - before:,}); {end}"
        )


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the main app."""
    app.command("simulate")(simulate_command)
