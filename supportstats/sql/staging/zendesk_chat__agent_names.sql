-- Agents known only from chats get the display name the chats carry (stg_zc_agent_name,
-- from zendesk_chat__history.sql); agents already registered keep their row.
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT agent_key, $source_system, substr(agent_key, length($source_system) + 2), name, false,
       $batch_id
FROM stg_zc_agent_name
WHERE agent_key NOT IN (SELECT agent_key FROM agent);
