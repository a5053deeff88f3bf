-- resolution_event: conversation events classified as resolve / reopen / close (kind NULL for
-- a status change that is none of these). Shared by resolution_summary.sql and frt_cycle.sql,
-- so both read the same rule: a resolve is a 'resolve' event or a status change to
-- resolved/solved; a reopen a 'reopen' event or a status change out of resolved/solved/closed;
-- a close a 'close' event or a status change to closed.
select
    e.conversation_key,
    e.occurred_at,
    e.actor_agent_key,
    case
        when e.event_type = 'resolve'
          or (e.event_type = 'status' and e.to_value in ('resolved', 'solved')) then 'resolve'
        when e.event_type = 'reopen'
          or (e.event_type = 'status' and e.from_value in ('resolved', 'solved', 'closed')
              and e.to_value not in ('resolved', 'solved', 'closed')) then 'reopen'
        when e.event_type = 'close'
          or (e.event_type = 'status' and e.to_value = 'closed') then 'close'
    end as kind
from {{conversation_event_all}} e
where e.event_type in ('resolve', 'reopen', 'close', 'status')
