-- handle_time: agent handling time per group, seconds (docs/metrics.md#handle-time).
-- Per agent stretch: acceptance (else first agent message, else assignment) -> end. A
-- conversation's handle time is the sum of its stretches; grouped by agent, each agent gets the
-- sum of their own stretches, so a transfer splits the handling between the two agents.
-- Rows come from stretch_facts (stretches with the conversation's columns; those with a
-- handle time: live ones that ended); the agent is
-- f.agent_key (credited) or the assignee. {{single}} says a stretch is alone in its
-- (group, conversation): it is its own sum, and only the others are summed per conversation.
with per_conversation as (
    select
        {{dims}}
        f.handle_s
    from "{{hs}}" f
    where {{where}} and f.handle_s is not null and {{single}}
    union all by name
    select
        {{dims}}
        f.conversation_key,
        sum(f.handle_s) as handle_s
    from "{{hs}}" f
    where {{where}} and f.handle_s is not null and not {{single}}
    group by all
)
select
    {{names}}
    handle_time_count,
    handle_time_mean_s,
    q[1] as handle_time_median_s,
    q[2] as handle_time_p90_s
from (
    -- one quantile state serves the median and p90
    select
        {{names}}
        count(handle_s) as handle_time_count,
        avg(handle_s) as handle_time_mean_s,
        quantile_cont(handle_s, [0.5, 0.9]) as q
    from per_conversation
    group by all
)
