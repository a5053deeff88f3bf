-- One row per conversation, for forecasting and backtesting: when it entered the queue, how
-- long it waited (until an agent took it, or until it left the queue unanswered), whether an
-- agent answered it, and its handle time (sum of its engagements). Times UTC, durations seconds.
-- Offered contacts only: where a source records queue entries (call logs), a conversation that
-- never entered a queue and never reached an agent (a hang-up in the voice menu) is left out.
-- Parameters: $queue (VARCHAR, or NULL for every queue)
with queue_enter as (
    select conversation_key, min(occurred_at) as entered_at
    from conversation_event_all
    where event_type = 'queue_enter'
    group by conversation_key
),

left_queue as (
    -- an abandon or a queue exit without an agent ends the wait of an unanswered contact
    select conversation_key, min(occurred_at) as left_at
    from conversation_event_all
    where event_type in ('abandon', 'queue_exit')
    group by conversation_key
),

handled as (
    select
        conversation_key,
        min(coalesce(accepted_at, started_at)) as answered_at,
        sum(epoch(ended_at) - epoch(coalesce(accepted_at, started_at))) as handle_s
    from engagement
    group by conversation_key
),

queue_sources as (
    select distinct source_system
    from conversation_event_all
    where event_type = 'queue_enter'
),

final as (
    select
        c.conversation_key,
        c.queue_key,
        c.created_at,
        coalesce(q.entered_at, c.created_at) as arrived_at,
        greatest(
            0.0,
            epoch(coalesce(h.answered_at, l.left_at, coalesce(q.entered_at, c.created_at)))
            - epoch(coalesce(q.entered_at, c.created_at))
        ) as wait_s,
        h.answered_at is not null as answered,
        h.handle_s
    from conversation as c
    left join queue_enter as q using (conversation_key)
    left join left_queue as l using (conversation_key)
    left join handled as h using (conversation_key)
    where ($queue is null or c.queue_key = $queue)
        and (
            q.entered_at is not null
            or h.answered_at is not null
            or c.source_system not in (select source_system from queue_sources)
        )
)

select * from final
order by arrived_at
