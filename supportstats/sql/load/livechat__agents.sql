-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Agents: named in a chat's users list (name, e-mail) or only by id on a thread.
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, batch_id)
SELECT agent_key, $source_system, any_value(id), max(name), max(email), false, $batch_id
FROM (
    SELECT $source_system || ':' || (u ->> 'id') AS agent_key, (u ->> 'id') AS id, (u ->> 'name') AS name, (u ->> 'email') AS email
    FROM (SELECT unnest(json_extract(record, '$.users[*]')) AS u FROM livechat__int_records WHERE kind = 'chat')
    WHERE (u ->> 'type') = 'agent'
    UNION ALL
    SELECT agent_key, split_part(agent_key, ':', 2), NULL, NULL FROM livechat__engagement
)
WHERE agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY agent_key;
