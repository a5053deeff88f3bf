-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Agents are named "Name (email)" here; key them by e-mail (the CSV has no agent id). After
-- the import, importers/_agents.py resolves such a row to the agent with that e-mail (or that
-- one name) and an id, known from conversations or messages of this or a later import.
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, batch_id)
SELECT agent_key_at_rating, $source_system, any_value(split_part(agent_key_at_rating, ':', -1)),
       any_value(trim(regexp_replace(agent_text, '\s*\([^()]*\)\s*$', ''))),
       any_value(split_part(agent_key_at_rating, ':', -1)), false, $batch_id
FROM chatwoot__int_csat
WHERE _reject_reason IS NULL AND agent_key_at_rating IS NOT NULL
  AND agent_key_at_rating NOT IN (SELECT agent_key FROM agent)
GROUP BY agent_key_at_rating;
