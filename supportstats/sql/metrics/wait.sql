-- wait: time in queue per group, seconds (docs/metrics.md#wait).
-- queue enter -> agent accept or first agent message, for answered contacts; with
-- wait_abandoned=include the time abandoned contacts spent before leaving counts too.
-- The value expression comes from the option.
-- one quantile state serves the median and the p90
select
    {{names}}
    wait_count,
    wait_mean_s,
    q[1] as wait_median_s,
    q[2] as wait_p90_s,
    wait_max_s
from (
    select
        {{dims}}
        count({{value}}) as wait_count,
        avg({{value}}) as wait_mean_s,
        quantile_cont({{value}}, [0.5, 0.9]) as q,
        max({{value}}) as wait_max_s
    from "{{facts}}" f
    where {{where}} and f.queued_at is not null and {{value}} is not null
    group by all
)
