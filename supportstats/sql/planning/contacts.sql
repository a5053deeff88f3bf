-- One row per conversation, for forecasting and backtesting: its queue and channel, when it
-- entered the queue, how long it waited (until an agent took it or first replied, or until it
-- left the queue unanswered), whether an agent answered it, and its handle time. Times UTC,
-- durations seconds.
--
-- Offered contacts, decided per queue (not per source system: one source can carry a chat
-- queue that logs queue entries and an e-mail queue that does not): in a queue where some
-- conversation has a queue_enter event, a conversation that never entered the queue and never
-- reached an agent (a hang-up in the voice menu) is left out; in a queue without queue events
-- (e-mail, messaging) every conversation is offered.
--
-- Handle time, also per queue: where the queue has engagements (an agent working the
-- conversation), the sum of the conversation's engagements (NULL when it had none: abandoned);
-- in a queue without any engagement, agent replies x $reply_handle_s (handle_basis says which).
-- Answered: an engagement, or (queue without engagements) an agent's first message.
-- Parameters: $queue (VARCHAR, or NULL for every queue), $reply_handle_s (DOUBLE, seconds of
-- agent work per agent reply)
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

replies as (
    select
        conversation_key,
        count(*) as agent_replies,
        min(created_at) as first_reply_at
    from message
    where author_role = 'agent'
    group by conversation_key
),

queued_queues as (
    -- queues that log queue entries
    select distinct c.queue_key
    from queue_enter as q
    join conversation as c using (conversation_key)
),

engaged_queues as (
    -- queues whose handle time is measured by engagements
    select distinct c.queue_key
    from engagement as e
    join conversation as c using (conversation_key)
),

joined as (
    select
        c.conversation_key,
        c.queue_key,
        coalesce(qt.channel, c.channel) as channel,
        c.created_at,
        coalesce(q.entered_at, c.created_at) as arrived_at,
        l.left_at,
        eq.queue_key is not null as by_engagement,
        case when eq.queue_key is not null then h.answered_at else r.first_reply_at end
            as first_answer_at,
        case
            when eq.queue_key is not null then h.handle_s
            else coalesce(r.agent_replies, 0) * $reply_handle_s
        end as handle_s
    from conversation as c
    left join queue as qt on qt.queue_key = c.queue_key
    left join queue_enter as q using (conversation_key)
    left join left_queue as l using (conversation_key)
    left join handled as h using (conversation_key)
    left join replies as r using (conversation_key)
    left join queued_queues as qq on qq.queue_key is not distinct from c.queue_key
    left join engaged_queues as eq on eq.queue_key is not distinct from c.queue_key
    where ($queue is null or c.queue_key = $queue)
        and (q.entered_at is not null or h.answered_at is not null or qq.queue_key is null)
)

select
    conversation_key,
    queue_key,
    channel,
    created_at,
    arrived_at,
    greatest(
        0.0, epoch(coalesce(first_answer_at, left_at, arrived_at)) - epoch(arrived_at)
    ) as wait_s,
    first_answer_at is not null as answered,
    handle_s,
    case when by_engagement then 'engagements' else 'agent_replies' end as handle_basis
from joined
order by arrived_at, conversation_key
