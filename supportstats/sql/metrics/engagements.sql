-- engagements: agent stretches and chats served per group
-- (docs/metrics.md#engagements-and-chats-served).
-- engagements: agent stretches of a conversation (an engagement row, else an assignee
-- event's stretch to the next assignee event or the close); a transfer starts a new one, so
-- a transferred chat counts once for each agent. chats_served: engagements in which the
-- agent sent a public, non-automated message (column served, views/assignment_interval.sql):
-- Zendesk Chat's "chats served" per agent. Counted in the period of the stretch's start
-- (cohort=event) or of the conversation's creation; credited to the stretch's agent.
-- Rows come from stretch_facts (every stretch with its conversation's columns).
select
    {{dims}}
    count(*) as engagements,
    count(*) filter (where f.served) as chats_served
from "{{hs}}" f
where {{where}}
group by all
