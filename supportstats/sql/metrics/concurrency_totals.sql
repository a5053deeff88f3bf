-- concurrency_totals: concurrency per agent or team over the whole period, from the sums per
-- agent (views/segment_total.sql); same definitions as concurrency.sql:
-- busy_s = time with c >= 1, concurrency_mean = integral of c dt / busy_s,
-- concurrency_max, concurrency_share_ge_k = busy time with c >= $concurrency_k / busy_s.
-- {{agent_team}}: each agent's team (views/agent_current_team.sql).
with seg as (
    select g.*, t.team_key
    from "{{totals}}" g
    left join ({{agent_team}}) t using (agent_key)
)
select
    {{dims}}
    sum(f.busy_s) as busy_s,
    sum(f.cd_s) / nullif(sum(f.busy_s), 0) as concurrency_mean,
    max(f.max_c) as concurrency_max,
    sum(f.busy_ge_k_s) / nullif(sum(f.busy_s), 0) as concurrency_share_ge_k
from seg f
where ($f_agent::varchar[] is null or list_contains($f_agent, f.agent_key))
  and ($f_team::varchar[] is null or list_contains($f_team, f.team_key))
group by all
