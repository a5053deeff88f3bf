"""Rolling-origin forecast accuracy: known answers on hand-built series, the CLI on a real
warehouse (contacts and aggregate counts), bad inputs."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from supportstats.planning._validate import PlanningInputError
from supportstats.planning.accuracy import regular_volume, rolling_accuracy

HOURS_PER_WEEK = 7 * 24


def weekly_series(weeks: int, slope: float = 0.0) -> pd.DataFrame:
    """Hourly volume: a weekly pattern (10 + slot of the week mod 5), plus ``slope`` per hour.

    With a slope, y[t] - y[t - 1 week] is exactly ``slope * 168`` for every t: the in-sample
    seasonal-naive MAE (the MASE scale) is ``168 * slope``."""
    grid = pd.date_range("2024-01-01", periods=weeks * HOURS_PER_WEEK, freq="1h")  # a Monday
    t = np.arange(grid.size)
    volume = 10.0 + (t % HOURS_PER_WEEK) % 5 + slope * t
    return pd.DataFrame({"interval_start": grid, "volume": volume})


def by_model(result: pd.DataFrame, horizon: str) -> pd.DataFrame:
    return result[result["horizon"] == horizon].set_index("model")


def test_a_perfectly_weekly_series_is_forecast_exactly():
    result = rolling_accuracy(
        weekly_series(4), interval="1h", horizons=["1D", "7D", "14D"], weeks=2, origins=5
    )
    assert len(result) == 9 and set(result["model"]) == {
        "profile_trend", "seasonal_naive", "seasonal_ma"
    }  # fmt: skip
    assert (result["wape"] == 0).all() and (result["bias"] == 0).all()
    # the history repeats exactly, so last week's pattern has no in-sample error: no scale
    assert result["mase"].isna().all()
    # 4 weeks = 28 midnights; origins need 14 days of training and their horizon after them
    one_day = by_model(result, "1d").loc["seasonal_naive"]
    assert one_day["origins"] == 5 and one_day["intervals"] == 5 * 24
    assert one_day["last_origin"] == pd.Timestamp("2024-01-28")
    assert by_model(result, "14d").loc["seasonal_naive", "origins"] == 1


def test_mase_of_seasonal_naive_on_a_linear_trend():
    # y = pattern + 0.01 t: every weekly difference is 1.68, so the scale is 1.68. Seasonal
    # naive is 1.68 low one week out (MASE 1) and 3.36 low in the second week (MASE 2); the
    # mean of the last 3 weeks lags by 2 weeks' growth (MASE 2).
    result = rolling_accuracy(
        weekly_series(6, slope=0.01), interval="1h", horizons=["1D", "7D", "14D"], weeks=3,
        origins=7,
    )  # fmt: skip
    assert by_model(result, "1d").loc["seasonal_naive", "mase"] == pytest.approx(1.0)
    assert by_model(result, "7d").loc["seasonal_naive", "mase"] == pytest.approx(1.0)
    assert by_model(result, "14d").loc["seasonal_naive", "mase"] == pytest.approx(2.0)
    assert by_model(result, "1d").loc["seasonal_ma", "mase"] == pytest.approx(2.0)
    assert by_model(result, "1d").loc["seasonal_naive", "bias"] < 0  # it lags the growth
    # the planner's weekly trend follows the growth that the plain seasonal mean misses
    for horizon in ("1d", "7d", "14d"):
        rows = by_model(result, horizon)
        assert rows.loc["profile_trend", "mase"] < 0.5 * rows.loc["seasonal_ma", "mase"]


def test_models_see_only_the_history_before_their_origin():
    # volume = the interval's own index, so a value tells where it came from
    frame = weekly_series(4)
    frame["volume"] = np.arange(len(frame), dtype=float)
    seen = []

    def spy(train, first, freq, steps):
        end = first + train.size * freq  # where the training ends: must be the origin
        seen.append((end, train.max()))
        return np.zeros(steps)

    result = rolling_accuracy(
        frame, interval="1h", horizons=["1D", "7D"], weeks=2, origins=3, extra_models={"spy": spy}
    )
    # 1 day: the last 3 midnights (26-28 January); 7 days: 20-22 January
    days = (20, 21, 22, 26, 27, 28)
    assert {end for end, _ in seen} == {pd.Timestamp(2024, 1, d) for d in days}
    # the last value a model saw is the interval just before its origin
    assert all(top == (end - pd.Timestamp("2024-01-01")) / pd.Timedelta(hours=1) - 1
               for end, top in seen)  # fmt: skip
    # seasonal naive reads the last observed week: y[t - 168] at 1 day, y[t - 168] at 7 days
    # (the 7th day is still inside the first week after the origin): error -168 everywhere
    rows = by_model(result, "1d").loc["seasonal_naive"]
    assert rows["bias"] * rows["actual"] == pytest.approx(-168 * rows["intervals"])
    week = by_model(result, "7d").loc["seasonal_naive"]
    assert week["bias"] * week["actual"] == pytest.approx(-168 * week["intervals"])


def test_wape_is_pooled_over_origins():
    # one origin per horizon: seasonal naive's error is 1.68 on each of 24 hours
    history = weekly_series(3, slope=0.01)
    result = rolling_accuracy(history, interval="1h", horizons=["7D"], weeks=1, origins=1)
    row = by_model(result, "7d").loc["seasonal_naive"]
    day = history.set_index("interval_start")["volume"]["2024-01-21":"2024-01-21 23:00"]
    assert row["actual"] == pytest.approx(day.sum())
    assert row["wape"] == pytest.approx(24 * 1.68 / day.sum())


def test_regular_volume_fills_whole_days():
    history = pd.DataFrame({
        "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-02 10:30"]),
        "volume": [3.0, 4.0],
    })  # fmt: skip
    grid = regular_volume(history, "30min")
    assert len(grid) == 2 * 48 and grid.sum() == 7.0
    assert grid.index[0] == pd.Timestamp("2024-01-01") and grid["2024-01-01 09:00"] == 3.0


def test_history_shorter_than_the_horizon_is_a_one_line_error():
    with pytest.raises(PlanningInputError, match="horizon 14d is too long for 20.0 days"):
        rolling_accuracy(weekly_series(3).iloc[:-24], interval="1h", horizons=["14D"])
    with pytest.raises(PlanningInputError, match="not a whole number"):
        rolling_accuracy(weekly_series(4), interval="1h", horizons=["90min"])


def _load_contacts(db_path, weeks: int = 3) -> None:
    """A real warehouse with a perfectly weekly contact pattern (1 to 3 an hour)."""
    from supportstats.db import connect

    grid = pd.date_range("2024-01-01", periods=weeks * HOURS_PER_WEEK, freq="1h", tz="UTC")
    counts = 1 + np.arange(grid.size) % HOURS_PER_WEEK % 3
    created = np.repeat(grid, counts) + pd.Timedelta(minutes=1)
    contacts = pd.DataFrame({"i": np.arange(created.size), "created_at": created})
    con = connect(db_path)
    con.register("contacts", contacts)
    con.execute("""
        insert into conversation (source_system, source_id, kind, queue_key, created_at)
        select 'test', 'c' || i, 'call', 'q1', created_at from contacts
    """)
    con.close()


def test_cli_on_a_real_warehouse(cli, db_path):
    _load_contacts(db_path)
    result = cli("forecast-accuracy", "--db", db_path, "--horizons", "1d,7d", "--interval",
                 "1h", "--weeks", "2", "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = pd.DataFrame(json.loads(result.stdout))
    assert len(rows) == 6 and {"model", "horizon", "origins", "wape", "mase"} <= set(rows)
    assert (rows["wape"] == 0).all()  # the pattern repeats: every model is exact
    assert (
        rows.set_index(["model", "horizon"]).loc[("seasonal_naive", "1d"), "origins"] == 7
    )  # days 14-20
    table = cli("forecast-accuracy", "--db", db_path, "--horizons", "1d", "--queue", "q1")
    assert table.exit_code == 0 and "seasonal_ma" in table.stdout


def test_cli_on_aggregate_counts(cli, tmp_path, db_path):
    # a count-only source (calls per 5 minutes) through its real importer
    grid = pd.date_range("2003-03-03 07:00", periods=15 * 288, freq="5min")
    grid = grid[(grid.hour >= 7) & (grid.hour < 21)]
    calls = 5 + np.asarray(grid.hour) % 4
    file = tmp_path / "bank_calls_5min.csv"
    pd.DataFrame({"DateTime": grid.strftime("%Y-%m-%dT%H:%M:%SZ"), "Calls": calls}).to_csv(
        file, index=False
    )
    imported = cli("import", file, "--source", "bank_calls_5min", "--db", db_path)
    assert imported.exit_code == 0, imported.stderr
    result = cli("forecast-accuracy", "--db", db_path, "--horizons", "1d", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "aggregate counts" in result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout)).set_index("model")
    # 15 days from Monday 3 March: one origin (17 March) has 14 days of training before it
    assert rows.loc["seasonal_naive", "origins"] == 1
    assert rows.loc["seasonal_naive", "actual"] == pytest.approx(calls[-168:].sum())
    assert rows.loc["seasonal_naive", "wape"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--horizons", "30d"], "horizon 30d is too long for 21.0 days of history"),
        (["--horizons", "soon"], "--horizons 'soon' is not a duration"),
        (["--origins", "0"], "--origins 0 is outside 1 to 1000"),
        (["--weeks", "0"], "--weeks 0 is outside 1 to 260"),
        (["--queue", "nope"], "no contacts in the warehouse for queue nope"),
        (["--queue", "q", "--history", "counts"], "--queue q: aggregate counts have no queue"),
    ],
)
def test_cli_bad_inputs_are_one_line_errors(cli, db_path, args, message):
    _load_contacts(db_path)
    result = cli("forecast-accuracy", "--db", db_path, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2  # the error and its hint


def test_cli_reads_only_the_weeks_it_evaluates(cli, db_path):
    # a contact from year 1 would stretch the history over 2,000 years of intervals, one
    # from year 9999 is not history: the same figures as without them
    _load_contacts(db_path)
    plain = cli("forecast-accuracy", "--db", db_path, "--horizons", "1d", "-f", "csv")
    from supportstats.db import connect

    con = connect(db_path)
    con.execute("""
        insert into conversation (source_system, source_id, kind, queue_key, created_at)
        values ('test', 'old', 'call', 'q1', timestamptz '0001-01-01 10:00:00+00'),
               ('test', 'new', 'call', 'q1', timestamptz '9999-12-31 10:00:00+00')
    """)
    con.close()
    odd = cli("forecast-accuracy", "--db", db_path, "--horizons", "1d", "-f", "csv")
    assert odd.exit_code == 0, odd.stderr
    assert "Note: left out 1 contact dated after" in odd.stderr
    assert odd.stdout == plain.stdout
