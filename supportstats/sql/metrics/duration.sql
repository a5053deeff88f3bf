-- duration: chat (and call) duration per group, seconds (docs/metrics.md#chat-duration).
-- created -> the end of the last agent stretch (else the last resolve, else the last message).
-- one quantile state serves the median and the p90
select
    {{names}}
    duration_count,
    duration_mean_s,
    q[1] as duration_median_s,
    q[2] as duration_p90_s
from (
    select
        {{dims}}
        count(f.duration_s) as duration_count,
        avg(f.duration_s) as duration_mean_s,
        quantile_cont(f.duration_s, [0.5, 0.9]) as q
    from "{{facts}}" f
    where {{where}} and f.duration_s is not null and f.kind in ('chat', 'call')
    group by all
)
