-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Team membership from an agents file: one open-ended agent_team row per agent kept (the
-- first of repeated ids: its _row) with a team.
DELETE FROM agent_team WHERE agent_key IN (SELECT agent_key FROM generic__agent WHERE _reject_reason IS NULL);
INSERT INTO agent_team (agent_key, team_key, batch_id)
SELECT agent_key, team_key, $batch_id FROM generic__int_agent_team
WHERE (agent_key, _row) IN (SELECT (agent_key, _row) FROM generic__agent WHERE _reject_reason IS NULL);
INSERT INTO team (team_key, source_system, source_id, name, batch_id)
SELECT DISTINCT team_key, $source_system, substr(team_key, length($source_system) + 2),
       substr(team_key, length($source_system) + 2), $batch_id
FROM generic__int_agent_team
WHERE (agent_key, _row) IN (SELECT (agent_key, _row) FROM generic__agent WHERE _reject_reason IS NULL)
  AND team_key NOT IN (SELECT team_key FROM team);
