-- sla: SLA attainment per metric x priority (+ groups) (docs/metrics.md#sla): the items
-- {{status}} (sla_status.sql: targets, clocks and the met/breached/pending rules) counted.
-- attainment = met / (met + breached), in [0, 1].
select
    {{dims}}
    f.metric,
    f.priority as sla_priority,
    f.sla_policy_name as sla_policy,
    min(f.target_s) as target_s,
    bool_or(f.in_business) as business_hours,
    count(*) filter (where f.sla_status = 'met') as met,
    count(*) filter (where f.sla_status = 'breached') as breached,
    count(*) filter (where f.sla_status = 'pending') as pending,
    count(*) filter (where f.sla_status = 'met')
        / nullif(count(*) filter (where f.sla_status in ('met', 'breached')), 0) as attainment
from ({{status}}) f
where {{where}} and f.target_s is not null
group by all
order by all
