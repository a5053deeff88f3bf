-- concurrency: simultaneous engagements per agent (docs/metrics.md#concurrency).
-- Over the time an agent had at least one engagement (busy_s):
--   concurrency_mean = integral of c(t) dt / busy_s (time-weighted), concurrency_max = max c,
--   concurrency_share_ge_k = share of busy time with c >= $concurrency_k.
-- Zendesk's example: 2 chats open for 2 h gives concurrency 2 whatever the throughput.
-- {{segments}}: engagement_segment rows (split into time buckets when grouped by time).
-- {{agent_team}}: each agent's team (views/agent_current_team.sql).
with seg as (
    select
        g.agent_key,
        g.s,
        g.c,
        g.load,
        epoch(g.e) - epoch(g.s) as dur,
        t.team_key
    from ({{segments}}) g
    left join ({{agent_team}}) t using (agent_key)
)
select
    {{dims}}
    sum(f.dur) as busy_s,
    sum(f.c * f.dur) / nullif(sum(f.dur), 0) as concurrency_mean,
    max(f.c) as concurrency_max,
    sum(f.dur) filter (where f.c >= $concurrency_k) / nullif(sum(f.dur), 0)
        as concurrency_share_ge_k
from seg f
where ($f_agent::varchar[] is null or list_contains($f_agent, f.agent_key))
  and ($f_team::varchar[] is null or list_contains($f_team, f.team_key))
group by all
