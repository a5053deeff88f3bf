-- first_response: first response time per group, seconds (docs/metrics.md#first-response).
-- Per conversation: frt_start_at -> first public, non-automated agent reply (options
-- frt_start, bot_replies, agent_initiated, clock). Credited to the responder by default.
-- Conversations with no reply yet have no FRT and are left out (count says how many have one).
-- With frt_scope=cycle, {{facts}} is the cycle table (views/frt_cycle.sql): one row per
-- resolution cycle, same columns, so the count is the cycles with a reply.
-- one quantile state serves the median and the p90
select
    {{names}}
    first_response_count,
    first_response_mean_s,
    q[1] as first_response_median_s,
    q[2] as first_response_p90_s
from (
    select
        {{dims}}
        count(f.frt_s) as first_response_count,
        avg(f.frt_s) as first_response_mean_s,
        quantile_cont(f.frt_s, [0.5, 0.9]) as q
    from "{{facts}}" f
    where {{where}} and f.frt_s is not null
    group by all
)
