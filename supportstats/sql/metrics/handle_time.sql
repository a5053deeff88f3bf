-- handle_time: agent handling time per group, seconds (docs/metrics.md#handle-time).
-- Per agent stretch: acceptance (else first agent message, else assignment) -> end. A
-- conversation's handle time is the sum of its stretches; grouped by agent, each agent gets the
-- sum of their own stretches, so a transfer splits the handling between the two agents.
-- Agent stretches come from assignment_interval; the agent is a.agent_key (credited) or the assignee.
with per_conversation as (
    select
        {{dims}}
        f.conversation_key,
        sum(a.handle_s) as handle_s
    from "{{asg}}" a
    join "{{facts}}" f using (conversation_key)
    where {{where}} and a.handle_s is not null
    group by all
)
select
    {{names}}
    count(handle_s) as handle_time_count,
    avg(handle_s) as handle_time_mean_s,
    quantile_cont(handle_s, 0.5) as handle_time_median_s,
    quantile_cont(handle_s, 0.9) as handle_time_p90_s
from per_conversation
group by all
