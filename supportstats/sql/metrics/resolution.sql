-- resolution: resolution time, resolved, one-touch and reopened per group
-- (docs/metrics.md#resolution). resolution_s runs from the resolution start the last
-- resolve (or the first, option resolution_end); a conversation reopened and still open is
-- not resolved. one_touch: resolved, exactly one human public reply, never reopened.
-- reopened: resolved at least once and reopened at least once (within reopen_window_h).
-- Credited to the last assignee before the resolve.
-- deflected: resolved without a person, per option deflection ({{deflected}}:
-- resolution.DEFLECTED; docs/metrics.md#deflection).
-- one quantile state serves the median and the p90
select
    {{names}}
    resolved,
    resolution_count,
    resolution_mean_s,
    q[1] as resolution_median_s,
    q[2] as resolution_p90_s,
    one_touch,
    resolved_ever,
    reopened,
    reopens,
    deflected
from (
    select
        {{dims}}
        count(*) filter (where f.is_resolved) as resolved,
        count(f.resolution_s) as resolution_count,
        avg(f.resolution_s) as resolution_mean_s,
        quantile_cont(f.resolution_s, [0.5, 0.9]) as q,
        count(*) filter (where f.is_resolved and f.human_replies = 1 and f.reopens = 0) as one_touch,
        count(*) filter (where f.first_resolved_at is not null) as resolved_ever,
        count(*) filter (where f.reopens > 0) as reopened,
        sum(f.reopens) as reopens,
        count(*) filter (where {{deflected}}) as deflected
    from "{{facts}}" f
    where {{where}}
    group by all
)
