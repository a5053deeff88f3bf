"""The numpy concurrency sweep against a brute-force count, on hand-made and random stretches."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from supportstats.metrics.sweep import per_agent, sweep


def brute_force(agent, start, end, chat) -> list[tuple[int, int, int, int, int]]:  # noqa: ANN001
    """(agent, s, e, c, chats) between consecutive distinct instants of each agent, c >= 1,
    by counting the stretches open at each piece start."""
    out = []
    for a in sorted(set(agent)):
        mine = [(s, e, ch) for g, s, e, ch in zip(agent, start, end, chat, strict=True) if g == a]
        instants = sorted({s for s, _, _ in mine} | {e for _, e, _ in mine})
        for t0, t1 in zip(instants, instants[1:], strict=False):
            open_ = [ch for s, e, ch in mine if s <= t0 < e]
            if open_:
                out.append((a, t0, t1, len(open_), sum(open_)))
    return out


def as_rows(seg) -> list[tuple[int, int, int, int, int]]:  # noqa: ANN001
    return list(
        zip(
            seg.agent.tolist(),
            seg.start_us.tolist(),
            seg.end_us.tolist(),
            seg.c.tolist(),
            seg.chats.tolist(),
            strict=True,
        )
    )


def arrays(stretches: list[tuple[int, int, int, bool]]):  # noqa: ANN201
    a, s, e, ch = zip(*stretches, strict=True)
    return np.array(a, np.int32), np.array(s, np.int64), np.array(e, np.int64), np.array(ch)


def test_hand_computed_agent_with_overlaps_and_a_handover_at_one_instant() -> None:
    # agent 0: chat [0, 10), chat [5, 20), call [10, 30): at t=10 a chat ends and the call
    # starts, so c stays 2 but the open chats drop from 2 to 1
    # agent 1: one chat [100, 160); times in seconds
    stretches = [(0, 0, 10, True), (0, 5, 20, True), (0, 10, 30, False), (1, 100, 160, True)]
    sec = 1_000_000
    columns = arrays([(a, s * sec, e * sec, ch) for a, s, e, ch in stretches])
    seg = sweep(*columns)
    assert as_rows(seg) == [
        (0, 0, 5 * sec, 1, 1),
        (0, 5 * sec, 10 * sec, 2, 2),
        (0, 10 * sec, 20 * sec, 2, 1),
        (0, 20 * sec, 30 * sec, 1, 0),
        (1, 100 * sec, 160 * sec, 1, 1),
    ]
    totals = per_agent(*columns, k=2)
    assert totals["agent"].tolist() == [0, 1]
    assert totals["busy_s"].tolist() == [30.0, 60.0]
    # integral of c dt: 5*1 + 5*2 + 10*2 + 10*1 = 45 s; 60 s
    assert totals["cd_s"].tolist() == [45.0, 60.0]
    assert totals["max_c"].tolist() == [2, 1]
    # c >= 2 over [5, 20)
    assert totals["busy_ge_k_s"].tolist() == [15.0, 0.0]


def test_no_stretches_gives_no_segments() -> None:
    empty = np.empty(0, np.int64)
    columns = (empty.astype(np.int32), empty, empty, empty.astype(bool))
    assert len(sweep(*columns).agent) == 0
    assert len(per_agent(*columns, k=2)["busy_s"]) == 0


STRETCH = st.tuples(st.integers(0, 4), st.integers(0, 40), st.integers(1, 15), st.booleans()).map(
    lambda t: (t[0], t[1], t[1] + t[2], t[3])
)


@settings(max_examples=150, deadline=None)
@given(
    stretches=st.lists(STRETCH, min_size=1, max_size=30),
    unit=st.sampled_from([1, 1_000, 1_000_000]),
    far=st.booleans(),
)
def test_sweep_equals_brute_force_at_every_time_unit(
    stretches: list[tuple[int, int, int, bool]], unit: int, far: bool
) -> None:
    base = 1_700_000_000_000_000
    scaled = [(a, base + s * unit, base + e * unit, ch) for a, s, e, ch in stretches]
    if far:
        # a span of 2**61 µs does not fit the packed key at µs: whole seconds and ms are
        # packed at ms, anything finer takes the lexicographic sort
        later = base + (2**61 // unit) * unit
        scaled.append((0, later, later + unit, True))
    expected = brute_force(*zip(*scaled, strict=True))
    assert as_rows(sweep(*arrays(scaled))) == expected
    assert as_rows(sweep(*arrays(scaled), pack=False)) == expected


@settings(max_examples=100, deadline=None)
@given(stretches=st.lists(STRETCH, min_size=1, max_size=30), k=st.integers(1, 4))
def test_per_agent_sums_equal_the_segments(
    stretches: list[tuple[int, int, int, bool]], k: int
) -> None:
    seg = sweep(*arrays(stretches))
    totals = per_agent(*arrays(stretches), k)
    assert all(
        np.array_equal(totals[name], per_agent(*arrays(stretches), k, pack=False)[name])
        for name in totals
    )
    for i, a in enumerate(totals["agent"].tolist()):
        rows = [r for r in as_rows(seg) if r[0] == a]
        assert np.isclose(totals["busy_s"][i], sum(e - s for _, s, e, _, _ in rows) / 1e6)
        assert np.isclose(totals["cd_s"][i], sum((e - s) * c for _, s, e, c, _ in rows) / 1e6)
        assert totals["max_c"][i] == max(c for *_, c, _ in rows)
        ge_k = sum(e - s for _, s, e, c, _ in rows if c >= k) / 1e6
        assert np.isclose(totals["busy_ge_k_s"][i], ge_k)
    # the integral of c equals the summed stretch lengths, whatever the overlaps
    assert np.isclose(totals["cd_s"].sum(), sum(e - s for _, s, e, _ in stretches) / 1e6)
