"""Benchmark: 10 replications of a week of 15-minute intervals through ``supportstats simulate``.

Run: python bench/simulate_bench.py [--quick] [--replications 10]

Builds a week (7 x 96 intervals) of a voice queue with a daily and weekly shape (about 180
contacts per 15 minutes at the weekday peak, 300 s handle time, 180 s mean patience, 80 % in
20 s), staffs it period by period with ``staff`` (SIPP), and in the same run:

* evaluates the plan with Erlang A (``staff`` at the plan's agents): the floor, what one
  formula per interval costs;
* simulates it (``simulate_plan``, 10 replications): wall time against the 30 s goal,
  simulated contacts per second, the whole week's pooled service level with its 95 % interval
  next to Erlang's;
* simulates the same arrivals as chat, agents holding up to 3 chats that slow down with each
  one held (``aht_by_level``), staffed with ``chat_agents``, next to Erlang Chat;
* runs the iterative staffing from the same plan;
* replays the same plan in two other engines for the engine choice (docs/staffing.md,
  "Simulation"): ciw 3 (its PoissonIntervals arrivals, a non-preemptive server Schedule and
  exponential reneging) and simpy the naive way (a process per contact waiting on a
  PriorityResource request or its patience; agents off duty are "blocker" requests). Each is
  skipped with a message when its package is missing (``pip install ciw``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supportstats.planning import staff  # noqa: E402
from supportstats.planning.chat import chat_agents  # noqa: E402
from supportstats.planning.simulate import (  # noqa: E402
    iterate_staffing,
    queue_plans,
    queue_seed,
    simulate_counts,
    simulate_plan,
)

INTERVAL_S, AHT_S, PATIENCE_S = 900.0, 300.0, 180.0
TARGET, THRESHOLD_S = 0.8, 20.0


def week_plan() -> pd.DataFrame:
    """672 intervals of 15 minutes, staffed period by period (agents_raw) with Erlang A."""
    start = pd.date_range("2026-03-02", periods=7 * 96, freq="15min")
    hour = start.hour + start.minute / 60
    day = np.clip(np.sin((hour - 7) / 15 * np.pi), 0, None) ** 1.2  # open 07:00-22:00
    volume = np.round(180 * day * np.where(start.day_of_week < 5, 1.0, 0.55) + 2)
    frame = pd.DataFrame({
        "interval_start": start.strftime("%Y-%m-%d %H:%M"), "volume": volume,
        "interval_s": INTERVAL_S, "aht_s": AHT_S, "sl_target": TARGET,
        "sl_threshold_s": THRESHOLD_S, "patience_s": PATIENCE_S,
    })  # fmt: skip
    return staff(frame)


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def ciw_week(plan: pd.DataFrame, replications: int) -> tuple[float, int, float, float]:
    """The plan in ciw: seconds, contacts, pooled SL and abandonment (no warm-up).

    ciw's Schedule with preemption=False replaces the whole shift at every change (the leaving
    servers finish their customers while the full new shift starts), which adds capacity at
    every boundary; "resume" keeps the server count exact but sends the contacts in service
    back to the queue at each boundary, to resume later. "resume" is the closer of the two; a
    contact's wait is counted to its first service start."""
    import ciw

    rates = (plan["volume"] / INTERVAL_S).tolist()
    ends = [INTERVAL_S * (i + 1) for i in range(len(plan))]
    agents = plan["agents_raw"].astype(int).tolist()
    offered = within = abandoned = 0
    t0 = time.perf_counter()
    for rep in range(replications):
        ciw.seed(rep)  # before the network: PoissonIntervals draws its arrival dates when made
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.PoissonIntervals(rates, ends, ends[-1])],
            service_distributions=[ciw.dists.Exponential(1 / AHT_S)],
            number_of_servers=[
                ciw.Schedule(numbers_of_servers=agents, shift_end_dates=ends, preemption="resume")
            ],
            reneging_time_distributions=[ciw.dists.Exponential(1 / PATIENCE_S)],
        )
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(ends[-1] + 4 * 3600)  # the week, then a drain
        first: dict[int, tuple[float, float]] = {}  # contact: arrival, first service start
        for r in sim.get_all_records():
            start = np.inf if r.record_type == "renege" else r.service_start_date
            arrival, seen = first.get(r.id_number, (r.arrival_date, np.inf))
            first[r.id_number] = (arrival, min(seen, start))
        for arrival, start in first.values():
            offered += 1
            within += start - arrival <= THRESHOLD_S
            abandoned += start == np.inf
    seconds = time.perf_counter() - t0
    return seconds, offered, within / offered, abandoned / offered


