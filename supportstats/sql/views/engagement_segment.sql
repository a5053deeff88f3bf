-- engagement_segment: each agent's concurrency as a step function c(t), one row per constant
-- stretch [seg_start, seg_end) with c >= 1, columns s, e, c, load (docs/metrics.md#concurrency).
-- Every agent stretch [start, end) becomes +1 at start and -1 at end; a running sum per agent
-- ordered by time gives c(t) (the sweep of research/analytics.md §2.9). load is the same sum
-- weighted by 1/$chat_capacity for chats and 1 for calls/tickets, for utilisation.
-- Live stretches only (chats, calls: tickets are not worked while merely assigned).
-- Stretches are clipped to [$start, $end); open stretches end at $as_of.
-- Fragments: {{asg}} assignment intervals; {{begin}} the stretch start (option
-- concurrency_start: assignment, acceptance or first agent message).
with iv as (
    select
        agent_key,
        greatest({{begin}}, $start) as s,
        least(coalesce(ended_at, $as_of), $end) as e,
        case when is_chat then 1.0 / $chat_capacity else 1.0 end as w
    from "{{asg}}"
    where {{begin}} is not null and is_live
),
ev as (
    select agent_key, s as t, 1 as d, w as dw from iv where e > s
    union all
    select agent_key, e as t, -1 as d, -w as dw from iv where e > s
),
pts as (
    select agent_key, t, sum(d) as d, sum(dw) as dw
    from ev
    group by agent_key, t
),
steps as (
    select
        agent_key,
        t as seg_start,
        lead(t) over (partition by agent_key order by t) as seg_end,
        sum(d) over (partition by agent_key order by t rows unbounded preceding) as c,
        sum(dw) over (partition by agent_key order by t rows unbounded preceding) as load
    from pts
)
select agent_key, seg_start as s, seg_end as e, c::integer as c, load
from steps
where seg_end is not null and c > 0
