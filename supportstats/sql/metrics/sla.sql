-- sla: SLA attainment per metric x priority (+ groups) (docs/metrics.md#sla).
-- Targets {{targets}}: (metric, priority, target_s); a priority-specific target wins over one
-- with priority NULL. Per conversation and metric:
--   met      value <= target
--   breached value > target, or (calendar clock) still open and already past the target
--   pending  still open and within the target (left out of the attainment)
-- Wait: abandoned contacts count as breached when they waited past the target and are left
-- out when they left earlier (answered within T / (answered + abandoned after T)).
-- Resolution subtracts time spent in the pause statuses ($pause) between its start and end
-- (calendar clock only). attainment = met / (met + breached), in [0, 1].
with paused as (
    select
        f.conversation_key,
        sum(greatest(
            epoch(least(coalesce(s.ended_at, f.resolved_at), f.resolved_at))
                - epoch(greatest(s.started_at, f.resolution_start_at)),
            0
        )) as paused_s
    from "{{facts}}" f
    join ({{status_interval}}) s using (conversation_key)
    where list_contains($pause, s.status) and f.resolved_at is not null
    group by f.conversation_key
),
vals as (
    select f.*, 'first_response' as metric, f.frt_s as value,
        coalesce(f.frt_start_at, f.created_at) as clock_start,
        {{agent_frt}} as credited
    from "{{facts}}" f
    where f.frt_start_at is not null
    union all by name
    select f.*, 'resolution' as metric,
        f.resolution_s - {{pause_sql}} as value,
        f.created_at as clock_start,
        {{agent_res}} as credited
    from "{{facts}}" f
    left join paused p using (conversation_key)
    union all by name
    select f.*, 'wait' as metric,
        coalesce(f.wait_s, case when f.is_abandoned then f.abandon_wait_s end) as value,
        f.queued_at as clock_start,
        {{agent_wait}} as credited
    from "{{facts}}" f
    where f.queued_at is not null
),
judged as (
    select
        v.*,
        coalesce(
            (select min(t.target_s) from ({{targets}}) t
             where t.metric = v.metric and t.priority = v.priority),
            (select min(t.target_s) from ({{targets}}) t
             where t.metric = v.metric and t.priority is null)
        ) as target_s
    from vals v
),
status as (
    select
        *,
        case
            when target_s is null then null
            when value is not null and metric = 'wait' and is_abandoned and value <= target_s
                then null
            when value is not null and value <= target_s then 'met'
            when value is not null then 'breached'
            when {{calendar}} and epoch($as_of) - epoch(clock_start) > target_s then 'breached'
            else 'pending'
        end as sla_status
    from judged
)
select
    {{dims}}
    f.metric,
    f.priority as sla_priority,
    min(f.target_s) as target_s,
    count(*) filter (where f.sla_status = 'met') as met,
    count(*) filter (where f.sla_status = 'breached') as breached,
    count(*) filter (where f.sla_status = 'pending') as pending,
    count(*) filter (where f.sla_status = 'met')
        / nullif(count(*) filter (where f.sla_status in ('met', 'breached')), 0) as attainment
from status f
where {{where}} and f.target_s is not null
group by all
