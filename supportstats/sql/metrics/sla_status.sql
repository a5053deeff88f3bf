-- sla_status: every SLA item judged: one row per conversation and metric (per customer wait
-- for next_reply) with its target, value and sla_status (docs/metrics.md#sla). sla.sql counts
-- them per group; sla_conversations.sql lists them.
-- Facts {{facts_rows}}: the conversation facts (narrowed to the period's conversations when
-- it selects by creation). Targets {{targets}}: (metric, priority, target_s, policy_key,
-- business_hours, pause_statuses, vendor, override). A conversation of a source with vendor policies
-- (sla_policy.filter, Zendesk) is judged against the policy {{policy_match}} gives it:
-- that policy's target for its metric and exact priority (no priority, no target); others
-- against the targets of policies without a filter (a priority-specific target wins over one
-- with priority NULL; several -> the strictest). Option targets (override) apply to all.
-- Each target is measured in its own clock: business_hours true -> business seconds
-- ({{facts_bh}}, {{waits_bh}}), false -> calendar ({{facts_cal}}, {{waits}}), NULL -> the
-- option clock. Per conversation (per wait for next_reply) and metric:
--   met      value <= target
--   breached value > target, or (calendar clock) still open and already past the target
--   pending  still open and within the target (left out of the attainment)
-- Wait: abandoned contacts count as breached when they waited past the target and are left
-- out when they left earlier (answered within T / (answered + abandoned after T)).
-- Resolution subtracts time spent in the target's pause statuses (else $pause) between its
-- start and end (calendar clock only).
with pm as (
    select * from "{{policy_match}}"
),
paused as (
    select
        f.conversation_key,
        s.status,
        sum(greatest(
            epoch(least(coalesce(s.ended_at, f.resolved_at), f.resolved_at))
                - epoch(greatest(s.started_at, f.resolution_start_at)),
            0
        )) as paused_s
    from {{facts_rows}} f
    join ({{status_interval}}) s using (conversation_key)
    where f.resolved_at is not null
    group by all
),
vals as (
    select f.*, 'first_response' as metric, null::integer as wait_no,
        c.frt_s as value_cal, b.frt_s as value_bh,
        coalesce(f.frt_start_at, f.created_at) as clock_start,
        {{agent_frt}} as credited
    from {{facts_rows}} f
    left join "{{facts_cal}}" c using (conversation_key)
    left join {{facts_bh}} b using (conversation_key)
    where f.frt_start_at is not null
    union all by name
    select f.*, 'resolution' as metric, null::integer as wait_no,
        c.resolution_s as value_cal, b.resolution_s as value_bh,
        f.created_at as clock_start,
        {{agent_res}} as credited
    from {{facts_rows}} f
    left join "{{facts_cal}}" c using (conversation_key)
    left join {{facts_bh}} b using (conversation_key)
    union all by name
    select f.*, 'wait' as metric, null::integer as wait_no,
        coalesce(c.wait_s, case when f.is_abandoned then c.abandon_wait_s end) as value_cal,
        coalesce(b.wait_s, case when f.is_abandoned then b.abandon_wait_s end) as value_bh,
        f.queued_at as clock_start,
        {{agent_wait}} as credited
    from {{facts_rows}} f
    left join "{{facts_cal}}" c using (conversation_key)
    left join {{facts_bh}} b using (conversation_key)
    where f.queued_at is not null
    union all by name
    select f.*, 'next_reply' as metric, w.wait_no,
        w.reply_s as value_cal, wb.reply_s as value_bh,
        w.waiting_since as clock_start,
        {{agent_next}} as credited
    from {{waits}} w
    join {{facts_rows}} f using (conversation_key)
    left join {{waits_bh}} wb using (conversation_key, wait_no)
    where w.wait_no >= 1
),
-- each item with the vendor policy its conversation matched (policy_matched: its source has
-- vendor policies and one or none applies)
items as (
    select v.*, pm.policy_key as sla_policy_key,
        pm.conversation_key is not null as policy_matched
    from vals v
    left join pm using (conversation_key)
),
-- the target of each kind of item: items of one metric, priority and matched policy share it,
-- so it is looked up once per kind and joined back (a join, not a correlated subquery per
-- item: Spark's planner cannot run that one)
kind_targets as (
    select
        k.metric, k.priority, k.sla_policy_key, k.policy_matched,
        arg_min({'target_s': t.target_s, 'bh': t.business_hours, 'pause': t.pause_statuses},
                (t.priority is null, t.target_s)) as tgt
    from (select distinct metric, priority, sla_policy_key, policy_matched from items) k
    join ({{targets}}) t
        on t.metric = k.metric
        and (t.override
             or (k.sla_policy_key is not null and t.policy_key = k.sla_policy_key
                 and t.priority = lower(k.priority))
             or (not k.policy_matched and not t.vendor
                 and (t.priority = k.priority or t.priority is null)))
    group by k.metric, k.priority, k.sla_policy_key, k.policy_matched
),
judged as (
    select i.*, sp.name as sla_policy_name, kt.tgt
    from items i
    left join sla_policy sp on sp.policy_key = i.sla_policy_key
    left join kind_targets kt
        on kt.metric = i.metric
        and kt.priority is not distinct from i.priority
        and kt.sla_policy_key is not distinct from i.sla_policy_key
        and kt.policy_matched = i.policy_matched
),
-- the paused seconds of each resolution item (one per conversation), in its target's pause
-- statuses
resolution_paused as (
    select j.conversation_key, sum(p.paused_s) as paused_s
    from judged j
    join paused p using (conversation_key)
    where j.metric = 'resolution'
      and list_contains(coalesce(j.tgt.pause, $pause::varchar[]), p.status)
    group by j.conversation_key
),
measured as (
    select
        j.*,
        j.tgt.target_s as target_s,
        coalesce(j.tgt.bh, {{business}}) as in_business,
        case when coalesce(j.tgt.bh, {{business}}) then j.value_bh
             when j.metric = 'resolution' then j.value_cal - coalesce(rp.paused_s, 0)
             else j.value_cal end as value
    from judged j
    left join resolution_paused rp
        on j.metric = 'resolution' and rp.conversation_key = j.conversation_key
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
            when not in_business and epoch($as_of) - epoch(clock_start) > target_s then 'breached'
            else 'pending'
        end as sla_status
    from measured
)
select * from status
