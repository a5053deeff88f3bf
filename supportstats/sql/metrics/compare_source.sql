-- compare_source: our per-conversation numbers next to the vendor's own (src_* columns of conversation_source),
-- one row per metric (+ groups) over conversations where both exist (docs/metrics.md#reconcile).
-- equal_share: share of those conversations where ours and theirs differ by <= 1 s (or match).
with pairs as (
    select f.*, 'first_response_s' as metric, f.frt_s as ours, {{src_frt}} as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
    union all by name
    select f.*, 'resolution_s' as metric, f.resolution_s as ours, {{src_res}} as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
    union all by name
    select f.*, 'reopens' as metric, f.reopens::double as ours, c.src_reopens::double as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
    union all by name
    select f.*, 'replies' as metric, f.human_replies::double as ours, c.src_replies::double as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
    union all by name
    select f.*, 'missed' as metric, ({{missed}})::int::double as ours, c.src_missed::int::double as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
    union all by name
    select f.*, 'duration_s' as metric, f.duration_s as ours, c.src_duration_s as theirs
    from "{{facts}}" f join conversation_source c using (conversation_key)
)
select
    {{dims}}
    f.metric,
    count(*) as conversations,
    avg(f.ours) as ours_mean,
    avg(f.theirs) as theirs_mean,
    avg(f.ours) - avg(f.theirs) as diff_mean,
    quantile_cont(f.ours, 0.5) as ours_median,
    quantile_cont(f.theirs, 0.5) as theirs_median,
    avg((abs(f.ours - f.theirs) <= 1)::int) as equal_share
from pairs f
where {{where}} and f.ours is not null and f.theirs is not null
group by all
