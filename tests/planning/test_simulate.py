"""planning.simulate: the event engine on hand-built contacts, the pooled service level and its
interval, agreement with Erlang C and Erlang A on stationary queues, carry-over between
intervals, and the iterative staffing on a day where period-by-period Erlang falls short."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from supportstats.planning import PlanningInputError, staff
from supportstats.planning.simulate import (
    CoverageError,
    QueuePlan,
    _Contacts,
    _draw_contacts,
    _prepare,
    _replay,
    _replay_chat,
    agents_from_coverage,
    iterate_staffing,
    pooled_ratio,
    queue_plans,
    queue_seed,
    simulate_counts,
    simulate_plan,
    t_quantile_975,
)

INF = math.inf


def stationary(volume, aht_s, agents, threshold_s=20.0, intervals=96, **extra) -> pd.DataFrame:
    """``intervals`` identical 15-minute intervals: a stationary queue cut into a plan."""
    times = pd.date_range("2026-01-05", periods=intervals, freq="15min").strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame({
        "interval_start": times, "volume": float(volume), "interval_s": 900.0,
        "aht_s": float(aht_s), "sl_target": 0.8, "sl_threshold_s": threshold_s,
        "agents": agents, **extra,
    })  # fmt: skip


def whole_plan_counts(plan: pd.DataFrame, replications: int, seed: int = 1):
    """The plan's counts summed over its intervals (one queue)."""
    prepared = _prepare(plan, replications)
    (_, _, q), erlang = prepared.queues[0], prepared.erlang
    counts = simulate_counts(q, replications=replications, seed=queue_seed(seed))
    return counts.total(), erlang.iloc[0]


def contacts(arrival, handle, deadline=None) -> _Contacts:
    arrival = np.asarray(arrival, dtype=float)
    deadline = np.full(arrival.size, INF) if deadline is None else np.asarray(deadline, float)
    return _Contacts(arrival, np.zeros(arrival.size, np.int64), np.asarray(handle, float), deadline)


# --- the engine on contacts whose fate is known by hand ------------------------------------


def test_a_slot_that_must_leave_finishes_its_contact_first():
    c = contacts([10, 20], [1000, 5])
    start = _replay(c, np.array([0.0, 100.0]), np.array([1, 0]))
    # contact 0 runs past the boundary and is finished; nobody takes contact 1 afterwards
    assert start[0] == 10 and np.isnan(start[1])


def test_a_waiting_contact_is_taken_when_a_slot_frees_or_arrives():
    c = contacts([10, 20], [1000, 5])
    assert _replay(c, np.array([0.0, 100.0]), np.array([1, 1])).tolist() == [10, 1010]
    assert _replay(c, np.array([0.0, 100.0]), np.array([0, 2])).tolist() == [100, 100]


def test_an_abandoned_contact_never_takes_a_slot():
    c = contacts([10, 20, 30], [100, 5, 5], deadline=[INF, 50, INF])
    start = _replay(c, np.array([0.0]), np.array([1]))
    # contact 1 gave up at 50, before the slot freed at 110: contact 2 is next
    assert start[0] == 10 and np.isnan(start[1]) and start[2] == 110


def test_fewer_slots_send_idle_ones_home_at_once():
    c = contacts([10, 150, 160], [100, 100, 100])
    start = _replay(c, np.array([0.0, 50.0]), np.array([2, 1]))
    # at 50 one of two slots leaves (the idle one); the busy one frees at 110, then 150, 250
    assert start.tolist() == [10, 150, 250]


# --- the pooled service level and its interval ---------------------------------------------


def test_pooled_ratio_is_not_the_mean_of_ratios():
    est = pooled_ratio([[1], [0]], [[1], [9]])
    assert est.value[0] == pytest.approx(0.1)  # 1 of 10; the mean of ratios would say 0.5
    # y = 3, 5, 2 of x = 10, 10, 5: R = 0.4, residuals -1, 1, 0,
    # se = sqrt(2 / (3 x 2)) / (25 / 3) = 0.069282, half width t(2) = 4.3027 times that
    est = pooled_ratio([[3], [5], [2]], [[10], [10], [5]])
    assert est.value[0] == pytest.approx(0.4)
    assert est.low[0] == pytest.approx(0.4 - 4.3027 * 0.0692820, abs=1e-5)
    assert est.high[0] == pytest.approx(0.4 + 4.3027 * 0.0692820, abs=1e-5)
    one = pooled_ratio([[3]], [[10]])
    assert one.value[0] == pytest.approx(0.3) and np.isnan(one.low[0])
    assert np.isnan(pooled_ratio([[0], [0]], [[0], [0]]).value[0])  # no contacts: no figure


