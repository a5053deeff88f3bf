-- resolution_summary: one row per conversation with resolve and reopen events.
-- A resolve is a 'resolve' event or a status change to resolved/solved; a 'close' (or status
-- closed) counts as a resolve only when the conversation has no resolve at all, so Zendesk's
-- automatic close days after "solved" does not stretch resolution time. A reopen is a 'reopen'
-- event or a status change out of resolved/solved/closed. Fragment {{cutoff}}: relation
-- (conversation_key, cutoff_at) from reopen_cutoff.sql; events at or after cutoff_at belong
-- to a new contact (option reopen_window_h), or an empty relation. Fragment
-- {{resolution_events}}: resolution_event.sql.
with ev as (
    select distinct e.conversation_key, e.occurred_at, e.actor_agent_key, e.kind
    from ({{resolution_events}}) e
    left join ({{cutoff}}) cut using (conversation_key)
    where cut.cutoff_at is null or e.occurred_at < cut.cutoff_at
),
agg as (
    select
        conversation_key,
        min(occurred_at) filter (where kind = 'resolve') as first_resolve_at,
        max(occurred_at) filter (where kind = 'resolve') as last_resolve_at,
        min(occurred_at) filter (where kind = 'close') as first_close_at,
        max(occurred_at) filter (where kind = 'close') as last_close_at,
        max(occurred_at) filter (where kind = 'reopen') as last_reopen_at,
        min(occurred_at) filter (where kind in ('resolve', 'close')) as any_resolve_at,
        count(*) filter (where kind = 'reopen') as reopen_events,
        min(occurred_at) filter (where kind = 'reopen') as first_reopen_at
    from ev
    where kind is not null
    group by conversation_key
)
select
    conversation_key,
    coalesce(first_resolve_at, first_close_at) as first_resolved_at,
    coalesce(last_resolve_at, last_close_at) as last_resolved_at,
    -- reopens before the first resolve are status noise (e.g. pending -> open), not reopens
    case when first_reopen_at > any_resolve_at then reopen_events else 0 end as reopens,
    last_reopen_at
from agg
