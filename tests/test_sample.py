"""The sample generator: seeded, realistic, importable without rejects."""

from __future__ import annotations

import pandas as pd

from supportstats.sample import SampleSpec, generate, write_sample

SPEC = SampleSpec(conversations=3000, seed=3, days=14)


def test_same_seed_same_data():
    a, b = generate(SPEC), generate(SPEC)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    other = generate(SampleSpec(conversations=3000, seed=4, days=14))
    assert not a["conversations.csv"].equals(other["conversations.csv"])


def test_shape_of_the_operation():
    frames = generate(SPEC)
    conv = frames["conversations.csv"]
    assert len(conv) == 3000
    shares = conv["channel"].value_counts(normalize=True)
    assert 0.5 < shares["chat"] < 0.6 and 0.25 < shares["email"] < 0.35
    created = pd.to_datetime(conv["created_at"])
    local = created + pd.Timedelta(hours=1)
    weekday = local[local.dt.day_of_week < 5].dt.date.value_counts().mean()
    sunday = local[local.dt.day_of_week == 6].dt.date.value_counts().mean()
    assert sunday < weekday / 2  # weekly seasonality
    by_hour = local.dt.hour.value_counts()
    assert by_hour.get(11, 0) > 5 * by_hour.get(3, 0)  # intraday seasonality
    # Missed chats exist and are only chats; bots greet some conversations.
    missed = conv[conv["status"] == "missed"]
    assert len(missed) > 0 and set(missed["channel"]) == {"chat"}
    messages = frames["messages.csv"]
    assert (messages["author_role"] == "bot").sum() > 0
    assert set(messages["visibility"]) == {"public", "internal"}


def test_concurrency_never_exceeds_the_agent_cap():
    eng = generate(SPEC)["engagements.csv"]
    start = pd.to_datetime(eng["started_at"])
    end = pd.to_datetime(eng["ended_at"])
    points = pd.concat(
        [
            pd.DataFrame({"agent": eng["agent"], "t": start, "d": 1}),
            pd.DataFrame({"agent": eng["agent"], "t": end, "d": -1}),
        ]
    ).sort_values(["agent", "t", "d"])  # ends before starts at the same second
    points["open"] = points.groupby("agent")["d"].cumsum()
    peak = points.groupby("agent")["open"].max()
    experts = {f"agent_{i + 1:02d}" for i in range(0, 2 * SPEC.experts, 2)}
    assert all(peak[a] <= (6 if a in experts else 3) for a in peak.index)
    assert peak.max() >= 2  # agents do run chats in parallel


def test_sample_imports_cleanly(warehouse, tmp_path):
    from supportstats.importers import import_file
    from supportstats.sample import FILES

    counts = write_sample(SPEC, tmp_path)
    for name in FILES:
        result = import_file(warehouse, tmp_path / name)
        assert result.rows_rejected == 0, name
        assert result.rows_loaded == counts[name], name