def naive_simpy_week(plan: pd.DataFrame, replications: int) -> tuple[float, int, float, float]:
    """The plan in simpy with a process per contact: seconds, contacts, pooled SL, abandonment."""
    import simpy

    rates = (plan["volume"] / INTERVAL_S).tolist()
    agents = plan["agents_raw"].astype(int).tolist()
    ends = [INTERVAL_S * (i + 1) for i in range(len(plan))]
    offered = within = abandoned = 0
    t0 = time.perf_counter()
    for rep in range(replications):
        rng = random.Random(rep)
        env = simpy.Environment()
        servers = simpy.PriorityResource(env, capacity=max(agents))
        tally = {"offered": 0, "within": 0, "abandoned": 0}

        def contact(env=env, servers=servers, rng=rng, tally=tally):
            arrived = env.now
            tally["offered"] += 1
            request = servers.request(priority=1)
            gave_up = env.timeout(rng.expovariate(1 / PATIENCE_S))
            fired = yield request | gave_up
            if request not in fired:
                request.cancel()
                tally["abandoned"] += 1
                return
            tally["within"] += env.now - arrived <= THRESHOLD_S
            yield env.timeout(rng.expovariate(1 / AHT_S))
            servers.release(request)

        def arrivals(env=env, rng=rng):
            for rate, end in zip(rates, ends, strict=True):
                while True:
                    gap = rng.expovariate(rate) if rate > 0 else float("inf")
                    if env.now + gap >= end:
                        yield env.timeout(end - env.now)
                        break
                    yield env.timeout(gap)
                    env.process(contact())

        def blocker(k, env=env, servers=servers):  # holds server k while it is off duty
            for n, end in zip(agents, ends, strict=True):
                if n <= k:
                    request = servers.request(priority=0)
                    yield request
                    yield env.timeout(max(end - env.now, 0.0))
                    servers.release(request)
                else:
                    yield env.timeout(max(end - env.now, 0.0))

        for k in range(max(agents)):
            env.process(blocker(k))
        env.process(arrivals())
        env.run(until=ends[-1] + 4 * 3600)
        offered += tally["offered"]
        within += tally["within"]
        abandoned += tally["abandoned"]
    seconds = time.perf_counter() - t0
    return seconds, offered, within / offered, abandoned / offered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="the other engines on 2 replications")
    args = parser.parse_args()
    reps = args.replications
    plan = week_plan()
    contacts = plan["volume"].sum()
    print(f"{len(plan)} intervals of 15 min, {contacts:,.0f} contacts a week, peak "
          f"{plan['volume'].max():.0f} per interval ({plan['traffic_erlangs'].max():.0f} "
          f"Erlangs), peak {plan['agents_raw'].max()} agents (SIPP, Erlang A)")  # fmt: skip
    simulate_plan(plan.head(8), replications=2)  # warm-up (imports)

    erlang, t_erlang = timed(staff, plan.assign(agents=plan["agents_raw"]))
    erlang_sl = (erlang["service_level"] * erlang["volume"]).sum() / contacts
    print(f"Erlang A evaluation of the plan (the floor): {t_erlang:.3f} s; "
          f"service level {erlang_sl:.1%} (volume-weighted)")  # fmt: skip

    out, t_sim = timed(simulate_plan, plan, replications=reps, seed=1)
    simulated = out["offered_sim"].sum() * reps
    print(f"supportstats simulate, {reps} replications: {t_sim:.2f} s (goal <= 30 s), "
          f"{simulated:,.0f} contacts, {simulated / t_sim:,.0f} contacts/s, "
          f"{t_sim / t_erlang:,.0f}x the Erlang evaluation")  # fmt: skip
    (q,) = queue_plans(plan.assign(agents=plan["agents_raw"])).values()
    total = simulate_counts(q, replications=reps, seed=queue_seed(1)).total()
    sl, ab = total.service_level(), total.abandonment()
    below_sim = (out["service_level_sim"] < TARGET).sum()
    below_erl = (out["service_level_erlang"] < TARGET).sum()
    print(f"  week pooled: service level {sl.value[0]:.2%} (95 % CI {sl.low[0]:.2%} to "
          f"{sl.high[0]:.2%}), abandonment {ab.value[0]:.2%}; intervals below {TARGET:.0%}: "
          f"{below_sim} simulated, {below_erl} by Erlang")  # fmt: skip

    levels = [240.0, 270.0, 300.0]  # chat: each chat slower while its agent holds more
    chat = plan.assign(agents=chat_agents(plan["volume"], INTERVAL_S, levels, TARGET,
                                          THRESHOLD_S, plan["patience_s"]))  # fmt: skip
    out_chat, t_chat = timed(simulate_plan, chat, replications=reps, seed=1, aht_by_level=levels)
    chats = out_chat["offered_sim"].sum() * reps
    pooled = (out_chat["service_level_sim"] * out_chat["offered_sim"]).sum() / (chats / reps)
    erl = (out_chat["service_level_erlang"] * chat["volume"]).sum() / contacts
    print(f"chat agents (up to 3 chats at {', '.join(f'{v:.0f}' for v in levels)} s, staffed "
          f"with chat_agents, peak {chat['agents'].max()} agents), {reps} replications: "
          f"{t_chat:.2f} s, {chats / t_chat:,.0f} contacts/s; service level {pooled:.2%}, "
          f"Erlang Chat {erl:.2%}")  # fmt: skip

    result, t_iter = timed(iterate_staffing, plan, replications=reps, seed=1, max_iterations=10)
    added = result.plan["agents_iterated"].sum() - result.plan["agents"].sum()
    print(f"iterative staffing, {reps} replications: {t_iter:.1f} s, {result.iterations} "
          f"simulations, intervals below target {' -> '.join(map(str, result.below_target))}, "
          f"+{added} agent-intervals ({added / result.plan['agents'].sum():+.1%})")  # fmt: skip

    other = 2 if args.quick else reps
    scale = reps / other
    for name, run in (("ciw", ciw_week), ("simpy, a process per contact", naive_simpy_week)):
        try:
            seconds, n, sl_o, ab_o = run(plan, other)
        except ImportError as exc:
            print(f"{name}: skipped ({exc.name} is not importable)")
            continue
        note = (
            f" ({other} replications, x{scale:.0f} = {seconds * scale:.1f} s)" if scale > 1 else ""
        )
        print(f"{name}, same plan: {seconds:.2f} s{note}, {n / seconds:,.0f} contacts/s "
              f"({seconds * scale / t_sim:.1f}x supportstats); service level {sl_o:.2%}, "
              f"abandonment {ab_o:.2%}")  # fmt: skip


if __name__ == "__main__":
    main()
