-- queue_summary: one row per conversation that has queue or abandon events.
-- queue_enter .. agent answer is the wait; an 'abandon' event, or a queue_exit with no answer,
-- marks the customer leaving unanswered. A re-queue after a transfer does not restart the
-- first wait (wait is the customer's first time in queue). Units: timestamps (UTC).
select
    conversation_key,
    min(occurred_at) filter (where event_type = 'queue_enter') as queued_at,
    min(occurred_at) filter (where event_type = 'queue_exit') as queue_exit_at,
    min(occurred_at) filter (where event_type = 'abandon') as abandon_at,
    max(occurred_at) filter (where event_type in ('bot_handoff', 'reopen')) as last_handoff_at
from {{conversation_event_all}}
where event_type in ('queue_enter', 'queue_exit', 'abandon', 'bot_handoff', 'reopen')
group by conversation_key
