-- rating_flags: rows with a score s in 0..1 and the importer's own flags (src_positive,
-- src_negative): scored ratings (views/rating_score.sql, the stored fact_rating) or CSAT rows
-- (views/csat_rows.sql, the stored fact_csat), with positive/negative decided at query time.
-- The importer's own flags win; otherwise positive: s >= $csat_positive_min (0.75 = 4 of 5);
-- negative: s < $csat_negative_max (0.5 = 1-2 of 5, so 3 of 5 and "okay" are neutral).
-- Fragment: {{scores}} the scored rows (a table name or a parenthesised subquery).
select
    * exclude (src_positive, src_negative),
    case when s is null then null
         else coalesce(src_positive, s >= $csat_positive_min) end as is_positive,
    case when s is null then null
         else coalesce(src_negative, s < $csat_negative_max) end as is_negative
from {{scores}}
