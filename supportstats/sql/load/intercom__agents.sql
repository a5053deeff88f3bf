-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Teammates and bots named by parts, assignees and ratings get agent rows (new keys only, so
-- an agent file imported earlier keeps its fuller row).
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, bot_kind, batch_id)
SELECT agent_key, $source_system, any_value(split_part(agent_key, ':', -1)), max(name), max(email),
       bool_or(is_bot), CASE WHEN bool_or(is_bot) THEN 'rule' END, $batch_id
FROM (
    SELECT $source_system || ':' || author_id AS agent_key, (p ->> '$.author.name') AS name,
           (p ->> '$.author.email') AS email, is_bot
    FROM intercom__int_parts_typed WHERE author_type IN ('admin', 'bot') AND ss_text(author_id) IS NOT NULL
    UNION ALL
    SELECT assignee_agent_key, NULL, NULL, false FROM intercom__conversation
    WHERE assignee_agent_key IS NOT NULL AND _reject_reason IS NULL
)
WHERE agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY agent_key;
