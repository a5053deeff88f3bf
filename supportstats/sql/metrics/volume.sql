-- volume: contacts per group (DESIGN §4 "volume"; docs/metrics.md#volume).
-- One row per group. contacts = conversations in the period by the cohort anchor
-- (creation time by default). chats counts kind 'chat'; offline_messages are kept apart, as
-- Zendesk Chat does; goals are conversations that reached a goal (chat conversion).
-- deflectable: customer contacts whose messages are in the warehouse, the denominator of
-- deflection_rate ({{deflectable}}: resolution.DEFLECTABLE; docs/metrics.md#deflection).
-- Fragments: facts, dims, where (filters and the period on the cohort anchor).
select
    {{dims}}
    count(*) as contacts,
    count(*) filter (where f.kind = 'chat') as chats,
    count(*) filter (where f.kind = 'offline_message') as offline_messages,
    count(*) filter (where f.agent_initiated) as agent_initiated,
    count(*) filter (where f.is_goal) as goals,
    count(*) filter (where {{deflectable}}) as deflectable
from "{{facts}}" f
where {{where}}
group by all
