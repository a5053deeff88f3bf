-- business_time: B(t), business seconds since the calendar's first day, for each point.
-- Input {{points}}: (conversation_key, name, schedule_key, ts); {{calendar}}: business_calendar.
-- The point's local wall-clock time is read in the schedule's timezone. (On a DST change day
-- an interval spanning the switch counts wall-clock length; business hours rarely do.)
with p as (
    select p.*, timezone(s.timezone, p.ts) as lt
    from {{points}} p
    join schedule s using (schedule_key)
)
select
    p.conversation_key,
    p.name,
    c.cum_before_s + coalesce(list_sum(list_transform(
        list_zip(c.open_s, c.close_s),
        lambda x: greatest(least(epoch(p.lt) - epoch(date_trunc('day', p.lt)), x[2]) - x[1], 0)
    )), 0) as b_s
from p
join {{calendar}} c on c.schedule_key = p.schedule_key and c.day = p.lt::date
