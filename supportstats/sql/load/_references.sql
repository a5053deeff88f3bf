-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- After every import: agents, teams and queues that the batch's rows refer to but no file
-- has described yet get a row keyed and named by their id, so reports can group by them.
-- Importers that know names insert them first; a later agents file replaces these rows.
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT k, split_part(k, ':', 1), substr(k, strpos(k, ':') + 1), substr(k, strpos(k, ':') + 1),
       false, $batch_id
FROM (
    SELECT assignee_agent_key AS k FROM conversation WHERE batch_id = $batch_id
    UNION SELECT author_agent_key FROM message WHERE batch_id = $batch_id
    UNION SELECT actor_agent_key FROM conversation_event WHERE batch_id = $batch_id
    UNION SELECT agent_key FROM engagement WHERE batch_id = $batch_id
    UNION SELECT agent_key_at_rating FROM rating WHERE batch_id = $batch_id
    UNION SELECT agent_key FROM agent_status_interval WHERE batch_id = $batch_id
)
WHERE k IS NOT NULL AND k NOT IN (SELECT agent_key FROM agent);

INSERT INTO team (team_key, source_system, source_id, name, batch_id)
SELECT team_key, split_part(team_key, ':', 1), substr(team_key, strpos(team_key, ':') + 1),
       substr(team_key, strpos(team_key, ':') + 1), $batch_id
FROM conversation
WHERE batch_id = $batch_id AND team_key IS NOT NULL AND team_key NOT IN (SELECT team_key FROM team)
GROUP BY team_key;

INSERT INTO queue (queue_key, source_system, source_id, name, channel, batch_id)
SELECT queue_key, split_part(queue_key, ':', 1), substr(queue_key, strpos(queue_key, ':') + 1),
       substr(queue_key, strpos(queue_key, ':') + 1), any_value(channel), $batch_id
FROM conversation
WHERE batch_id = $batch_id AND queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue)
GROUP BY queue_key;
