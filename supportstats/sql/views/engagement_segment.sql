-- engagement_segment: each agent's concurrency as a step function c(t), one row per constant
-- stretch [seg_start, seg_end) with c >= 1, columns s, e, c, load (docs/metrics.md#concurrency).
-- Every agent stretch [start, end) becomes +1 at start and -1 at end; a running sum per agent
-- ordered by time gives c(t) (the sweep of research/analytics.md §2.9): one sort, one window.
-- The RANGE frame sums all events at the same instant, so the row of an instant's last event
-- carries c after that instant and lead(t) is the next instant (the other rows of the instant
-- get lead(t) = t and are dropped). load weighs chats 1/$chat_capacity and calls/tickets 1,
-- for utilisation: chats open / $chat_capacity + other engagements open (integer counts).
-- Live stretches only (chats, calls: tickets are not worked while merely assigned).
-- Stretches are clipped to [$start, $end); open stretches end at $as_of.
-- Fragments: {{asg}} assignment intervals; {{begin}} the stretch start (option
-- concurrency_start: assignment, acceptance or first agent message).
with iv as (
    select
        agent_key,
        greatest({{begin}}, $start) as s,
        least(coalesce(ended_at, $as_of), $end) as e,
        is_chat::integer as chat
    from "{{asg}}"
    where {{begin}} is not null and is_live
),
ev as (
    select agent_key, s as t, 1 as d, chat as dc from iv where e > s
    union all
    select agent_key, e as t, -1 as d, -chat as dc from iv where e > s
),
steps as (
    select
        agent_key,
        t,
        lead(t) over (partition by agent_key order by t) as t_next,
        sum(d) over upto as c,
        sum(dc) over upto as chats
    from ev
    window upto as (
        partition by agent_key order by t range between unbounded preceding and current row
    )
)
select agent_key, t as s, t_next as e, c::integer as c, chats / $chat_capacity + (c - chats) as load
from steps
where t_next > t and c > 0