def test_simulated_service_level_is_pooled_over_replications():
    plan = stationary(12, 300, 3, intervals=8)  # few contacts per interval: ratios differ
    out = simulate_plan(plan, replications=6, seed=3)
    q = _prepare(plan, 6).queues[0][2]
    counts = simulate_counts(q, replications=6, seed=queue_seed(3))
    pooled = counts.within.sum(axis=0) / counts.offered.sum(axis=0)
    np.testing.assert_allclose(out["service_level_sim"], pooled)
    with np.errstate(invalid="ignore"):
        mean_of_ratios = np.nanmean(counts.within / counts.offered, axis=0)
    assert np.abs(mean_of_ratios - pooled).max() > 0.01


# Student's t, 97.5th percentile (scipy.stats.t.ppf(0.975, df), as printed in t tables).
T_975 = {1: 12.7062, 2: 4.3027, 5: 2.5706, 19: 2.0930, 30: 2.0423, 31: 2.0395, 40: 2.0211,
         100: 1.9840, 1000: 1.9623}  # fmt: skip


def test_t_quantile_matches_the_published_table():
    for df, value in T_975.items():
        assert t_quantile_975(df) == pytest.approx(value, abs=2e-4)


# --- agreement with the stationary formulas ------------------------------------------------


def test_stationary_mmc_matches_erlang_c():
    # A = 200 x 45 / 900 = 10 Erlangs on 12 agents; Erlang C: SL(20 s) 0.815, ASA 10.1 s
    plan = stationary(200, 45, 12)
    total, erlang = whole_plan_counts(plan, replications=20)
    sl = total.service_level()
    assert erlang.service_level == pytest.approx(0.8153, abs=1e-4)
    assert erlang.service_level - 0.02 <= sl.low[0] <= erlang.service_level <= sl.high[0]
    assert sl.high[0] <= erlang.service_level + 0.02
    asa = total.asa_s()
    assert asa.low[0] <= erlang.asa_s <= asa.high[0]


def test_stationary_mmc_with_patience_matches_erlang_a():
    # 10 Erlangs on 10 agents, 60 s mean patience: Erlang A SL 0.789, abandonment 11.6 %
    plan = stationary(200, 45, 10, patience_s=60.0)
    total, erlang = whole_plan_counts(plan, replications=20)
    sl, ab = total.service_level(), total.abandonment()
    assert erlang.model == "erlang_a"
    assert erlang.service_level - 0.02 <= sl.low[0] <= erlang.service_level <= sl.high[0]
    assert sl.high[0] <= erlang.service_level + 0.02
    assert ab.low[0] <= erlang.abandon_probability <= ab.high[0]
    assert abs(ab.value[0] - erlang.abandon_probability) < 0.01


def test_chat_slots_are_agents_times_concurrency():
    # staff's chat model: 4 agents x 3 chats are 12 servers at the chat handle time
    chat = simulate_plan(stationary(200, 45, 4, intervals=8, concurrency=3), replications=3)
    calls = simulate_plan(stationary(200, 45, 12, intervals=8), replications=3)
    cols = ["service_level_sim", "asa_sim_s", "service_level_erlang"]
    pd.testing.assert_frame_equal(chat[cols], calls[cols])


def test_chat_agents_with_one_pace_are_slots_start_for_start():
    # with the same handle time at every level, an agent of 3 chats is 3 slots: the agent
    # model (least-busy routing, leavers, the cap) starts every chat when the slot model does
    agents = np.array([10, 12, 8, 14, 0, 3] * 4)
    q = QueuePlan(*(np.full(24, x) for x in (900.0, 300.0, 120.0, 20.0, 90.0)),
                  np.ones(24, np.int64), agents)  # fmt: skip
    c = _draw_contacts(q, np.random.default_rng(1), 900.0, None)
    boundaries = np.concatenate([[0.0, 900.0], 900.0 + np.cumsum(q.interval_s)[:-1]])
    per_period = np.concatenate([[agents[0]], agents])
    slots = _replay(c, boundaries, per_period * 3)
    work = _Contacts(c.arrival, c.interval, c.handle / 120.0, c.deadline)
    chat = _replay_chat(work, boundaries, per_period, np.array([120.0, 120.0, 120.0]))
    assert np.isnan(slots).sum() > 100  # abandonments and the closed interval are in it
    np.testing.assert_allclose(chat, slots, rtol=0, atol=1e-6)


