-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT DISTINCT k, $source_system, split_part(k, ':', -1), NULL, false, $batch_id
FROM (SELECT assignee_agent_key AS k FROM freshdesk__int_kept_api_tickets WHERE _reject_reason IS NULL
      UNION SELECT author_agent_key FROM freshdesk__api_message WHERE _reject_reason IS NULL
      UNION SELECT agent_key_at_rating FROM freshdesk__api_rating WHERE _reject_reason IS NULL)
WHERE k IS NOT NULL AND k NOT IN (SELECT agent_key FROM agent);
