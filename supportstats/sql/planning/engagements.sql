-- One row per engagement (an agent working a conversation), for agents-on-duty estimates.
-- Parameters: $queue (VARCHAR, or NULL for every queue)
select
    e.agent_key,
    coalesce(e.accepted_at, e.started_at) as started_at,
    e.ended_at
from engagement as e
join conversation as c using (conversation_key)
where $queue is null or c.queue_key = $queue
order by started_at