def test_chat_paces_per_level_match_erlang_chat():
    # CCmath's Erlang Chat example: 4 chats a minute, 3, 3.5, 4 minutes at 1, 2, 3 chats,
    # 1 minute patience, 5 agents: abandonment 15.44 % (published), SL(20 s, offered) 72.0 %
    plan = stationary(60, 240, 5, patience_s=60.0)
    (q,) = queue_plans(plan).values()
    levels = [180.0, 210.0, 240.0]
    total = simulate_counts(q, replications=20, seed=queue_seed(1), aht_by_level=levels).total()
    erlang = simulate_plan(plan.head(1), replications=1, aht_by_level=levels).iloc[0]
    assert erlang["abandon_erlang"] == pytest.approx(0.1544, abs=1e-4)
    sl, ab = total.service_level(), total.abandonment()
    assert erlang["service_level_erlang"] - 0.02 <= sl.low[0] <= erlang["service_level_erlang"]
    assert erlang["service_level_erlang"] <= sl.high[0] <= erlang["service_level_erlang"] + 0.02
    assert abs(ab.value[0] - erlang["abandon_erlang"]) < 0.01
    with pytest.raises(PlanningInputError, match="is not 1 to 100 positive handle times"):
        simulate_plan(plan, aht_by_level=[180, -1])


def test_history_handle_times_keep_their_shape_and_take_the_interval_mean():
    q = QueuePlan(*(np.array([x]) for x in (900.0, 50.0, 100.0, 20.0, INF)),
                  np.array([1]), np.array([5]))  # fmt: skip
    drawn = _draw_contacts(q, np.random.default_rng(1), 900.0, np.array([0.5, 1.5]))
    assert set(np.round(drawn.handle, 9)) == {50.0, 150.0}
    # constant handle times (M/D/c) wait less than exponential ones (M/M/c) at the same load
    plan = stationary(200, 45, 11, intervals=24)
    fixed = simulate_plan(plan, replications=5, handle_times="history", handle_sample=[60.0] * 30)
    assert fixed["asa_sim_s"].mean() < 0.8 * fixed["asa_erlang_s"].mean()  # about half
    with pytest.raises(PlanningInputError, match="only 2 handle times"):
        simulate_plan(plan, handle_times="history", handle_sample=[60.0, 0.0, -1.0, 30.0])


# --- carry-over, seeds, queues ---------------------------------------------------------------


def test_contacts_carry_over_into_the_next_interval():
    # nobody on duty for the first interval (and its warm-up), 40 agents from the second on:
    # every first-interval contact waits until the boundary, a uniform 0-900 s (mean 450 s),
    # and only those in its last 20 s are answered within 20 s (20 / 900 = 2.2 %)
    plan = stationary(10, 60, [0, 40], intervals=2)
    plan.loc[1, "volume"] = 0.0
    out = simulate_plan(plan, replications=200, seed=2)
    first = out.iloc[0]
    assert first["asa_sim_s"] == pytest.approx(450, rel=0.05)
    assert first["service_level_sim"] == pytest.approx(20 / 900, abs=0.01)
    assert first["service_level_erlang"] == 0.0 and first["abandon_sim"] == 0.0


def test_the_warm_up_fills_the_queue_before_the_first_interval():
    # 30-minute handle times: started empty at the first interval (no warm-up), the first
    # interval looks far better than the steady state; the default warm-up (five handle
    # times at the first interval's rate) brings it to Erlang's figure
    plan = stationary(30, 1800, 62, intervals=1)  # 60 Erlangs on 62 agents
    cold = simulate_plan(plan, replications=40, warmup_s=0.0).iloc[0]
    warm = simulate_plan(plan, replications=40).iloc[0]
    assert cold["service_level_sim"] > 0.95
    assert warm["service_level_sim_low"] <= warm["service_level_erlang"] + 0.02
    assert warm["service_level_sim"] < cold["service_level_sim"] - 0.2


def test_same_seed_same_output_other_seed_other_output():
    plan = stationary(100, 120, 16, intervals=12, patience_s=90.0)
    a = simulate_plan(plan, replications=4, seed=7)
    pd.testing.assert_frame_equal(a, simulate_plan(plan, replications=4, seed=7))
    assert not a.equals(simulate_plan(plan, replications=4, seed=8))


