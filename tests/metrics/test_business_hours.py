"""Business-hours durations across weekends, holidays and timezones."""

from __future__ import annotations

import datetime as dt

import pytest

from supportstats.errors import OptionError
from supportstats.metrics import MetricOptions, metrics_table, query
from supportstats.metrics.conversations import conversations

WEEKDAYS_9_17 = {d: (9 * 60, 17 * 60) for d in range(1, 6)}  # Mon-Fri, 0 = Sunday


def by_conv(wh, **opts):
    df = conversations(query(wh.conn, MetricOptions(**opts)))
    return df.set_index("conversation_id")


def test_weekend_is_skipped(wh):
    # Berlin (UTC+1 in March). Created Fri 2024-03-01 15:30 UTC = 16:30 local -> 30 min left;
    # reply Mon 08:30 UTC = 09:30 local -> 30 min: FRT 3600 business s (calendar 2 d 17 h)
    wh.schedule("s1", "Europe/Berlin", WEEKDAYS_9_17)
    wh.queue("q1", schedule="s1")
    wh.conv("b1", "2024-03-01 15:30", queue="q1")
    wh.msg("b1", "2024-03-01 15:30")
    wh.msg("b1", "2024-03-04 08:30", "agent", "a1")
    # resolved Tue 09:00 UTC = 10:00 local: 30 min Fri + 8 h Mon + 1 h Tue
    wh.ev("b1", "2024-03-05 09:00", "resolve")
    df = by_conv(wh, clock="business")
    assert df.loc["b1", "first_response_s"] == 3600
    assert df.loc["b1", "resolution_s"] == 1800 + 8 * 3600 + 3600
    cal = by_conv(wh)
    assert cal.loc["b1", "first_response_s"] == (2 * 24 + 17) * 3600


def test_holiday_is_skipped(wh):
    # Mon 2024-04-01 (Easter Monday) is a holiday: created Fri 16:00 UTC (16:00 in UTC
    # schedule, 1 h left), reply Tue 10:00 -> 1 h + 1 h = 7200
    wh.schedule("s2", "UTC", WEEKDAYS_9_17, holidays=[(dt.date(2024, 4, 1), dt.date(2024, 4, 1))])
    wh.conv("h1", "2024-03-29 16:00")
    wh.msg("h1", "2024-03-29 16:00")
    wh.msg("h1", "2024-04-02 10:00", "agent", "a1")
    df = by_conv(wh, clock="business")  # the only schedule applies to queue-less rows
    assert df.loc["h1", "first_response_s"] == 7200


def test_outside_hours_entirely_is_zero_and_split_days(wh):
    # created Sat, replied Sun: no business time at all -> 0 (a real zero, schedule known);
    # two intervals per day (9-12, 13-17): 11:00 -> 14:00 = 1 h + 1 h = 7200
    hours = {1: (9 * 60, 12 * 60)}
    wh.schedule("s3", "UTC", hours)
    wh.conn.execute("insert into schedule_interval values ('t:s3', 1, 780, 1020, null)")
    wh.conv("w1", "2024-03-02 10:00")
    wh.msg("w1", "2024-03-02 10:00")
    wh.msg("w1", "2024-03-03 10:00", "agent", "a1")
    wh.conv("w2", "2024-03-04 11:00")
    wh.msg("w2", "2024-03-04 11:00")
    wh.msg("w2", "2024-03-04 14:00", "agent", "a1")
    df = by_conv(wh, clock="business", schedule="t:s3")
    assert df.loc["w1", "first_response_s"] == 0
    assert df.loc["w2", "first_response_s"] == 7200


def test_business_clock_without_schedule_is_an_error(wh):
    wh.conv("z1", "2024-03-04 09:00")
    with pytest.raises(OptionError, match="no schedule"):
        metrics_table(query(wh.conn, MetricOptions(clock="business")))


def test_no_schedule_for_a_row_gives_null_not_zero(wh):
    # two schedules, the conversation's queue has none and there is no account schedule
    wh.schedule("s4", "UTC", WEEKDAYS_9_17)
    wh.schedule("s5", "UTC", WEEKDAYS_9_17)
    wh.queue("q2")
    wh.conv("n1", "2024-03-04 09:00", queue="q2")
    wh.msg("n1", "2024-03-04 09:00")
    wh.msg("n1", "2024-03-04 09:10", "agent", "a1")
    df = by_conv(wh, clock="business")
    assert df.loc["n1", "first_response_s"] != df.loc["n1", "first_response_s"]  # NaN


