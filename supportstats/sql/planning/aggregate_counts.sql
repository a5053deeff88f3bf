-- Contact counts per period from aggregate-only sources (source_aggregate: e.g. calls per
-- 5-minute interval), for forecasting where there is no row per contact. Counts only
-- (unit 'count'), interval grain (periods shorter than a day), one metric of one report.
-- Parameters: $report (VARCHAR, or NULL for any), $metric (VARCHAR, or NULL for any)
select
    report,
    metric,
    period_start,
    period_end,
    value
from source_aggregate
where unit = 'count'
    and grain = 'interval'
    and period_start is not null
    and period_end > period_start
    and value is not null
    and ($report is null or report = $report)
    and ($metric is null or metric = $metric)
order by report, metric, period_start