def test_queues_are_simulated_separately():
    one = stationary(100, 120, 16, intervals=6).assign(queue="chat")
    two = stationary(40, 600, 30, intervals=6).assign(queue="mail")
    both = simulate_plan(pd.concat([one, two], ignore_index=True), replications=3)
    assert both["queue"].tolist() == ["chat"] * 6 + ["mail"] * 6
    pd.testing.assert_frame_equal(both.iloc[:6], simulate_plan(one, replications=3))
    alone = simulate_plan(two, replications=3)  # the same figures alone as within the plan
    pd.testing.assert_frame_equal(both.iloc[6:].reset_index(drop=True), alone)


def test_local_times_with_utc_offset_cross_a_dst_change():
    # plan --timezone Europe/Berlin: 01:30 (UTC+01:00) is followed by 03:00 (UTC+02:00)
    plan = stationary(100, 120, 16, intervals=3)
    plan["interval_start"] = ["2026-03-29 01:00", "2026-03-29 01:30", "2026-03-29 03:00"]
    plan["interval_s"] = 1800.0
    plan["utc_offset"] = ["UTC+01:00", "UTC+01:00", "UTC+02:00"]
    out = simulate_plan(plan, replications=2)
    assert out["utc_offset"].tolist() == plan["utc_offset"].tolist()
    with pytest.raises(PlanningInputError, match="row 3, column interval_start: 2026-03-29 03:00"):
        simulate_plan(plan.drop(columns="utc_offset"))
    with pytest.raises(PlanningInputError, match="row 2, column utc_offset: 'CET' is not"):
        simulate_plan(plan.assign(utc_offset=["UTC+01:00", "CET", "UTC+02:00"]))


def test_agents_raw_of_a_staff_output_is_used():
    solved = staff(stationary(200, 45, 0, intervals=4).drop(columns="agents"))
    out = simulate_plan(solved, replications=2)
    assert out["agents"].tolist() == solved["agents_raw"].tolist() == [12] * 4
    assert list(out.columns[:8]) == [
        "interval_start", "agents", "service_level_erlang", "service_level_sim",
        "service_level_sim_low", "service_level_sim_high", "asa_sim_s", "abandon_sim",
    ]  # fmt: skip


# --- bad input ---------------------------------------------------------------------------------


def test_bad_plans_name_row_and_column():
    plan = stationary(100, 120, 16, intervals=4)
    with pytest.raises(PlanningInputError, match="missing column agents"):
        simulate_plan(plan.drop(columns="agents"))
    bad = plan.copy()
    bad.loc[2, "volume"] = -5
    with pytest.raises(PlanningInputError, match="row 3, column volume: -5 is negative"):
        simulate_plan(bad)
    bad = plan.astype({"agents": float})
    bad.loc[1, "agents"] = 2.5
    with pytest.raises(PlanningInputError, match="row 2, column agents: 2.5 is not a whole"):
        simulate_plan(bad)
    with pytest.raises(PlanningInputError, match="replications 0 is not between 1"):
        simulate_plan(plan, replications=0)
    gap = plan.drop(index=2).reset_index(drop=True)
    with pytest.raises(PlanningInputError, match="row 3, column interval_start: .* does not start"):
        simulate_plan(gap)
    with pytest.raises(PlanningInputError, match="history handle times need handle_sample"):
        simulate_plan(plan, handle_times="history")
    with pytest.raises(PlanningInputError, match="row 1, column sl_target: is missing"):
        iterate_staffing(plan.assign(sl_target=np.nan))


def test_coverage_gives_the_agents_on_the_phones():
    plan = stationary(100, 120, 0, intervals=3).drop(columns="agents").assign(shrinkage=0.35)
    coverage = pd.DataFrame({
        "interval_start": ["2026-01-05 00:30", "2026-01-05 00:00", "2026-01-05 00:15"],
        "required": [0, 0, 0], "scheduled": [3, 20, 10],
    })  # fmt: skip
    # floor(20 x 0.65) = 13 (13.000000000000002 in floats), floor(6.5) = 6, floor(1.95) = 1
    assert agents_from_coverage(plan, coverage)["agents"].tolist() == [13, 6, 1]
    with pytest.raises(
        CoverageError, match=r"no row for interval_start 2026-01-05 00:15 \(plan row 2\)"
    ):
        agents_from_coverage(plan, coverage.iloc[:2])
    with pytest.raises(CoverageError, match="missing column scheduled"):
        agents_from_coverage(plan, coverage.drop(columns="scheduled"))
    two = pd.concat([plan.assign(queue="chat"), plan.assign(queue="mail")], ignore_index=True)
    with pytest.raises(CoverageError, match="no queue column but the plan has several queues"):
        agents_from_coverage(two, coverage)
    per_queue = pd.concat(
        [coverage.assign(queue="mail", scheduled=[2, 4, 6]), coverage.assign(queue="chat")]
    )
    # chat as above; mail: floor(4 x 0.65) = 2, floor(6 x 0.65) = 3, floor(2 x 0.65) = 1
    assert agents_from_coverage(two, per_queue)["agents"].tolist() == [13, 6, 1, 2, 3, 1]


