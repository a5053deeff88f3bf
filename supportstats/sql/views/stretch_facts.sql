-- stretch_facts: one row per live agent stretch with a handle time, carrying the conversation
-- columns groups and filters read, so handle time needs no join at query time.
-- Fragments: {{asg}} assignment intervals, {{facts}} conversation facts.
-- n_pair: the conversation's stretches with handle time by the same agent; n_conv: by anyone.
-- A stretch with n_pair = 1 (grouped by credited agent) or n_conv = 1 is alone in its
-- (group, conversation) and needs no per-conversation sum (sql/metrics/handle_time.sql).
select
    a.conversation_key,
    a.agent_key,
    a.ended_at,
    a.handle_s,
    f.created_at,
    f.source_system,
    f.kind,
    f.channel,
    f.queue_key,
    f.team_key,
    f.priority,
    f.tags,
    f.assignee_agent_key,
    count(*) over (partition by a.conversation_key, a.agent_key) as n_pair,
    count(*) over (partition by a.conversation_key) as n_conv
from "{{asg}}" a
join "{{facts}}" f using (conversation_key)
where a.handle_s is not null
