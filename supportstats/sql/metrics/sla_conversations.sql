-- sla_conversations: the SLA items one by one (docs/metrics.md#sla): one row per conversation
-- and metric (per customer wait for next_reply) that has a target, judged by {{status}}
-- (sla_status.sql), with the agent credited and how far past the target it went. Only the
-- items of one status when $sla_status is given (e.g. 'breached'). An open item past its
-- target (calendar clock) is breached with no value yet: value_s is empty and over_s counts
-- up to $as_of; a pending one has no over_s. over_s < 0: met with time to spare.
select
    f.source_system,
    f.conversation_id,
    f.created_at,
    f.channel,
    f.queue_key,
    f.team_key,
    f.priority,
    f.metric,
    f.wait_no,
    f.sla_policy_name as sla_policy,
    f.target_s,
    f.in_business as business_hours,
    f.value as value_s,
    case when f.value is not null then f.value - f.target_s
         when f.sla_status = 'breached' then epoch($as_of) - epoch(f.clock_start) - f.target_s
    end as over_s,
    f.sla_status,
    f.credited as agent_key
from ({{status}}) f
where {{where}} and f.target_s is not null
    and ($sla_status::varchar is null or f.sla_status = $sla_status)
order by f.clock_start, f.source_system, f.conversation_id, f.metric, f.wait_no