# --- iterative staffing ------------------------------------------------------------------------


def sinusoidal_day() -> pd.DataFrame:
    """A day of 15-minute intervals, handle time 45 min, load 60 x (1 + 0.8 sin) peaking at
    14:00: the load in service lags the arrivals by about a handle time, so period-by-period
    Erlang staffing (SIPP) cuts agents too early after the peak."""
    hours = (np.arange(96) + 0.5) / 4
    load = 60 * (1 + 0.8 * np.sin(2 * np.pi * (hours - 8) / 24))
    times = pd.date_range("2026-01-05", periods=96, freq="15min").strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame({
        "interval_start": times, "volume": load * 900 / 2700, "interval_s": 900.0,
        "aht_s": 2700.0, "sl_target": 0.8, "sl_threshold_s": 60.0,
    })  # fmt: skip


@pytest.mark.slow
def test_iterative_staffing_fixes_what_sipp_misses():
    sipp = staff(sinusoidal_day())
    result = iterate_staffing(sipp, replications=20, seed=1, max_iterations=10)
    out = result.plan
    hour = pd.to_datetime(out["interval_start"]).dt.hour
    # SIPP: the simulation misses the target in many intervals, surely (whole 95 % interval
    # below it) in the declining hours after the 14:00 peak
    sure = out[(out["service_level_sim_initial"] < 0.8) & (hour >= 14)]
    assert len(sure) >= 10
    first = simulate_plan(sipp, replications=20, seed=1)
    assert (first["service_level_sim_high"][(hour >= 16) & (hour < 23)] < 0.8).sum() >= 10
    np.testing.assert_allclose(first["service_level_sim"], out["service_level_sim_initial"])
    failing = out["service_level_sim_initial"] < 0.8
    fixed = (out.loc[failing, "service_level_sim"] >= 0.8).mean()
    assert fixed >= 0.9
    assert (out["agents_iterated"] >= out["agents"]).all()
    extra = out["agents_iterated"].sum() / out["agents"].sum() - 1
    assert 0 < extra < 0.1  # modest extra staff, as the literature finds
    assert result.below_target[0] == failing.sum() and result.iterations <= 10


@pytest.mark.slow
def test_iterative_staffing_of_chat_agents_per_level():
    # the same day as chat: up to 3 chats at 40, 42.5 and 45 minutes, staffed by Erlang Chat
    # (chat_agents) interval by interval, which the simulation finds short after the peak
    from supportstats.planning.chat import chat_agents

    levels = [2400.0, 2550.0, 2700.0]
    day = sinusoidal_day()
    day["agents"] = chat_agents(day["volume"], 900.0, levels, 0.8, 60.0)
    result = iterate_staffing(day, replications=20, seed=1, aht_by_level=levels)
    out = result.plan
    failing = out["service_level_sim_initial"] < 0.8
    assert failing.sum() >= 20 and out["service_level_erlang"].min() >= 0.8
    assert (out.loc[failing, "service_level_sim"] >= 0.8).mean() >= 0.9
    assert 0 < out["agents_iterated"].sum() / out["agents"].sum() - 1 < 0.1


def test_backlog_rows_have_no_erlang_prediction():
    """A plan's e-mail rows (backlog model) are simulated (is the deadline met?), but the
    Erlang columns stay empty there: the plan never used Erlang for them."""
    chat = stationary(40, 180, 6, intervals=4).assign(queue="chat", model="erlang_c")
    email = stationary(10, 600, 3, threshold_s=3600.0, intervals=4)
    plan = pd.concat([chat, email.assign(queue="email", model="backlog")], ignore_index=True)
    out = simulate_plan(plan, replications=3, seed=2)
    mail, talk = out[out["queue"] == "email"], out[out["queue"] == "chat"]
    assert mail[["service_level_erlang", "asa_erlang_s", "abandon_erlang"]].isna().all().all()
    assert mail["service_level_sim"].notna().all()
    expected = staff(chat.drop(columns=["queue", "model"]))["service_level"].to_numpy()
    np.testing.assert_allclose(talk["service_level_erlang"].to_numpy(), expected)
