"""Incomplete periods: the one rule the dashboard marks days, weeks and months by."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from supportstats.reports.completeness import incomplete_periods, period_bounds

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def days(*rows: tuple[str, int, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"day": dt.date.fromisoformat(d), "contacts": c, "resolved": r, "abandoned": a}
            for d, c, r, a in rows
        ]
    )


def test_the_day_the_data_stops_in_is_cut_off() -> None:
    table = days(("2026-02-28", 100, 95, 5), ("2026-03-01", 84, 17, 52))
    last = dt.datetime(2026, 3, 1, 20, 46, tzinfo=dt.UTC)
    reasons = incomplete_periods(table, "day", last=last, now=NOW).tolist()
    assert reasons == [None, "data ends 20:46, 3 h 14 min before the day ends"]


def test_data_ending_in_the_last_hour_is_a_whole_day() -> None:
    table = days(("2026-03-01", 84, 80, 4))
    last = dt.datetime(2026, 3, 1, 23, 10, tzinfo=dt.UTC)
    assert incomplete_periods(table, "day", last=last, now=NOW).tolist() == [None]


def test_the_current_day_is_not_over() -> None:
    table = days(("2026-03-09", 100, 95, 5), ("2026-03-10", 10, 9, 1))
    last = dt.datetime(2026, 3, 10, 11, 59, tzinfo=dt.UTC)
    assert incomplete_periods(table, "day", last=last, now=NOW).tolist() == [
        None,
        "this day is not over",
    ]


def test_a_day_mostly_open_is_incomplete_and_abandoned_chats_are_closed() -> None:
    table = days(("2026-02-27", 100, 40, 0), ("2026-02-28", 100, 20, 80))
    last = dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC)
    assert incomplete_periods(table, "day", last=last, now=NOW).tolist() == [
        "60 % of its conversations still open",
        None,  # 100 % abandonment is a bad day, not an unfinished one
    ]


def test_local_days_and_weeks() -> None:
    # 20:46 UTC is 21:46 in Berlin: 2 h 14 min before the local day ends
    table = days(("2026-03-01", 84, 80, 4))
    last = dt.datetime(2026, 3, 1, 20, 46, tzinfo=dt.UTC)
    reasons = incomplete_periods(table, "day", last=last, now=NOW, timezone="Europe/Berlin")
    assert reasons.tolist() == ["data ends 21:46, 2 h 14 min before the day ends"]
    weeks = pd.DataFrame({"week": [dt.date(2026, 2, 23)], "contacts": [700]})
    reasons = incomplete_periods(weeks, "week", last=last, now=NOW)
    assert reasons.tolist() == ["data ends Sun 20:46, 3 h 14 min before the week ends"]
    assert period_bounds(dt.date(2026, 12, 1), "month")[1] == dt.datetime(2027, 1, 1)
