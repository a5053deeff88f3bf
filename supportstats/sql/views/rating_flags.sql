-- rating_flags: the scored ratings (views/rating_score.sql, or the stored fact_rating) with
-- positive/negative flags. The importer's own flags win (src_positive, src_negative);
-- otherwise positive: s >= $csat_positive_min (0.75 = 4 of 5); negative: s <
-- $csat_negative_max (0.5 = 1-2 of 5, so 3 of 5 and "okay" are neutral).
-- Fragment: {{scores}} the scored ratings (a table name or a parenthesised subquery).
select
    rating_key,
    conversation_key,
    offered_at,
    rated_at,
    agent_key_at_rating,
    team_key_at_rating,
    s,
    case when s is null then null
         else coalesce(src_positive, s >= $csat_positive_min) end as is_positive,
    case when s is null then null
         else coalesce(src_negative, s < $csat_negative_max) end as is_negative
from {{scores}}
