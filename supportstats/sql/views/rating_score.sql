-- rating_score: one row per rating with a normalised score s in 0..1 and positive/negative
-- flags (docs/metrics.md#csat). The importer's score_norm / is_positive / is_negative win;
-- otherwise the raw value is read on its scale:
--   1-5 -> (v-1)/4, 1-3 -> (v-1)/2, 1-10 -> (v-1)/9, 0-10 -> v/10,
--   binary: good/1/true/yes/up/👍 -> 1, bad/0/false/no/down/👎 -> 0,
--   3-level: great/good -> 1, okay/ok -> 0.5, not good/bad -> 0.
-- Option-free, so it is stored (fact_rating); views/rating_flags.sql applies the
-- positive/negative thresholds at query time. Rows without a score are offers.
-- Fragment: {{rating_all}} the ratings (the view, or a subset of it).
with r as (
    select
        *,
        lower(trim(raw_value)) as v,
        try_cast(trim(raw_value) as double) as n
    from {{rating_all}}
),
scored as (
    select
        *,
        coalesce(
            score_norm,
            case
                when scale = '1-5' then (n - 1) / 4
                when scale = '1-3' then (n - 1) / 2
                when scale = '1-10' then (n - 1) / 9
                when scale = '0-10' then n / 10
                when scale = 'binary' and v in ('1', 'true', 'good', 'yes', 'up', 'positive', '👍')
                    then 1.0
                when scale = 'binary' and v in ('0', 'false', 'bad', 'no', 'down', 'negative', '👎')
                    then 0.0
                when scale = '3-level' and v in ('great', 'good') then 1.0
                when scale = '3-level' and v in ('okay', 'ok') then 0.5
                when scale = '3-level' and v in ('not good', 'not_good', 'bad') then 0.0
            end
        ) as s
    from r
)
select
    rating_key,
    conversation_key,
    offered_at,
    rated_at,
    agent_key_at_rating,
    team_key_at_rating,
    least(greatest(s, 0), 1) as s,
    is_positive as src_positive,
    is_negative as src_negative
from scored
