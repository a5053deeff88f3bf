-- Queues and teams named in a conversations file get their reference rows, so reports can
-- group by them before any queue or team file is imported.
INSERT INTO queue (queue_key, source_system, source_id, name, channel, batch_id)
SELECT queue_key, $source_system, substr(queue_key, length($source_system) + 2),
       substr(queue_key, length($source_system) + 2), any_value(channel), $batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue)
GROUP BY queue_key;
INSERT INTO team (team_key, source_system, source_id, name, batch_id)
SELECT DISTINCT team_key, $source_system, substr(team_key, length($source_system) + 2),
       substr(team_key, length($source_system) + 2), $batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND team_key IS NOT NULL AND team_key NOT IN (SELECT team_key FROM team);
