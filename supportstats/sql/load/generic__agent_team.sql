-- Team membership from an agents file: one open-ended agent_team row per agent with a team.
DELETE FROM agent_team WHERE agent_key IN (SELECT agent_key FROM stg_agent WHERE _reject_reason IS NULL);
INSERT INTO agent_team (agent_key, team_key, batch_id)
SELECT agent_key, team_key, $batch_id FROM stg_agent
WHERE _reject_reason IS NULL AND team_key IS NOT NULL;
INSERT INTO team (team_key, source_system, source_id, name, batch_id)
SELECT DISTINCT team_key, $source_system, substr(team_key, length($source_system) + 2),
       substr(team_key, length($source_system) + 2), $batch_id
FROM stg_agent
WHERE _reject_reason IS NULL AND team_key IS NOT NULL AND team_key NOT IN (SELECT team_key FROM team);
