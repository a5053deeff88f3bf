-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Agents and groups named only in the export get reference rows (new keys only).
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT DISTINCT assignee_agent_key, $source_system, substr(assignee_agent_key, length($source_system) + 2),
       substr(assignee_agent_key, length($source_system) + 2), false, $batch_id
FROM freshdesk__int_kept_csv_tickets
WHERE _reject_reason IS NULL AND assignee_agent_key IS NOT NULL
  AND assignee_agent_key NOT IN (SELECT agent_key FROM agent);

INSERT INTO queue (queue_key, source_system, source_id, name, batch_id)
SELECT DISTINCT queue_key, $source_system, substr(queue_key, length($source_system) + 8),
       substr(queue_key, length($source_system) + 8), $batch_id
FROM freshdesk__int_kept_csv_tickets
WHERE _reject_reason IS NULL AND queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue);
