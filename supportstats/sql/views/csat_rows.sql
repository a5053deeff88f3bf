-- csat_rows: one row per conversation offered a survey (a rating row or a csat_request
-- message) and, with csat_ratings=latest, its latest scored rating (csat_ratings=all: one row
-- per scored rating), with the conversation columns groups and filters read. Cached per
-- option set like the facts, so the CSAT family is one scan (sql/metrics/csat.sql).
-- Fragments: {{facts}} conversation facts; {{ratings}} rating_score; {{latest}} the
-- latest-rating filter (option csat_ratings) or nothing.
with ratings as (
    {{ratings}}
),
chosen as (
    select *
    from ratings
    where s is not null
    {{latest}}
),
offered as (
    select conversation_key from "{{facts}}" where csat_requested
    union
    select conversation_key from ratings
)
select
    f.conversation_key,
    f.created_at,
    f.source_system,
    f.kind,
    f.channel,
    f.queue_key,
    f.team_key,
    f.priority,
    f.tags,
    f.assignee_agent_key,
    c.s,
    c.is_positive,
    c.is_negative,
    coalesce(c.rated_at, c.offered_at) as rated_at,
    c.agent_key_at_rating,
    c.team_key_at_rating
from offered o
join "{{facts}}" f using (conversation_key)
left join chosen c using (conversation_key)
