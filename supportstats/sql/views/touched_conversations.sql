-- touched_conversations: the conversations whose stored facts import batch $batch_id may have
-- changed: those it wrote any row of (a replaced row is written again, so it counts), and
-- those whose assignee events name an agent the batch defined or redefined (the stretches
-- map to_value to an agent through the agent table; shortcut columns make no assignee
-- events, so the table is read, not conversation_event_all). supportstats/metrics/stored.py.
select conversation_key from conversation where batch_id = $batch_id
union
-- conversations the batch took a replaced row away from (the importer notes them)
select conversation_key from fact_pending where batch_id = $batch_id
union
select conversation_key from conversation_source where batch_id = $batch_id
union
select conversation_key from message where batch_id = $batch_id
union
select conversation_key from conversation_event where batch_id = $batch_id
union
select conversation_key from engagement where batch_id = $batch_id
union
select conversation_key from rating where batch_id = $batch_id
union
select e.conversation_key
from conversation_event e
join agent a
  on a.agent_key = e.to_value
  or (a.source_system = e.source_system and a.source_id = e.to_value)
where a.batch_id = $batch_id and e.event_type = 'assignee'
  -- most batches define no agent: then the events are not read at all
  and exists (select 1 from agent where batch_id = $batch_id)
