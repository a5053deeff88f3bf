-- csat_rows: one row per conversation offered a survey (a rating row or a csat_request
-- message) and, with csat_ratings=latest, its latest scored rating (csat_ratings=all: one row
-- per scored rating), with the conversation columns groups and filters read. Cached per
-- option set like the facts, so the CSAT family is one scan (sql/metrics/csat.sql); with
-- csat_ratings=latest and stored facts it is the stored fact_csat. Positive and negative are
-- not decided here (views/rating_flags.sql does, at query time): the rows carry the score s
-- and the importer's own flags (src_positive, src_negative).
-- Fragments: {{facts}} conversation facts; {{ratings}} the scored ratings (fact_rating, or
-- views/rating_score.sql in parentheses); {{latest}} the
-- latest-rating filter (option csat_ratings) or nothing; {{facts_filter}} a condition on the
-- facts (the period on created_at with cohort=created, so stored facts in time order are read
-- for the period only), or true.
-- facts is read three times: scanning the time-ordered table thrice costs less than keeping
-- ten million rows of it in memory (DuckDB materialises a CTE read more than once)
with facts as not materialized (
    select * from "{{facts}}" where {{facts_filter}}
),
ratings as (
    -- a join, not a semi join, so DuckDB hashes whichever side is smaller (facts are one row
    -- per conversation: no rating is repeated)
    select r.* from {{ratings}} r join facts f using (conversation_key)
),
chosen as (
    select *
    from ratings
    where s is not null
    {{latest}}
),
offered as (
    select conversation_key from facts where csat_requested
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
    c.src_positive,
    c.src_negative,
    coalesce(c.rated_at, c.offered_at) as rated_at,
    c.agent_key_at_rating,
    c.team_key_at_rating
from offered o
join facts f using (conversation_key)
left join chosen c using (conversation_key)