# Daylight-saving changes: business seconds are the real elapsed seconds of the overlap
# with open local intervals (issue 15, item 4).
SUNDAY_NIGHT = {0: (0, 6 * 60)}  # Sunday 00:00-06:00 local


def test_dst_spring_forward_counts_real_seconds(wh):
    # Madrid, Sun 2026-03-29: 02:00 CET -> 03:00 CEST. Open 00:00-06:00 local = 23:00 UTC
    # (Sat) to 04:00 UTC: 5 real hours, not 6. Created at the opening, replied at the close.
    wh.schedule("m1", "Europe/Madrid", SUNDAY_NIGHT)
    wh.conv("d1", "2026-03-28 23:00")
    wh.msg("d1", "2026-03-28 23:00")
    wh.msg("d1", "2026-03-29 04:00", "agent", "a1")
    # 01:30 local CET (00:30 UTC) to 03:30 local CEST (01:30 UTC): one real hour
    wh.conv("d2", "2026-03-29 00:30")
    wh.msg("d2", "2026-03-29 00:30")
    wh.msg("d2", "2026-03-29 01:30", "agent", "a1")
    df = by_conv(wh, clock="business")
    assert df.loc["d1", "first_response_s"] == 5 * 3600
    assert df.loc["d2", "first_response_s"] == 3600


def test_dst_fall_back_counts_the_repeated_hour(wh):
    # Madrid, Sun 2026-10-25: 03:00 CEST -> 02:00 CET. Open 00:00-06:00 local = 22:00 UTC
    # (Sat) to 05:00 UTC: 7 real hours.
    wh.schedule("m2", "Europe/Madrid", SUNDAY_NIGHT)
    wh.conv("f1", "2026-10-24 22:00")
    wh.msg("f1", "2026-10-24 22:00")
    wh.msg("f1", "2026-10-25 05:00", "agent", "a1")
    df = by_conv(wh, clock="business")
    assert df.loc["f1", "first_response_s"] == 7 * 3600


def test_dst_day_of_9_to_17_is_still_8_hours(wh):
    # New York, Sun 2026-03-08 02:00 EST -> 03:00 EDT; Sat/Sun/Mon open 09:00-17:00 local.
    # Created Sat 16:00 EST (21:00 UTC), replied Mon 10:00 EDT (14:00 UTC):
    # Sat 1 h + Sun 8 h + Mon 1 h = 10 h (calendar: 41 h)
    wh.schedule("ny", "America/New_York", {d: (9 * 60, 17 * 60) for d in (6, 0, 1)})
    wh.conv("n1", "2026-03-07 21:00")
    wh.msg("n1", "2026-03-07 21:00")
    wh.msg("n1", "2026-03-09 14:00", "agent", "a1")
    df = by_conv(wh, clock="business")
    assert df.loc["n1", "first_response_s"] == 10 * 3600


def test_overnight_shift_split_at_midnight_runs_on(wh):
    # Mon 22:00 - Tue 06:00 stored as Mon 22:00-24:00 and Tue 00:00-06:00 (UTC schedule).
    # Created Mon 23:00, replied Tue 05:00: 6 h; created Mon 21:00, replied Tue 07:00: 8 h.
    wh.schedule("nt", "UTC", {1: (22 * 60, 24 * 60), 2: (0, 6 * 60)})
    wh.conv("o1", "2026-03-02 23:00")
    wh.msg("o1", "2026-03-02 23:00")
    wh.msg("o1", "2026-03-03 05:00", "agent", "a1")
    wh.conv("o2", "2026-03-02 21:00")
    wh.msg("o2", "2026-03-02 21:00")
    wh.msg("o2", "2026-03-03 07:00", "agent", "a1")
    df = by_conv(wh, clock="business")
    assert df.loc["o1", "first_response_s"] == 6 * 3600
    assert df.loc["o2", "first_response_s"] == 8 * 3600
