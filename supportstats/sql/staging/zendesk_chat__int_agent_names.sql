-- Agent names as the chats give them (agent_ids and agent_names are parallel lists).
SELECT $source_system || ':' || id AS agent_key, any_value(name) AS name
FROM (SELECT unnest(j.agent_ids) AS id, unnest(j.agent_names) AS name FROM zendesk_chat__int_chats)
WHERE id IS NOT NULL GROUP BY id
