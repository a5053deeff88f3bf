-- status_interval: one row per stretch a conversation spent in one status, from 'status'
-- events (to_value), each lasting until the next status event (NULL end while current).
-- Used to pause SLA clocks in statuses such as pending and on_hold (option pause_statuses).
select
    conversation_key,
    to_value as status,
    occurred_at as started_at,
    lead(occurred_at) over (partition by conversation_key order by occurred_at) as ended_at
from conversation_event_all
where event_type = 'status'
