-- business_calendar: one row per schedule and local day between $first_day and $last_day,
-- with the business seconds of all earlier days (cum_before_s) and that day's open intervals.
-- Business time between two instants is then B(end) - B(start), where
--   B(t) = cum_before_s(day of t) + open seconds of that day before t,
-- so a ticket open for a month costs two lookups, not thirty. Holidays (inclusive date
-- ranges) have no open intervals. day_of_week 0 = Sunday, minutes from local midnight.
-- Columns: schedule_key, day, cum_before_s, open_s (list), close_s (list).
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
segs as (
    select
        o.schedule_key,
        o.day,
        list(i.open_minute * 60.0 order by i.open_minute) as open_s,
        list(least(i.close_minute, 1440) * 60.0 order by i.open_minute) as close_s,
        sum(greatest(least(i.close_minute, 1440) - i.open_minute, 0) * 60.0) as day_s
    from open_days o
    join schedule_interval i
        on i.schedule_key = o.schedule_key and i.day_of_week = dayofweek(o.day)
    group by o.schedule_key, o.day
)
select
    d.schedule_key,
    d.day,
    coalesce(sum(coalesce(s.day_s, 0)) over (
        partition by d.schedule_key order by d.day
        rows between unbounded preceding and 1 preceding
    ), 0) as cum_before_s,
    coalesce(s.open_s, []::double[]) as open_s,
    coalesce(s.close_s, []::double[]) as close_s
from days d
left join segs s using (schedule_key, day)
