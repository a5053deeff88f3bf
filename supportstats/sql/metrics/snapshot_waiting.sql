-- snapshot_waiting: contacts waiting in queue at $as_of (docs/metrics.md#snapshot).
-- Waiting: queued at or before $as_of, not answered, not gone and not resolved by then.
-- queue_position: 1 = longest waiting, per queue. expected_wait_s: position divided by the
-- queue's answer rate over the last $eta_window_min minutes (NULL when nobody was answered).
with waiting as (
    select
        f.conversation_key,
        f.source_system,
        f.conversation_id,
        f.queue_key,
        f.channel,
        f.priority,
        f.queued_at,
        epoch($as_of) - epoch(f.queued_at) as waiting_s
    from "{{facts}}" f
    where f.queued_at <= $as_of
      and (f.answered_at is null or f.answered_at > $as_of)
      and (f.left_at is null or f.left_at > $as_of)
      and not (f.is_abandoned and f.left_at is null)
      and (f.first_resolved_at is null or f.first_resolved_at > $as_of)
      and (f.ended_at is null or f.ended_at > $as_of)
),
answer_rate as (
    select queue_key, count(*) / ($eta_window_min * 60.0) as per_s
    from "{{facts}}"
    where answered_at > $as_of - to_minutes($eta_window_min::integer) and answered_at <= $as_of
    group by queue_key
)
select
    w.source_system,
    w.conversation_id,
    w.queue_key,
    w.channel,
    w.priority,
    w.queued_at,
    w.waiting_s,
    row_number() over (partition by w.queue_key order by w.queued_at, w.conversation_key)
        as queue_position,
    row_number() over (partition by w.queue_key order by w.queued_at, w.conversation_key)
        / nullif(r.per_s, 0) as expected_wait_s
from waiting w
left join answer_rate r on r.queue_key is not distinct from w.queue_key
order by w.queue_key, queue_position
