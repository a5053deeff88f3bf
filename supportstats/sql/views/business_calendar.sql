-- business_calendar: one row per schedule and local day between $first_day and $last_day,
-- with the business seconds of all earlier days (cum_before_s) and that day's open intervals
-- as real instants (epoch seconds).
-- Business time between two instants is then B(end) - B(start), where
--   B(t) = cum_before_s(local day of t) + seconds of that day's intervals before t,
-- so a ticket open for a month costs two lookups, not thirty. Holidays (inclusive date
-- ranges) have no open intervals. day_of_week 0 = Sunday, minutes from local midnight.
-- Each interval's open and close are local wall-clock times turned into instants in the
-- schedule's timezone, so its length is the real elapsed time: on the day clocks go forward
-- at 02:00 an interval 00:00-06:00 lasts 5 h and 09:00-17:00 still 8 h. A close at minute
-- 1440 is the next local midnight: an overnight shift stored as 22:00-24:00 and 00:00-06:00
-- of the next day runs on without a gap.
-- Columns: schedule_key, day, cum_before_s, open_e (list), close_e (list).
with days as (
    select s.schedule_key, d::date as day
    from schedule s, unnest(generate_series($first_day::date, $last_day::date, interval 1 day)) t(d)
),
open_days as (
    select d.*
    from days d
    anti join schedule_holiday h
        on h.schedule_key = d.schedule_key and d.day between h.start_date and h.end_date
),
instants as (
    select
        o.schedule_key,
        o.day,
        i.open_minute,
        epoch(timezone(s.timezone, (o.day + i.open_minute * interval 1 minute)::timestamp))
            as open_e,
        epoch(timezone(s.timezone,
            (o.day + least(i.close_minute, 1440) * interval 1 minute)::timestamp))
            as close_e
    from open_days o
    join schedule s on s.schedule_key = o.schedule_key
    join schedule_interval i
        on i.schedule_key = o.schedule_key and i.day_of_week = dayofweek(o.day)
),
segs as (
    select
        schedule_key,
        day,
        list(open_e order by open_minute) as open_e,
        list(close_e order by open_minute) as close_e,
        sum(greatest(close_e - open_e, 0)) as day_s
    from instants
    group by schedule_key, day
)
select
    d.schedule_key,
    d.day,
    coalesce(sum(coalesce(s.day_s, 0)) over (
        partition by d.schedule_key order by d.day
        rows between unbounded preceding and 1 preceding
    ), 0) as cum_before_s,
    coalesce(s.open_e, []::double[]) as open_e,
    coalesce(s.close_e, []::double[]) as close_e
from days d
left join segs s using (schedule_key, day)
