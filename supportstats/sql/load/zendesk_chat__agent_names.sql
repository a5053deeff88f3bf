-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Agents known only from chats get the display name the chats carry (zendesk_chat__int_agent_names,
-- from zendesk_chat__history.sql); agents already registered keep their row.
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT agent_key, $source_system, substr(agent_key, length($source_system) + 2), name, false,
       $batch_id
FROM zendesk_chat__int_agent_names
WHERE agent_key NOT IN (SELECT agent_key FROM agent);
