-- business_time: B(t), business seconds since the calendar's first day, for each point.
-- Input {{points}}: (conversation_key, name, schedule_key, ts); {{calendar}}: business_calendar.
-- The point's local day is read in the schedule's timezone; the seconds are real elapsed
-- seconds between instants (the calendar's intervals are instants), so a daylight-saving
-- change inside an open interval counts what really passed, not the wall clock.
with p as (
    select p.*, timezone(s.timezone, p.ts::timestamptz)::date as day
    from {{points}} p
    join schedule s using (schedule_key)
)
select
    p.conversation_key,
    p.name,
    c.cum_before_s + coalesce(list_sum(list_transform(
        list_zip(c.open_e, c.close_e),
        lambda x: greatest(least(epoch(p.ts), x[2]) - x[1], 0)
    )), 0) as b_s
from p
join {{calendar}} c on c.schedule_key = p.schedule_key and c.day = p.day
