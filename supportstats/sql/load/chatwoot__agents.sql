-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, batch_id)
SELECT agent_key, $source_system, id, name, email, false, $batch_id
FROM chatwoot__int_people
WHERE agent_key NOT IN (SELECT agent_key FROM agent);

-- An agent known before without an e-mail (or named only by its id) learns them.
UPDATE agent SET email = coalesce(agent.email, p.email),
                 name = CASE WHEN agent.name IS NULL OR agent.name = agent.source_id THEN coalesce(p.name, agent.name) ELSE agent.name END
FROM chatwoot__int_people p
WHERE agent.agent_key = p.agent_key
  AND ((agent.email IS NULL AND p.email IS NOT NULL)
       OR ((agent.name IS NULL OR agent.name = agent.source_id) AND p.name IS NOT NULL));
