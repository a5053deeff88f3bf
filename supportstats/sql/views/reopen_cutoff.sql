-- reopen_cutoff: per conversation, the first reopen that came more than $reopen_window_h hours
-- after the resolve before it (option reopen_window_h). From there on the activity is a new
-- contact: its resolves and reopens no longer count for this conversation.
with ev as (
    select
        conversation_key,
        occurred_at,
        event_type = 'reopen'
            or (event_type = 'status' and from_value in ('resolved', 'solved', 'closed')
                and to_value not in ('resolved', 'solved', 'closed')) as is_reopen,
        event_type in ('resolve', 'close')
            or (event_type = 'status' and to_value in ('resolved', 'solved', 'closed'))
            as is_resolve
    from {{conversation_event_all}}
    where event_type in ('resolve', 'reopen', 'close', 'status')
),
prev as (
    select
        *,
        last_value(case when is_resolve then occurred_at end ignore nulls) over (
            partition by conversation_key order by occurred_at
            rows between unbounded preceding and 1 preceding
        ) as prev_resolve_at
    from ev
)
select conversation_key, min(occurred_at) as cutoff_at
from prev
where is_reopen
  and prev_resolve_at is not null
  and epoch(occurred_at) - epoch(prev_resolve_at) > $reopen_window_h * 3600
group by conversation_key
