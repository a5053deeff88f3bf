-- stretch_facts: one row per agent stretch, carrying the conversation columns groups and
-- filters read, so handle time, engagements and chats served need no join at query time.
-- Fragments: {{asg}} assignment intervals, {{facts}} conversation facts.
-- handle_s: live stretches only (NULL for tickets and open stretches); served: the agent sent
-- a public human message in the stretch.
-- n_pair: the conversation's stretches with handle time by the same agent; n_conv: by anyone.
-- A stretch with n_pair = 1 (grouped by credited agent) or n_conv = 1 is alone in its
-- (group, conversation) and needs no per-conversation sum (sql/metrics/handle_time.sql).
-- The two counts are grouped once and joined back: two window partitions over the stretches
-- took twice as long (1.8 s against 0.9 s per 270k stretches).
with pair as (
    select conversation_key, agent_key, count(handle_s) as n_pair
    from "{{asg}}"
    group by conversation_key, agent_key
),
conv as (
    select conversation_key, count(handle_s) as n_conv
    from "{{asg}}"
    group by conversation_key
)
select
    a.conversation_key,
    a.agent_key,
    a.started_at,
    a.ended_at,
    a.handle_s,
    a.served,
    f.created_at,
    f.source_system,
    f.kind,
    f.channel,
    f.queue_key,
    f.team_key,
    f.priority,
    f.tags,
    f.assignee_agent_key,
    p.n_pair,
    n.n_conv
from "{{asg}}" a
join "{{facts}}" f using (conversation_key)
join pair p
  on p.conversation_key = a.conversation_key and p.agent_key is not distinct from a.agent_key
join conv n on n.conversation_key = a.conversation_key
